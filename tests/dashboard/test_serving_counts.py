"""The dashboard's deputy counts (per level, in total) and the work report's group and station
member counts go through deputies.serving; recounted here from the Mandate rows by hand."""

import datetime as dt
from collections import defaultdict

import pytest

from deputies.models import DeputyGroup, GroupMembership, LiaisonStation, Mandate
from renda.dashboard import selectors
from tests.factories import DeputyFactory, TermFactory, TownshipFactory

YEAR = 2025
TODAY = dt.date(2026, 3, 15)
D = dt.date


def _serving_by_hand(on):
    """{(township_id, level): {deputy ids}} and {township_id: {deputy ids}} from raw Mandate rows:
    begun by `on`, and not ended by then (an end date drops the deputy that day)."""
    by_level, total = defaultdict(set), defaultdict(set)
    for m in Mandate.objects.select_related("deputy"):
        if m.start_date <= on and (m.end_date is None or m.end_date > on):
            by_level[(m.deputy.township_id, m.level)].add(m.deputy_id)
            total[m.deputy.township_id].add(m.deputy_id)
    return by_level, total


@pytest.fixture
def timeline(db):
    town = TownshipFactory(name="计数镇", code="js")
    other = TownshipFactory(name="对照乡", code="dz", kind="xiang")
    old = TermFactory(township=town, number=1, start_date=D(2020, 1, 1), end_date=D(2024, 12, 31))
    new = TermFactory(township=town, number=2, start_date=D(2025, 1, 1), end_date=D(2029, 12, 31))
    TermFactory(township=other, number=1, start_date=D(2021, 1, 1), end_date=D(2025, 12, 31))
    people = {
        "serving": DeputyFactory(township=town, mandate=False),
        "both": DeputyFactory(township=town, mandate=False),  # township and county
        "county": DeputyFactory(township=town, mandate=False),
        "ended_on_ref": DeputyFactory(township=town, mandate=False),  # ends 31 Dec: out that day
        "ended": DeputyFactory(township=town, mandate=False),
        "later": DeputyFactory(township=town, mandate=False),  # elected after the reference day
        "old_term": DeputyFactory(township=town, mandate=False),  # not re-elected at the 换届
        "twice": DeputyFactory(township=town, mandate=False),  # two overlapping township rows
        "elsewhere": DeputyFactory(township=other, mandate=False),
    }

    def mandate(who, level="township", term=None, start=D(2025, 1, 1), end=None):
        d = people[who]
        Mandate.objects.create(
            township=d.township,
            deputy=d,
            level=level,
            term=term if level == "township" else None,
            term_number=(term.number if term else 1),
            start_date=start,
            end_date=end,
            end_reason="resigned" if end else "",
        )

    for who in ("serving", "both", "twice"):
        mandate(who, term=new)
    mandate("twice", term=new, start=D(2025, 3, 1))
    mandate("both", level="county", start=D(2021, 11, 20))
    mandate("county", level="county", start=D(2021, 11, 20))
    mandate("ended_on_ref", term=new, end=D(2025, 12, 31))
    mandate("ended", term=new, end=D(2025, 6, 30))
    mandate("later", term=new, start=D(2026, 1, 10))
    for who in ("serving", "old_term"):
        mandate(who, term=old, start=D(2020, 1, 1), end=D(2025, 1, 1))
    mandate("elsewhere", term=None, level="city", start=D(2022, 1, 1))
    # groups of both terms and a station, each listing someone no longer serving
    g_old = DeputyGroup.objects.create(township=town, term=old, number=1, name="第一组")
    g_new = DeputyGroup.objects.create(township=town, term=new, number=1, name="第一组")
    for g, members in (
        (g_old, ("serving", "old_term", "ended")),
        (g_new, ("serving", "both", "county", "ended")),
    ):
        GroupMembership.objects.bulk_create(
            [GroupMembership(township=town, group=g, deputy=people[w], term=g.term) for w in members]
        )
    station = LiaisonStation.objects.create(township=town, name="计数镇代表联络站")
    station.resident_deputies.set([people[w] for w in ("serving", "county", "ended", "later")])
    return town, other, people


def test_dashboard_deputy_counts_are_the_serving_definition(timeline):
    town, other, people = timeline
    ref = selectors.reference_day(YEAR, TODAY)
    by_level, total = _serving_by_hand(ref)

    rows = {
        r.township.pk: r for r in selectors.county_figures(townships=[town, other], year=YEAR, today=TODAY)
    }

    for t in (town, other):
        expected = {lv: len(by_level[(t.pk, lv)]) for lv in Mandate.Level.values if by_level[(t.pk, lv)]}
        assert rows[t.pk].deputies_by_level == expected
        assert rows[t.pk].deputies_total == len(total[t.pk])
    # the figures themselves, so the recount is not trivially empty
    assert rows[town.pk].deputies_by_level == {"township": 3, "county": 2}
    assert rows[town.pk].deputies_total == 4
    assert rows[other.pk].deputies_by_level == {"city": 1}
    totals = selectors.county_totals(list(rows.values()))
    assert totals.deputies_total == 5 and totals.deputies_by_level == {"township": 3, "county": 2, "city": 1}
    drill = selectors.drill_records(metric="deputies", township_ids=[town.pk], year=YEAR)
    assert set(drill.values_list("pk", flat=True)) == total[town.pk]


def test_work_report_group_and_station_counts_are_serving_members(timeline):
    town, _other, people = timeline
    data = selectors.work_report_data(township=town, year=YEAR, today=TODAY)
    ref = data.cutoff
    _by_level, total = _serving_by_hand(ref)

    assert data.deputies.total == len(total[town.pk])
    members = {
        g.pk: set(GroupMembership.objects.filter(group=g).values_list("deputy_id", flat=True))
        for g in DeputyGroup.objects.filter(township=town, term__number=2)
    }
    assert [g.members for g in data.groups] == [len(m & total[town.pk]) for m in members.values()]
    assert [g.members for g in data.groups] == [3]  # serving, both, county; not "ended"
    residents = set(LiaisonStation.objects.get(township=town).resident_deputies.values_list("pk", flat=True))
    assert [s.resident for s in data.stations] == [len(residents & total[town.pk])] == [2]


def test_group_counts_of_an_old_term_are_taken_on_its_last_day(timeline):
    from deputies.selectors import group_member_counts

    town, _other, _people = timeline
    groups = list(DeputyGroup.objects.filter(township=town).select_related("term").order_by("term__number"))
    group_member_counts(groups=groups, today=TODAY)
    # the old group on 2024-12-31: serving, old_term (both still in the old term); "ended" had no
    # mandate then (elected 2025); the new group today: serving, both, county
    assert [g.member_count for g in groups] == [2, 3]
    assert [g.other_level_count for g in groups] == [0, 1]


def test_station_list_counts_residents_serving(timeline, admin_user, django_assert_max_num_queries):
    from deputies.selectors import station_list

    town, _other, people = timeline
    with django_assert_max_num_queries(3):
        stations = station_list(user=admin_user, township=town, on=D(2025, 12, 31))
    # serving and county serve; "ended" left in June, "later" is elected in 2026
    assert [s.resident_count for s in stations] == [2]
    assert [s.resident_count for s in station_list(user=admin_user, township=town, on=D(2026, 2, 1))] == [3]
