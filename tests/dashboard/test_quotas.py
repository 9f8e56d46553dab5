import datetime as dt

from renda.core import quotas
from renda.core.quotas import GREEN, GREY, RED, YELLOW


def light(counts, today, required=1, year=2025):
    return quotas.light_per_period(counts=counts, required=required, year=year, today=today).colour


def test_quarterly_quota_exactly_met_is_green():
    assert light([1, 1, 1, 1], dt.date(2026, 1, 1)) == GREEN


def test_quarter_over_with_none_is_red_on_its_last_day_plus_one():
    # Q3 ends 30 September: on that day it is still running (yellow), the next day it is missed.
    assert light([1, 1, 0, 0], dt.date(2025, 9, 30)) == YELLOW
    assert light([1, 1, 0, 0], dt.date(2025, 10, 1)) == RED


def test_current_quarter_not_met_yet_is_yellow_and_met_is_green():
    assert light([1, 1, 0, 0], dt.date(2025, 8, 1)) == YELLOW
    assert light([1, 1, 1, 0], dt.date(2025, 8, 1)) == GREEN


def test_quota_of_two_needs_two():
    assert light([2, 1, 2, 2], dt.date(2026, 1, 1), required=2) == RED
    assert light([2, 2, 2, 2], dt.date(2026, 1, 1), required=2) == GREEN


def test_future_year_and_no_quota_are_grey():
    assert light([0, 0, 0, 0], dt.date(2024, 6, 1)) == GREY
    assert light([0, 0, 0, 0], dt.date(2026, 1, 1), required=0) == GREY


def test_monthly_quota_red_notes_the_missed_month():
    counts = [1] * 12
    counts[6] = 0
    result = quotas.light_per_period(counts=counts, required=1, year=2025, today=dt.date(2026, 1, 1))
    assert result.colour == RED and result.note == "7"
    assert light([1] * 12, dt.date(2026, 1, 1)) == GREEN


def test_yearly_quota_yellow_during_the_year_red_after():
    assert quotas.light_per_year(count=0, required=1, year=2025, today=dt.date(2025, 12, 31)).colour == YELLOW
    assert quotas.light_per_year(count=0, required=1, year=2025, today=dt.date(2026, 1, 1)).colour == RED
    assert quotas.light_per_year(count=1, required=1, year=2025, today=dt.date(2025, 1, 2)).colour == GREEN


def test_every_group_every_quarter():
    today = dt.date(2026, 1, 1)
    ok = quotas.light_groups_per_quarter(groups_active=[3, 3, 3, 3], group_count=3, year=2025, today=today)
    missing = quotas.light_groups_per_quarter(
        groups_active=[3, 3, 2, 3], group_count=3, year=2025, today=today
    )
    none = quotas.light_groups_per_quarter(groups_active=[0, 0, 0, 0], group_count=0, year=2025, today=today)
    assert (ok.colour, missing.colour, none.colour) == (GREEN, RED, GREY)


def test_overdue_light_and_rate():
    assert quotas.light_overdue(overdue=0).colour == GREEN
    assert quotas.light_overdue(overdue=1).colour == RED
    assert quotas.rate(2, 3) == 66.7
    assert quotas.rate(1, 0) is None


def test_contact_quotas_live_in_the_quota_table():
    for key, n in {
        "member_contacts_per_year": 12,
        "member_contacts_per_month": 1,
        "voter_visits_per_year": 2,
        "voters_per_year": 20,
    }.items():
        assert quotas.DEFAULT_QUOTAS[key] == n


def test_yearly_target_is_red_only_once_the_year_is_over():
    target = quotas.light_yearly_target
    assert target(met=True, year=2025, today=dt.date(2025, 2, 1)).colour == GREEN
    assert target(met=False, year=2025, today=dt.date(2025, 12, 31)).colour == YELLOW
    assert target(met=False, year=2025, today=dt.date(2026, 1, 1)).colour == RED
    assert target(met=False, year=2026, today=dt.date(2025, 6, 1)).colour == GREY


def test_the_worst_light_of_many_people():
    g, y, r, n = (quotas.Light(c) for c in (GREEN, YELLOW, RED, GREY))
    assert quotas.light_worst([g, y, g]).colour == YELLOW
    assert quotas.light_worst([g, r, y], note="2").colour == RED
    assert quotas.light_worst([g, r], note="2").note == "2"
    assert quotas.light_worst([g, g]).colour == GREEN
    assert quotas.light_worst([]).colour == GREY and quotas.light_worst([n]).colour == GREY
