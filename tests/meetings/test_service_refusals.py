"""The meetings services ask the access policy themselves: a county reviewer, a handling unit and
another township's secretary get ApplicationError ("You may not do this.") from the service,
whoever calls it (a view, a command, a task), and nothing is written."""

import datetime as dt

import pytest
from django.utils import translation

from deputies.models import LiaisonStation
from meetings import services
from meetings.models import (
    Activity,
    AgendaItem,
    Decision,
    PlannedActivity,
    PresidiumMeeting,
    ReceptionIssue,
    Resolution,
    Session,
    SessionPrepItem,
)
from renda.core.exceptions import ApplicationError
from tests.factories import UserFactory, staff_user

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 18)


@pytest.fixture
def records(township, meeting, deputies):
    by = staff_user(township)
    session = services.session_create(
        township=township, number=1, start_date=dt.date(2025, 1, 10), end_date=dt.date(2025, 1, 11), by=by
    )
    item = services.agenda_item_add(meeting=meeting, topic="审议方案", by=by)
    decision = services.decision_create(
        meeting=meeting,
        kind="opinion",
        title="审议意见",
        text="x",
        responsible_unit="镇政府",
        deadline=dt.date(2025, 6, 30),
        by=by,
    )
    reception, _w = services.activity_save(
        township=township,
        kind="reception",
        start_date=DAY,
        topic="接待选民日",
        notice_date=dt.date(2025, 3, 7),
        deputies=[],
        on_duty=deputies[:2],
        by=by,
    )
    issue = services.reception_issue_record(activity=reception, voter_name="张三", content="修路", by=by)
    return {
        "township": township,
        "session": session,
        "meeting": meeting,
        "item": item,
        "decision": decision,
        "reception": reception,
        "issue": issue,
        "deputies": deputies,
        "station": LiaisonStation.objects.create(township=township, name="联络站"),
    }


# (service, its arguments from the records, the model whose rows must not change)
CALLS = {
    "session_create": (
        services.session_create,
        lambda r: dict(
            township=r["township"], number=9, start_date=dt.date(2025, 2, 1), end_date=dt.date(2025, 2, 2)
        ),
        Session,
    ),
    "session_prep_item_mark": (
        services.session_prep_item_mark,
        lambda r: dict(item=r["session"].prep_items.first(), done_by="李四", done_on=DAY),
        SessionPrepItem,
    ),
    "resolution_add": (
        services.resolution_add,
        lambda r: dict(session=r["session"], number=1, title="决议"),
        Resolution,
    ),
    "presidium_meeting_create": (
        services.presidium_meeting_create,
        lambda r: dict(township=r["township"], date=dt.date(2025, 4, 1), kind="regular"),
        PresidiumMeeting,
    ),
    "agenda_item_add": (
        services.agenda_item_add,
        lambda r: dict(meeting=r["meeting"], topic="另一议题"),
        AgendaItem,
    ),
    "agenda_item_update": (
        services.agenda_item_update,
        lambda r: dict(item=r["item"], order=1, topic="改过的议题"),
        AgendaItem,
    ),
    "agenda_vote_record": (
        services.agenda_vote_record,
        lambda r: dict(item=r["item"], votes_for=1, votes_against=0, votes_abstain=0),
        AgendaItem,
    ),
    "agenda_item_delete": (services.agenda_item_delete, lambda r: dict(item=r["item"]), AgendaItem),
    "decision_progress_add": (
        services.decision_progress_add,
        lambda r: dict(decision=r["decision"], date=DAY, note="推进中"),
        Decision,
    ),
    "decision_complete": (
        services.decision_complete,
        lambda r: dict(decision=r["decision"], completed_on=DAY),
        Decision,
    ),
    "activity_save": (
        services.activity_save,
        lambda r: dict(
            township=r["township"],
            kind="inspection",
            start_date=DAY,
            topic="视察",
            deputies=r["deputies"][:2],
        ),
        Activity,
    ),
    "reception_issue_sort": (
        services.reception_issue_sort,
        lambda r: dict(issue=r["issue"], classification="government", on=DAY, handler="交通办", deadline=DAY),
        ReceptionIssue,
    ),
    "planned_activity_add": (
        services.planned_activity_add,
        lambda r: dict(
            township=r["township"],
            year=2025,
            month=5,
            kind="inspection",
            subject="视察",
            station=r["station"],
        ),
        PlannedActivity,
    ),
}


def _snapshot(model):
    return list(model.all_objects.values() if hasattr(model, "all_objects") else model.objects.values())


@pytest.fixture
def handling_unit(township):
    return UserFactory(username="unit", township=township, role="handling_unit")


@pytest.mark.parametrize("actor", ["reviewer", "handling_unit", "other_secretary"])
@pytest.mark.parametrize("name", sorted(CALLS))
def test_others_are_refused_by_the_service(request, records, actor, name):
    service, arguments, model = CALLS[name]
    user = request.getfixturevalue(actor)
    before = _snapshot(model)
    with translation.override("zh-hans"):
        with pytest.raises(ApplicationError) as refused:
            service(by=user, **arguments(records))
        assert refused.value.message == translation.gettext("You may not do this.")
    assert _snapshot(model) == before


@pytest.mark.parametrize("name", sorted(CALLS))
def test_no_user_is_refused(records, name):
    """A command or task that forgets who acts gets the same refusal, not a write by nobody."""
    service, arguments, _model = CALLS[name]
    with pytest.raises(ApplicationError):
        service(by=None, **arguments(records))


@pytest.mark.parametrize(
    "name", ["session_create", "agenda_item_add", "decision_progress_add", "activity_save"]
)
def test_own_staff_may(records, chair, secretary, name):
    service, arguments, _model = CALLS[name]
    for user in (secretary, chair):
        args = arguments(records)
        if name == "session_create":
            args["number"] = 9 if user is secretary else 10
        service(by=user, **args)


@pytest.mark.parametrize("name", ["meeting", "decision", "reception"])
def test_the_chairs_step_is_refused_to_the_secretary(records, secretary, chair, name):
    """Restoring a voided meetings record is the chair's (the secretary voids, the chair restores):
    the secretary gets the same refusal from the service, the chair may."""
    from renda.core.services import record_restore, record_void

    obj = records[name]
    record_void(obj=obj, by=secretary, reason="录入错误")
    voided = type(obj).all_objects.get(pk=obj.pk)
    with translation.override("zh-hans"):
        with pytest.raises(ApplicationError) as refused:
            record_restore(obj=voided, by=secretary)
        assert refused.value.message == translation.gettext("You may not do this.")
    assert type(obj).all_objects.get(pk=obj.pk).is_voided
    record_restore(obj=voided, by=chair)
    assert not type(obj).all_objects.get(pk=obj.pk).is_voided
