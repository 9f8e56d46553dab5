"""Deputy accounts: created from the roster, own data only, evaluation through the workflow,
invitations, drafts, messages."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from meetings.models import Activity, ActivityParticipation
from portal import services
from portal.models import DeputyAccount, InvitationAnswer, Message, SuggestionDraft
from proposals.models import Proposal
from renda.core.access import access_for
from renda.core.exceptions import ApplicationError
from renda.core.models import Reminder
from tests.factories import DeputyFactory


@pytest.fixture
def accounts(township, secretary, deputies):
    deputies[0].phone = "13912345678"
    deputies[0].save()
    deputies[1].id_number = "34022319750501001X"
    deputies[1].save()
    created = services.deputy_accounts_create(township=township, by=secretary)
    return {c["deputy"].pk: c for c in created}


def _login(client, deputy, accounts, change=True):
    account = DeputyAccount.objects.get(deputy=deputy)
    if change:
        account.must_change_password = False
        account.save()
    client.force_login(account.user)
    return client


def test_accounts_are_created_from_the_roster_with_derived_usernames(township, accounts, deputies, secretary):
    assert len(accounts) == len(deputies)
    assert accounts[deputies[0].pk]["username"] == "13912345678"
    assert accounts[deputies[1].pk]["username"] == "d0501001x"
    assert accounts[deputies[2].pk]["username"] == f"deputy{deputies[2].pk}"
    user = DeputyAccount.objects.get(deputy=deputies[0]).user
    assert access_for(user).is_deputy and user.township_id == township.pk
    assert user.check_password(accounts[deputies[0].pk]["password"])
    # one click again creates nothing new
    assert services.deputy_accounts_create(township=township, by=secretary) == []


def test_first_login_forces_a_password_change(client, accounts, deputies):
    c = accounts[deputies[0].pk]
    assert (
        client.post("/accounts/login/", {"username": c["username"], "password": c["password"]}).status_code
        == 302
    )

    assert client.get("/me/")["Location"] == "/me/password/"
    response = client.post(
        "/me/password/",
        {"old_password": c["password"], "new_password1": "Qingshan-2027!", "new_password2": "Qingshan-2027!"},
    )
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


def test_accounts_end_with_the_mandate(client, township, accounts, deputies):
    mandate = deputies[0].mandates.get()
    mandate.end_date = timezone.localdate() - dt.timedelta(days=1)
    mandate.end_reason = "resigned"
    mandate.save()

    assert services.deputy_accounts_end_expired(township=township) == 1
    account = DeputyAccount.objects.get(deputy=deputies[0])
    assert account.ended_on and not account.user.is_active


def test_a_deputy_sees_only_their_own_record(client, accounts, deputies, make_proposal, secretary):
    mine = make_proposal("replied", title="我的建议", lead_deputy=deputies[0])
    theirs = make_proposal("replied", title="别人的建议", lead_deputy=deputies[1])
    c = _login(client, deputies[0], accounts)

    home = c.get("/me/").content.decode()
    assert "我的建议" in home and "别人的建议" not in home
    assert c.get(f"/me/suggestions/{mine.pk}/").status_code == 200
    assert c.get(f"/me/suggestions/{theirs.pk}/").status_code == 404
    record = c.get("/me/record/").content.decode()
    assert deputies[0].phone in record  # their own data, in clear
    # the office's pages are closed to a deputy account, whatever the record
    for url in (
        "/deputies/",
        f"/deputies/{deputies[1].pk}/",
        f"/proposals/{theirs.pk}/",
        "/meetings/",
        "/dashboard/",
    ):
        assert c.get(url).status_code == 403, url
    assert c.get("/")["Location"] == "/me/"


def test_another_townships_deputy_gets_404(
    client, other_township, other_secretary, make_proposal, accounts, deputies
):
    outsider = DeputyFactory(township=other_township)
    services.deputy_accounts_create(township=other_township, by=other_secretary)
    p = make_proposal("replied", lead_deputy=deputies[0])
    c = _login(client, outsider, accounts)

    assert c.get(f"/me/suggestions/{p.pk}/").status_code == 404


def test_the_lead_deputy_evaluates_through_the_workflow(client, accounts, deputies, make_proposal):
    p = make_proposal("replied", lead_deputy=deputies[0])
    p.co_signers.add(deputies[1])
    co = _login(client.__class__(), deputies[1], accounts)
    # a co-signer sees it but may not rate it
    assert co.get(f"/me/suggestions/{p.pk}/").status_code == 200
    co.post(f"/me/suggestions/{p.pk}/", {"rating": "satisfied"})
    p.refresh_from_db()
    assert p.state == Proposal.State.REPLIED

    lead = _login(client, deputies[0], accounts)
    response = lead.post(f"/me/suggestions/{p.pk}/", {"rating": "basically", "comment": "基本解决"})

    assert response.status_code == 302
    p.refresh_from_db()
    assert p.state == Proposal.State.EVALUATED and p.rating == "basically"
    evaluation = p.evaluations.get()
    assert evaluation.by == DeputyAccount.objects.get(deputy=deputies[0]).user
    assert p.events.filter(action="evaluate").exists()
    assert Reminder.objects.filter(key__startswith=f"evaluated-{p.pk}").exists()
    # the same rules: a second rating is refused
    again = lead.post(f"/me/suggestions/{p.pk}/", {"rating": "satisfied"})
    assert again.status_code == 200
    p.refresh_from_db()
    assert p.rating == "basically"


def test_dissatisfied_sends_it_back_once(client, accounts, deputies, make_proposal):
    p = make_proposal("replied", lead_deputy=deputies[0])
    lead = _login(client, deputies[0], accounts)

    lead.post(f"/me/suggestions/{p.pk}/", {"rating": "dissatisfied"})

    p.refresh_from_db()
    assert p.state == Proposal.State.ASSIGNED and p.round == 2


def test_invitations_confirm_and_leave_reach_the_office(client, township, accounts, deputies):
    activity = Activity.objects.create(
        township=township,
        kind="inspection",
        start_date=timezone.localdate() + dt.timedelta(days=3),
        topic="视察东风桥",
    )
    ActivityParticipation.objects.create(township=township, activity=activity, deputy=deputies[0])
    not_invited = Activity.objects.create(
        township=township,
        kind="inspection",
        start_date=timezone.localdate() + dt.timedelta(days=3),
        topic="别的活动",
    )
    c = _login(client, deputies[0], accounts)
    assert "视察东风桥" in c.get("/me/").content.decode()

    c.post(f"/me/activities/{activity.pk}/answer/", {"answer": "leave", "reason": ""})
    assert not InvitationAnswer.objects.exists()
    c.post(f"/me/activities/{activity.pk}/answer/", {"answer": "leave", "reason": "外出务工"})
    answer = InvitationAnswer.objects.get()
    assert answer.answer == "leave" and answer.reason == "外出务工"
    reminder = Reminder.objects.get(key=f"leave-{activity.pk}-{deputies[0].pk}")
    assert "外出务工" in reminder.text and not reminder.done

    c.post(f"/me/activities/{activity.pk}/answer/", {"answer": "confirmed"})
    assert InvitationAnswer.objects.get().answer == "confirmed"
    assert Reminder.objects.get(key=f"leave-{activity.pk}-{deputies[0].pk}").done
    assert c.post(f"/me/activities/{not_invited.pk}/answer/", {"answer": "confirmed"}).status_code == 404


def test_a_draft_is_registered_by_the_office(client, client_for, township, secretary, accounts, deputies):
    c = _login(client, deputies[0], accounts)
    c.post("/me/draft/", {"title": "关于增设路灯的建议", "content": "东风村主干道夜间无照明。"})
    draft = SuggestionDraft.objects.get()
    assert Reminder.objects.filter(key=f"draft-{draft.pk}").exists()

    response = client_for(secretary).post(f"/portal/drafts/{draft.pk}/", {"action": "register"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "registered" and draft.proposal.lead_deputy == deputies[0]
    with pytest.raises(ApplicationError):
        services.suggestion_draft_register(draft=draft, by=secretary)


def test_messages_are_logged_sent_by_sms_and_shown_to_the_deputy(
    client, settings, tmp_path, township, accounts, deputies, make_proposal
):
    settings.SMS_BACKEND = "portal.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    activity = Activity.objects.create(
        township=township,
        kind="reception",
        start_date=timezone.localdate() + dt.timedelta(days=2),
        topic="接待选民",
    )
    ActivityParticipation.objects.create(
        township=township, activity=activity, deputy=deputies[0], role="on_duty"
    )
    make_proposal("replied", lead_deputy=deputies[0], replied_on=timezone.localdate())

    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            created = services.deputies_notify_sweep()
    assert created == 2
    assert services.deputies_notify_sweep() == 0  # idempotent
    duty = Message.objects.get(deputy=deputies[0], kind="duty")
    reply = Message.objects.get(deputy=deputies[0], kind="reply")
    assert duty.sms_status == reply.sms_status == "sent"
    lines = [json.loads(x) for x in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert {x["phone"] for x in lines} == {"13912345678"} and len(lines) == 2

    c = _login(client, deputies[0], accounts)
    page = c.get("/me/messages/").content.decode()
    assert "接待选民" in page
    # showing the messages marks nothing read: the deputy does, with a POST
    assert Message.objects.filter(deputy=deputies[0], read_at__isnull=True).count() == 2
    assert "全部标为已读" in page


def test_a_permanent_sms_failure_is_recorded(settings, township, accounts, deputies):
    settings.SMS_BACKEND = "tests.portal.test_deputy.RefusingBackend"
    message = Message.objects.create(
        township=township, deputy=deputies[0], key="k", text="t", phone="139", sms_status="queued"
    )

    assert services.message_sms_deliver(message_id=message.pk) == "failed"
    message.refresh_from_db()
    assert message.sms_status == "failed" and message.sms_error == "bad number" and message.sms_attempts == 1


class RefusingBackend:
    name = "refusing"

    def send(self, phone, text):
        from portal.sms import SmsError

        raise SmsError("bad number")


def test_deputy_home_query_count(client, accounts, deputies, make_proposal, django_assert_max_num_queries):
    for i in range(5):
        make_proposal("replied", title=f"建议{i}", lead_deputy=deputies[0])
    c = _login(client, deputies[0], accounts)
    with django_assert_max_num_queries(14):
        assert c.get("/me/").status_code == 200


def test_messages_are_marked_read_by_a_post_one_or_all(client, township, accounts, deputies):
    mine = [
        Message.objects.create(township=township, deputy=deputies[0], key=f"k{i}", text=f"通知{i}")
        for i in range(3)
    ]
    theirs = Message.objects.create(township=township, deputy=deputies[1], key="k", text="别人的通知")
    c = _login(client, deputies[0], accounts)

    page = c.get("/me/messages/").content.decode()
    assert page.count('name="message"') == 3 and 'name="csrfmiddlewaretoken"' in page
    assert Message.objects.filter(read_at__isnull=False).count() == 0

    # one message; another deputy's id marks nothing
    assert c.post("/me/messages/", {"message": mine[0].pk}).status_code == 302
    assert c.post("/me/messages/", {"message": theirs.pk}).status_code == 302
    assert set(Message.objects.filter(read_at__isnull=False)) == {mine[0]}
    # bad input is a message, not a 500, and marks nothing
    for bad in ({"message": "abc"}, {"message": "99999999999999"}, {}):
        assert c.post("/me/messages/", bad).status_code == 302
    assert set(Message.objects.filter(read_at__isnull=False)) == {mine[0]}
    page = c.get("/me/messages/").content.decode()
    assert page.count('name="message"') == 2

    # all of them: the deputy's own only
    assert c.post("/me/messages/", {"all": "1"}).status_code == 302
    assert set(Message.objects.filter(read_at__isnull=False)) == set(mine)
    assert "全部标为已读" not in c.get("/me/messages/").content.decode()


def test_marking_messages_read_needs_the_csrf_token(township, accounts, deputies):
    from django.test import Client

    message = Message.objects.create(township=township, deputy=deputies[0], key="k", text="通知")
    c = _login(Client(enforce_csrf_checks=True), deputies[0], accounts)
    assert c.post("/me/messages/", {"all": "1"}).status_code == 403
    message.refresh_from_db()
    assert message.read_at is None
