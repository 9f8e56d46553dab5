"""Locked means locked: the chair publishes and locks; records changed after locking are counted
on the page, and the chair recomputes and locks again, with history (issue 15, point 5)."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import Assessment, ScoreResult
from assessments.selectors import changes_since_lock
from assessments.services import (
    assessment_compute,
    assessment_lock,
    assessment_publish,
    assessment_relock,
    assessment_unpublish,
)
from meetings.models import Activity, ActivityParticipation, FloorSpeech, Session
from proposals.models import Proposal
from renda.core.exceptions import ApplicationError

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(township, other_township, secretary, chair, make):
    deputies = [make.deputy(township) for _ in range(3)]
    session = make.session(township, {d: "present" for d in deputies}, speeches=[deputies[0]])
    activity = make.activity(township, "group", deputies[:2])
    proposals = [make.proposal(township, deputies[0]) for _ in range(2)]
    # records of another year and of another township: never counted
    other_year = make.activity(township, "group", deputies[:1], day=dt.date(YEAR + 1, 2, 1))
    other_deputy = make.deputy(other_township)
    other_activity = make.activity(other_township, "group", [other_deputy])
    a = assessment_compute(township=township, year=YEAR, by=secretary)
    a = assessment_publish(assessment=a, by=chair)
    a = assessment_lock(assessment=a, by=chair)
    return {
        "assessment": a,
        "deputies": deputies,
        "session": session,
        "activity": activity,
        "proposals": proposals,
        "other_year": other_year,
        "other_activity": other_activity,
    }


def _page(client, a):
    return client.get(reverse("assessments:township", args=[a.township_id]) + f"?year={a.year}")


def test_publish_unpublish_lock_are_the_chairs(township, secretary, chair, reviewer, admin_user, make):
    make.proposal(township, make.deputy(township))
    a = assessment_compute(township=township, year=YEAR, by=secretary)
    for user in (secretary, reviewer, admin_user):
        with pytest.raises(ApplicationError):
            assessment_publish(assessment=a, by=user)
    a = assessment_publish(assessment=a, by=chair)
    with pytest.raises(ApplicationError):
        assessment_unpublish(assessment=a, by=secretary)
    with pytest.raises(ApplicationError):
        assessment_lock(assessment=a, by=secretary)
    a = assessment_unpublish(assessment=a, by=chair)
    assert a.state == "draft"
    a = assessment_lock(assessment=assessment_publish(assessment=a, by=chair), by=chair)
    assert a.state == "locked"
    with pytest.raises(ApplicationError):
        assessment_relock(assessment=a, by=secretary)
    # every step names its actor in the history
    users = list(a.history.order_by("history_date").values_list("history_user__username", "state"))
    assert ("chair", "published") in users and ("chair", "locked") in users


def test_secretary_is_refused_publish_through_the_page(township, secretary, chair, client_for, make):
    make.proposal(township, make.deputy(township))
    a = assessment_compute(township=township, year=YEAR, by=secretary)
    c = client_for(secretary)
    page = _page(c, a)
    assert page.context["can_compute"] and not page.context["can_sign_off"]
    assert reverse("assessments:transition", args=[a.pk, "publish"]) not in page.content.decode()
    for action in ("publish", "lock", "relock", "unpublish"):
        assert c.post(reverse("assessments:transition", args=[a.pk, action])).status_code == 403
    a.refresh_from_db()
    assert a.state == "draft"
    page = _page(client_for(chair), a)
    assert reverse("assessments:transition", args=[a.pk, "publish"]) in page.content.decode()
    client_for(chair).post(reverse("assessments:transition", args=[a.pk, "publish"]))
    a.refresh_from_db()
    assert a.state == "published"


def _independent_count(township_id, since):
    """Recount by hand: the rows of YEAR saved after `since`, plus the deleted rows in the
    history tables, per record (model, pk)."""
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    changed = set()
    for s in Session.history.filter(township_id=township_id, history_date__gt=since):
        if start <= s.start_date <= end:
            changed.add(("session", s.id))
    for sp in FloorSpeech.history.filter(township_id=township_id, history_date__gt=since):
        if start <= Session.objects.get(pk=sp.session_id).start_date <= end:
            changed.add(("speech", sp.id))
    for act in Activity.history.filter(township_id=township_id, history_date__gt=since):
        if start <= act.start_date <= end:
            changed.add(("activity", act.id))
    for p in ActivityParticipation.objects.filter(township_id=township_id, updated_at__gt=since):
        if start <= p.activity.start_date <= end:
            changed.add(("participation", p.pk))
    for p in Proposal.history.filter(township_id=township_id, history_date__gt=since):
        if p.year == YEAR:
            changed.add(("proposal", p.id))
    return len(changed)


def test_changes_after_locking_are_counted_and_shown(locked, chair, secretary, client_for, make, township):
    a = locked["assessment"]
    assert changes_since_lock(assessment=a) == 0
    assert "changes-since-lock" not in _page(client_for(chair), a).content.decode()

    # 1 edited activity, 1 added participation, 1 deleted floor speech, 1 new proposal
    act = locked["activity"]
    act.topic = "改过的主题"
    act.save()
    ActivityParticipation.objects.create(
        township=township, activity=act, deputy=locked["deputies"][2], role="participant"
    )
    FloorSpeech.objects.filter(session=locked["session"]).delete()
    make.proposal(township, locked["deputies"][1])
    # not counted: another year's activity, another township's activity
    locked["other_year"].topic = "x"
    locked["other_year"].save()
    locked["other_activity"].topic = "x"
    locked["other_activity"].save()

    n = changes_since_lock(assessment=a)
    assert n == _independent_count(township.pk, a.locked_at) == 4

    # the scores stay as locked
    before = {r.deputy_id: r.total for r in ScoreResult.objects.filter(assessment=a)}
    page = _page(client_for(secretary), a)
    body = page.content.decode()
    assert "锁定后有 4 条记录改动" in body
    relock_url = reverse("assessments:transition", args=[a.pk, "relock"])
    assert relock_url not in body  # the secretary sees the banner, not the action
    assert client_for(secretary).post(relock_url).status_code == 403

    body = _page(client_for(chair), a).content.decode()
    assert "锁定后有 4 条记录改动" in body and relock_url in body
    assert {r.deputy_id: r.total for r in ScoreResult.objects.filter(assessment=a)} == before

    # the chair recomputes and locks again: new scores, a new lock, both locks in the history
    r = client_for(chair).post(relock_url)
    assert r.status_code == 302
    a2 = Assessment.objects.get(pk=a.pk)
    assert a2.state == "locked" and a2.locked_at > a.locked_at and a2.locked_by == chair
    after = {r.deputy_id: r.total for r in ScoreResult.objects.filter(assessment=a2)}
    assert after != before
    assert changes_since_lock(assessment=a2) == 0
    assert "changes-since-lock" not in _page(client_for(chair), a2).content.decode()
    locks = a2.history.filter(state="locked").order_by("history_date")
    assert [h.history_user.username for h in locks] == ["chair", "chair"]
    assert locks.last().history_change_reason == "重新计算并再次锁定"
    page = _page(client_for(chair), a2).content.decode()
    assert "重新计算并再次锁定" in page


def test_relock_refuses_a_year_that_is_not_locked(township, secretary, chair, make):
    make.proposal(township, make.deputy(township))
    a = assessment_compute(township=township, year=YEAR, by=secretary)
    with pytest.raises(ApplicationError):
        assessment_relock(assessment=a, by=chair)


def test_a_deleted_record_counts(locked, township):
    a = locked["assessment"]
    Proposal.objects.filter(pk=locked["proposals"][0].pk).delete()
    assert changes_since_lock(assessment=a) == _independent_count(township.pk, a.locked_at) == 1
