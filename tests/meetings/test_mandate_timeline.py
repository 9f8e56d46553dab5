"""Who counts is decided by the mandate timeline: the expected list of a session, the
presidium's majority base and chair, the agenda rule for decisions and review opinions."""

import datetime as dt

import pytest
from django.urls import reverse

from deputies.models import Mandate, PresidiumMembership
from deputies.selectors import deputy_serving, deputy_serving_during
from meetings.forms import PresidiumMeetingForm
from meetings.models import Decision, SessionAttendance
from meetings.services import (
    agenda_item_add,
    agenda_vote_record,
    decision_create,
    presidium_meeting_create,
    session_attendance_save,
    session_create,
    session_expected_add,
    session_expected_remove,
)
from renda.core.exceptions import ApplicationError
from tests.factories import DeputyFactory, staff_user

DAY = dt.date(2026, 3, 4)


@pytest.fixture
def roster(township, term):
    """Three serving township deputies, one whose mandate ended in 2023 and who now holds only a
    county mandate, one with no mandate at all, and one elected after the session date."""
    serving = [DeputyFactory(township=township) for _ in range(3)]
    former = DeputyFactory(township=township, mandate__end_date=dt.date(2023, 6, 30))
    Mandate.objects.create(
        township=township, deputy=former, level="county", term_number=18, start_date=dt.date(2021, 11, 20)
    )
    nobody = DeputyFactory(township=township, mandate=False)
    later = DeputyFactory(township=township, mandate__start_date=dt.date(2026, 5, 1))
    return {"serving": serving, "former": former, "nobody": nobody, "later": later}


# --- the one definition ------------------------------------------------------------------


@pytest.mark.django_db
def test_serving_is_a_township_mandate_on_the_date(township, roster):
    serving = set(deputy_serving(township=township, on=DAY))
    assert serving == set(roster["serving"])
    # any level: the county-only former township deputy is on the roster, not in the congress
    assert roster["former"] in set(deputy_serving(township=township, on=DAY, level=None))
    assert roster["later"] in set(deputy_serving(township=township, on=dt.date(2026, 5, 1)))


@pytest.mark.django_db
def test_serving_during_a_period_counts_days(township, roster):
    rows = deputy_serving_during(
        township_ids=[township.pk], start=dt.date(2023, 1, 1), end=dt.date(2023, 12, 31)
    )
    assert rows[roster["former"].pk]["days"] == (dt.date(2023, 6, 30) - dt.date(2023, 1, 1)).days
    assert rows[roster["serving"][0].pk]["days"] == 365
    assert roster["nobody"].pk not in rows and roster["later"].pk not in rows


# --- attendance is a record ----------------------------------------------------------------


@pytest.mark.django_db
def test_expected_list_is_the_township_deputies_serving_on_the_first_day(township, roster):
    session = session_create(
        by=staff_user(township), township=township, number=5, start_date=DAY, end_date=DAY
    )
    expected = set(SessionAttendance.objects.filter(session=session).values_list("deputy_id", flat=True))
    assert expected == {d.pk for d in roster["serving"]}


@pytest.mark.django_db
def test_resaving_unchanged_attendance_changes_nothing(township, roster, client_for, secretary):
    session = session_create(
        by=staff_user(township), township=township, number=5, start_date=DAY, end_date=DAY
    )
    assert session_attendance_save(by=staff_user(session.township), session=session, entries={}) == 0
    session.refresh_from_db()
    assert session.expected_fixed_at is not None
    # a deputy elected later with a back-dated mandate does not slip into a recorded list
    DeputyFactory(township=township, mandate__start_date=dt.date(2026, 1, 1))
    client = client_for(secretary)
    url = reverse("meetings:session_attendance", args=[session.pk])
    client.get(url)
    ids = list(SessionAttendance.objects.filter(session=session).values_list("deputy_id", flat=True))
    response = client.post(url, {f"status_{pk}": "present" for pk in ids})
    assert response.status_code == 302
    assert SessionAttendance.objects.filter(session=session).count() == 3
    assert (
        session_attendance_save(
            by=staff_user(session.township), session=session, entries={pk: ("present", "") for pk in ids}
        )
        == 0
    )


@pytest.mark.django_db
def test_the_expected_list_is_computed_on_read_and_stored_by_the_save(
    township, roster, client_for, secretary
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from meetings import services

    session = session_create(
        by=staff_user(township), township=township, number=5, start_date=DAY, end_date=DAY
    )
    stored = set(SessionAttendance.objects.filter(session=session).values_list("deputy_id", flat=True))
    # the mandate timeline changes after the session was entered: a back-dated election, and a
    # deputy whose mandate is recorded as ended before the session
    elected = DeputyFactory(township=township, mandate__start_date=dt.date(2026, 1, 1))
    left = roster["serving"][0]
    left.mandates.update(end_date=dt.date(2026, 2, 1), end_reason="resigned")
    expected = {d.pk for d in roster["serving"][1:]} | {elected.pk}

    url = reverse("meetings:session_attendance", args=[session.pk])
    client = client_for(secretary)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    assert {row.deputy_id for row in page.context["rows"]} == expected
    assert f'id="status_{elected.pk}"' in page.content.decode()
    assert f'id="status_{left.pk}"' not in page.content.decode()
    writes = [
        q["sql"] for q in ctx.captured_queries if q["sql"].split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")
    ]
    assert [w for w in writes if "django_session" not in w] == []
    assert (
        set(SessionAttendance.objects.filter(session=session).values_list("deputy_id", flat=True)) == stored
    )
    detail = client.get(reverse("meetings:session_detail", args=[session.pk]))
    assert detail.context["total"] == len(expected)

    # saving stores the list shown, with what was entered for the newly elected deputy
    data = {f"status_{pk}": "present" for pk in expected}
    data[f"status_{elected.pk}"] = "late"
    assert client.post(url, data).status_code == 302
    rows = dict(SessionAttendance.objects.filter(session=session).values_list("deputy_id", "status"))
    assert set(rows) == expected and rows[elected.pk] == "late"
    session.refresh_from_db()
    assert session.expected_fixed_at is not None
    # one way: no service brings the list up to the roster on a read
    assert not hasattr(services, "session_attendance_sync")


@pytest.mark.django_db
def test_changing_an_unsaved_expected_list_starts_from_the_list_shown(township, roster, secretary):
    session = session_create(
        by=staff_user(township), township=township, number=5, start_date=DAY, end_date=DAY
    )
    elected = DeputyFactory(township=township, mandate__start_date=dt.date(2026, 1, 1))
    roster["serving"][0].mandates.update(end_date=dt.date(2026, 2, 1), end_reason="resigned")
    session_expected_remove(session=session, deputy=roster["serving"][1], reason="已调离本镇", by=secretary)
    ids = set(SessionAttendance.objects.filter(session=session).values_list("deputy_id", flat=True))
    assert ids == {roster["serving"][2].pk, elected.pk}


@pytest.mark.django_db
def test_expected_list_changes_are_explicit_with_a_reason_in_history(township, roster, secretary):
    session = session_create(
        by=staff_user(township), township=township, number=5, start_date=DAY, end_date=DAY
    )
    session_attendance_save(session=session, entries={}, by=secretary)
    with pytest.raises(ApplicationError) as exc:
        session_expected_remove(session=session, deputy=roster["serving"][0], reason=" ", by=secretary)
    assert exc.value.field == "reason"
    session_expected_remove(session=session, deputy=roster["serving"][0], reason="已调离本镇", by=secretary)
    assert SessionAttendance.objects.filter(session=session).count() == 2
    session_expected_add(session=session, deputy=roster["serving"][0], reason="误删恢复", by=secretary)
    assert SessionAttendance.objects.filter(session=session).count() == 3
    reasons = list(session.history.values_list("history_change_reason", flat=True))
    assert any("已调离本镇" in (r or "") for r in reasons)
    assert any("误删恢复" in (r or "") for r in reasons)


@pytest.mark.django_db
def test_adding_a_deputy_not_serving_is_refused_with_name_and_date(township, roster, client_for, secretary):
    session = session_create(
        by=staff_user(township), township=township, number=5, start_date=DAY, end_date=DAY
    )
    with pytest.raises(ApplicationError) as exc:
        session_expected_add(session=session, deputy=roster["former"], reason="补充", by=secretary)
    assert roster["former"].name in exc.value.message and "2026-03-04" in exc.value.message
    # through the form
    response = client_for(secretary).post(
        reverse("meetings:session_expected_change", args=[session.pk]),
        {"action": "add", "deputy": roster["nobody"].pk, "reason": "补充"},
        follow=True,
    )
    page = response.content.decode()
    assert roster["nobody"].name in page and "2026-03-04" in page
    assert not SessionAttendance.objects.filter(session=session, deputy=roster["nobody"]).exists()


@pytest.mark.django_db
def test_old_list_with_a_non_serving_deputy_shows_a_warning(township, roster, client_for, secretary):
    session = session_create(
        by=staff_user(township), township=township, number=5, start_date=DAY, end_date=DAY
    )
    session_attendance_save(by=staff_user(session.township), session=session, entries={})
    SessionAttendance.objects.create(township=township, session=session, deputy=roster["former"])
    response = client_for(secretary).get(reverse("meetings:session_attendance", args=[session.pk]))
    assert response.status_code == 200
    assert "alert-warning" in response.content.decode()


# --- presidium -----------------------------------------------------------------------------


@pytest.fixture
def members(township, term):
    people = [DeputyFactory(township=township) for _ in range(5)]
    roles = ["chair", "vice_chair", "member", "member", "member"]
    for d, r in zip(people, roles):
        PresidiumMembership.objects.create(
            township=township, term=term, deputy=d, role=r, start_date=term.start_date
        )
    return people


@pytest.mark.django_db
def test_member_whose_mandate_ended_is_not_in_the_majority_base(township, members):
    mandate = members[4].mandates.get()
    mandate.end_date, mandate.end_reason = dt.date(2025, 12, 31), "resigned"
    mandate.save()
    meeting = presidium_meeting_create(
        by=staff_user(township), township=township, date=DAY, kind="regular", chair=members[0]
    )
    assert meeting.member_count == 4 and meeting.majority_needed == 3


@pytest.mark.django_db
def test_a_plain_member_cannot_chair(township, members):
    with pytest.raises(ApplicationError) as exc:
        presidium_meeting_create(
            by=staff_user(township), township=township, date=DAY, kind="regular", chair=members[2]
        )
    assert exc.value.field == "chair" and members[2].name in exc.value.message
    meeting = presidium_meeting_create(
        by=staff_user(township), township=township, date=DAY, kind="regular", chair=members[1]
    )
    assert meeting.chair == members[1]


@pytest.mark.django_db
def test_meeting_form_offers_only_chairs_serving_on_its_date(township, members):
    m = PresidiumMembership.objects.get(deputy=members[1])
    m.end_date = dt.date(2026, 1, 1)
    m.save()
    form = PresidiumMeetingForm(township=township, data={"date": "2026-03-04", "kind": "regular"})
    assert set(form.fields["chair"].queryset) == {members[0]}
    form = PresidiumMeetingForm(
        township=township, data={"date": "2026-03-04", "kind": "regular", "chair": members[2].pk}
    )
    assert not form.is_valid() and "chair" in form.errors


@pytest.fixture
def voted_meeting(township, members):
    meeting = presidium_meeting_create(
        by=staff_user(township), township=township, date=DAY, kind="regular", chair=members[0]
    )

    def item(topic, votes_for=None):
        it = agenda_item_add(meeting=meeting, topic=topic, by=staff_user(meeting.township))
        if votes_for is not None:
            it = agenda_vote_record(
                by=staff_user(it.township), item=it, votes_for=votes_for, votes_against=0, votes_abstain=0
            )
        return it

    return meeting, item


def _decide(meeting, kind, agenda_item):
    return decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind=kind,
        title="关于实事项目的决定",
        text="……",
        responsible_unit="镇政府",
        deadline=dt.date(2026, 6, 30),
        agenda_item=agenda_item,
    )


@pytest.mark.django_db
def test_decision_needs_an_agenda_item_put_to_the_vote(voted_meeting):
    meeting, item = voted_meeting
    with pytest.raises(ApplicationError) as exc:
        _decide(meeting, Decision.Kind.DECISION, None)
    assert exc.value.field == "agenda_item"
    with pytest.raises(ApplicationError):
        _decide(meeting, Decision.Kind.DECISION, item("未表决事项"))
    assert _decide(meeting, Decision.Kind.DECISION, item("通过事项", votes_for=3)).pk


@pytest.mark.django_db
def test_majority_rule_applies_to_review_opinions_too(voted_meeting):
    meeting, item = voted_meeting
    failed = item("未获通过事项", votes_for=2)  # 5 members: 3 needed
    for kind in (Decision.Kind.DECISION, Decision.Kind.OPINION):
        with pytest.raises(ApplicationError) as exc:
            _decide(meeting, kind, failed)
        assert "3" in exc.value.message
    # an opinion on an item only discussed is fine: the majority rule is for items put to the vote
    assert _decide(meeting, Decision.Kind.OPINION, item("听取汇报")).pk


@pytest.mark.django_db
def test_decision_refusal_through_the_form(voted_meeting, client_for, secretary):
    meeting, item = voted_meeting
    failed = item("未获通过事项", votes_for=2)
    response = client_for(secretary).post(
        reverse("meetings:meeting_decision_add", args=[meeting.pk]),
        {
            "decision-kind": "opinion",
            "decision-agenda_item": failed.pk,
            "decision-title": "审议意见",
            "decision-text": "……",
            "decision-responsible_unit": "镇政府",
            "decision-deadline": "2026-06-30",
        },
    )
    assert response.status_code == 400  # the page again, the refusal beside the field
    assert "未获通过事项" in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_old_meeting_breaking_the_rules_shows_warnings_and_stays_editable(
    township, members, voted_meeting, client_for, secretary
):
    from meetings.models import PresidiumAttendance

    meeting, item = voted_meeting
    outsider = DeputyFactory(township=township)
    # as recorded before the rules: a plain member chaired, an outsider attended, a 决定 with no
    # item, one on an item never voted, a 审议意见 on an item that failed
    meeting.chair = members[2]
    meeting.save()
    PresidiumAttendance.objects.create(township=township, meeting=meeting, deputy=outsider)
    unvoted, failed = item("未表决事项"), item("未获通过事项", votes_for=2)
    for n, (kind, it, title) in enumerate(
        [
            (Decision.Kind.DECISION, None, "无议题决定"),
            (Decision.Kind.DECISION, unvoted, "未表决决定"),
            (Decision.Kind.OPINION, failed, "未通过意见"),
        ],
        start=1,
    ):
        Decision.objects.create(
            township=township,
            term=meeting.term,
            number=n,
            kind=kind,
            meeting=meeting,
            agenda_item=it,
            title=title,
            text="……",
            responsible_unit="镇政府",
            deadline=dt.date(2026, 6, 30),
        )
    client = client_for(secretary)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200
    warnings = page.context["warnings"]
    assert len(warnings) == 5
    text = " ".join(warnings)
    for name in (members[2].name, outsider.name, "无议题决定", "未表决决定", "未获通过事项"):
        assert name in text
    assert "alert-warning" in page.content.decode()
    # the edit form still offers the recorded chair, so saving the old meeting is not refused
    response = client.post(
        reverse("meetings:meeting_edit", args=[meeting.pk]),
        {"date": DAY.isoformat(), "kind": "regular", "chair": members[2].pk, "place": "会议室"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.place == "会议室" and meeting.chair == members[2]


@pytest.mark.django_db
def test_meeting_keeping_the_rules_has_no_warning(voted_meeting, client_for, secretary):
    meeting, item = voted_meeting
    _decide(meeting, Decision.Kind.DECISION, item("通过事项", votes_for=3))
    page = client_for(secretary).get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert page.status_code == 200 and page.context["warnings"] == []
