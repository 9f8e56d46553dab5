"""The portal's services ask the access policy first (authorize): the office's writes refuse a
county reviewer, another township's secretary and a handling unit; a deputy's own writes refuse
anyone but that deputy through their own account. Same refusal, nothing written."""

import datetime as dt

import pytest
from django.utils import translation

from meetings.models import Activity, ActivityParticipation
from portal import services
from portal.models import DeputyAccount, InvitationAnswer, Message, PublishedYear, SuggestionDraft
from renda.core.exceptions import ApplicationError
from renda.core.models import AuditEvent, Reminder

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(township, secretary, deputies, make_proposal):
    services.deputy_accounts_create(township=township, by=secretary)
    deputy = deputies[0]
    activity = Activity.objects.create(
        township=township, kind="inspection", topic="视察", start_date=dt.date.today() + dt.timedelta(days=3)
    )
    ActivityParticipation.objects.create(township=township, activity=activity, deputy=deputy)
    draft = SuggestionDraft.objects.create(township=township, deputy=deputy, title="建议", content="内容")
    Message.objects.create(township=township, deputy=deputy, kind="notice", key="k", text="通知")
    return {
        "township": township,
        "deputy": deputy,
        "other_deputy_user": DeputyAccount.objects.get(deputy=deputies[1]).user,
        "account": DeputyAccount.objects.get(deputy=deputy),
        "activity": activity,
        "draft": draft,
        "proposal": make_proposal("replied"),
    }


OFFICE = {
    "publication_years_set": lambda w, by: services.publication_years_set(
        township=w["township"], years=[2025], by=by
    ),
    "deputy_accounts_create": lambda w, by: services.deputy_accounts_create(township=w["township"], by=by),
    "deputy_account_reset_password": lambda w, by: services.deputy_account_reset_password(
        account=w["account"], by=by
    ),
    "suggestion_draft_register": lambda w, by: services.suggestion_draft_register(draft=w["draft"], by=by),
    "suggestion_draft_return": lambda w, by: services.suggestion_draft_return(
        draft=w["draft"], note="重写", by=by
    ),
}
DEPUTY = {
    "invitation_answer": lambda w, by: services.invitation_answer(
        activity=w["activity"], deputy=w["deputy"], answer="leave", reason="外出", by=by
    ),
    "suggestion_draft_send": lambda w, by: services.suggestion_draft_send(
        deputy=w["deputy"], title="标题", content="内容", by=by
    ),
    "messages_mark_read": lambda w, by: services.messages_mark_read(deputy=w["deputy"], by=by),
    "deputy_evaluate": lambda w, by: services.deputy_evaluate(
        proposal=w["proposal"], rating="satisfied", by=by
    ),
}


def _snapshot():
    return (
        PublishedYear.objects.count(),
        DeputyAccount.objects.filter(must_change_password=True).count(),
        list(SuggestionDraft.objects.values_list("state", flat=True)),
        InvitationAnswer.objects.count(),
        Message.objects.filter(read_at__isnull=True).count(),
        Reminder.objects.count(),
        AuditEvent.objects.count(),
    )


def _refused(call, world, by):
    before = _snapshot()
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as exc:
        call(world, by)
    assert exc.value.message == "您无权进行此项操作。"
    assert _snapshot() == before


@pytest.fixture(params=["reviewer", "other_secretary", "unit_user"])
def outsider(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("call", OFFICE.values(), ids=OFFICE.keys())
def test_the_offices_writes_refuse_outsiders(world, outsider, call):
    _refused(call, world, outsider)


@pytest.mark.parametrize("call", OFFICE.values(), ids=OFFICE.keys())
def test_the_offices_writes_refuse_a_deputy(world, call):
    _refused(call, world, world["account"].user)


@pytest.mark.parametrize("call", DEPUTY.values(), ids=DEPUTY.keys())
def test_a_deputys_writes_refuse_everyone_else(world, outsider, secretary, call):
    for by in (outsider, secretary, world["other_deputy_user"]):
        _refused(call, world, by)


def test_an_ended_account_may_no_longer_answer(world):
    account = world["account"]
    account.ended_on = dt.date.today()
    account.save()
    user = account.user.__class__.objects.get(pk=account.user_id)  # a fresh policy
    _refused(DEPUTY["invitation_answer"], world, user)
