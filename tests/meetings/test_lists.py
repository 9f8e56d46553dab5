"""Query counts of list pages and the compliance selector do not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from meetings.models import Activity, ActivityParticipation
from meetings.selectors import compliance_due, compliance_for_townships
from meetings.services import presidium_meeting_create, session_create
from tests.factories import TermFactory, TownshipFactory, staff_user


def _activities(township, deputies, n, kind="inspection", day=dt.date(2025, 5, 20), group=None):
    acts = Activity.objects.bulk_create(
        [
            Activity(township=township, kind=kind, start_date=day, topic=f"活动{i}", group=group)
            for i in range(n)
        ]
    )
    ActivityParticipation.objects.bulk_create(
        [ActivityParticipation(township=township, activity=a, deputy=d) for a in acts for d in deputies[:3]]
    )
    return acts


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "meetings:activity_list",
        "meetings:meeting_list",
        "meetings:session_list",
        "meetings:index",
        "meetings:calendar",
    ],
)
def test_list_pages_have_bounded_queries(
    client_for, secretary, reviewer, township, meeting, deputies, name, django_assert_max_num_queries
):
    _activities(township, deputies, 60)
    for i in range(2, 12):
        presidium_meeting_create(
            by=staff_user(township), township=township, date=dt.date(2025, 4, i + 5), kind="ad_hoc"
        )
    session_create(
        by=staff_user(township),
        township=township,
        number=2,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    params = {"year": 2025, "month": 5} if name == "meetings:calendar" else {}
    for user in (secretary, reviewer):
        client = client_for(user)
        with django_assert_max_num_queries(25):
            response = client.get(reverse(name), params)
        assert response.status_code == 200


@pytest.mark.django_db
def test_compliance_uses_a_constant_number_of_queries(township, term, deputies, meeting):
    from deputies.models import DeputyGroup

    group = DeputyGroup.objects.create(township=township, term=term, number=1, name="第1组")
    DeputyGroup.objects.create(township=township, term=term, number=2, name="第2组")
    _activities(township, deputies, 1, kind="group", day=dt.date(2025, 2, 10), group=group)
    _activities(township, deputies, 2, kind="reception", day=dt.date(2025, 3, 14))
    _activities(township, deputies, 1, kind="training", day=dt.date(2025, 4, 1))
    session_create(
        by=staff_user(township),
        township=township,
        number=2,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    others = [TownshipFactory() for _ in range(5)]
    for t in others:
        TermFactory(township=t)
    with CaptureQueriesContext(connection) as few:
        compliance_for_townships(townships=[township], year=2025)
    with CaptureQueriesContext(connection) as many:
        rows = compliance_for_townships(townships=[township, *others], year=2025)
    assert len(few.captured_queries) == len(many.captured_queries) <= 6
    c = rows[township.pk]
    assert c.presidium_by_quarter == [1, 0, 0, 0]
    assert c.groups_total == 2 and c.groups_active_by_quarter == [1, 0, 0, 0]
    assert c.receptions_by_month[2] == 2 and c.months_with_reception == 1
    assert c.trainings == 1 and c.session_held
    assert not c.quarter_ok(1)  # one group of two was idle
    due = compliance_due(compliance=c, today=dt.date(2025, 3, 20))
    # presidium meeting, report on proposal progress (none on its agenda), groups, reception,
    # training, session
    assert [d.done for d in due] == [True, False, False, True, True, True]
    assert rows[others[0].pk].sessions == 0


@pytest.mark.django_db
def test_subdistrict_compliance_has_no_presidium_quota(db):
    street = TownshipFactory(kind="jiedao")
    TermFactory(township=street)
    c = compliance_for_townships(townships=[street], year=2025)[street.pk]
    assert c.has_presidium is False
    labels = [str(d.label) for d in compliance_due(compliance=c, today=dt.date(2025, 5, 1))]
    assert len(labels) == 4 and not any("residium" in label or "主席团" in label for label in labels)


@pytest.mark.django_db
def test_a_changed_quota_changes_the_workbench_and_the_dashboard_alike(township, term, deputies, monkeypatch):
    # Given two group activities needed a quarter, and a group that met once in Q1, another twice
    from deputies.models import DeputyGroup
    from renda.core import quotas
    from renda.dashboard.selectors import county_figures

    monkeypatch.setitem(quotas.QUOTAS, "group_activities_per_quarter", 2)
    monkeypatch.setitem(quotas.QUOTAS, "trainings_per_year", 2)
    once = DeputyGroup.objects.create(township=township, term=term, number=1, name="第1组")
    twice = DeputyGroup.objects.create(township=township, term=term, number=2, name="第2组")
    _activities(township, deputies, 1, kind="group", day=dt.date(2025, 2, 10), group=once)
    _activities(township, deputies, 2, kind="group", day=dt.date(2025, 3, 10), group=twice)
    _activities(township, deputies, 1, kind="training", day=dt.date(2025, 4, 1))
    # When the workbench and the county dashboard judge the year
    c = compliance_for_townships(townships=[township], year=2025)[township.pk]
    row = county_figures(townships=[township], year=2025, today=dt.date(2026, 1, 5))[0]
    # Then both count only the group that met the quota, and one training is not enough
    assert c.groups_active_by_quarter[0] == 1 == row.groups_active_per_quarter[0]
    with translation.override("en"):
        due = {str(d.label): d.done for d in compliance_due(compliance=c, today=dt.date(2025, 3, 20))}
    assert due["Deputy training this year (at least 2)"] is False
    assert row.lights["trainings"].colour == quotas.RED
