import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from renda.core.quotas import GREEN, GREY, RED, YELLOW
from renda.dashboard import selectors
from tests.factories import TermFactory, TownshipFactory

from .conftest import TODAY, YEAR


def test_county_figures_equal_hand_counts(year_data, other_township):
    rows = selectors.county_figures(townships=[year_data.township, other_township], year=YEAR, today=TODAY)
    hq, qs = rows
    assert hq.deputies_total == 5
    assert hq.deputies_by_level == {"township": 5, "county": 1}
    assert hq.sessions == 1
    assert hq.presidium_per_quarter == [1, 2, 0, 1]
    assert hq.groups == 2
    assert hq.groups_active_per_quarter == [2, 2, 1, 2]
    assert hq.receptions_per_month == [1, 1, 2, 1, 1, 1, 0, 1, 1, 1, 1, 1]
    assert (hq.receptions, hq.reception_months) == (12, 11)
    assert hq.trainings == 1
    assert (hq.received, hq.carried_over, hq.closed, hq.overdue) == (4, 0, 2, 1)
    assert (hq.replied, hq.on_time, hq.met, hq.evaluated, hq.satisfied) == (3, 2, 2, 2, 1)
    assert (hq.closed_rate, hq.on_time_rate, hq.met_rate, hq.satisfied_rate) == (50.0, 66.7, 66.7, 50.0)
    assert hq.dormant == 1
    lights = {k: v.colour for k, v in hq.lights.items()}
    assert lights == {
        "session": GREEN,
        "presidium": RED,
        "groups": RED,
        "receptions": RED,
        "trainings": GREEN,
        "overdue": RED,
        "member_contacts": GREY,  # no presidium member recorded
        "voter_contacts": RED,  # 5 township deputies, no voter visit in the year
        "rota": RED,  # 王一, a county deputy, held no reception at a station in any quarter
        "plans": GREY,  # no yearly plan recorded
        # the five are new in the term; the only recorded session (3-10) came before the
        # training (4-01) three of them attended: three late, two untrained
        "training": RED,
    }
    assert (hq.training_new, hq.training_in_time) == (5, 0)
    assert hq.training_counts == {"new": 5, "trained": 0, "late": 3, "untrained": 2, "pending": 0}
    assert (hq.contact_deputies, hq.contact_deputies_met) == (5, 0)
    assert (hq.rota_deputies, hq.rota_met, hq.rota_entries) == (1, 0, 0)
    assert qs.deputies_total == 0 and qs.received == 0 and qs.closed_rate is None
    assert {k: v.colour for k, v in qs.lights.items()} == {
        "session": RED,
        "presidium": RED,
        "groups": GREY,
        "receptions": RED,
        "trainings": RED,
        "overdue": GREEN,
        "member_contacts": GREY,  # no presidium member, no deputy
        "voter_contacts": GREY,
        "rota": GREY,  # no higher-level deputy
        "plans": GREY,
        "training": GREY,  # no new deputy
    }


def test_current_year_lights_are_yellow_while_periods_run(year_data):
    # Seen on 20 July 2025: Q3 and July are running with no presidium meeting and no reception yet.
    row = selectors.county_figures(townships=[year_data.township], year=YEAR, today=dt.date(YEAR, 7, 20))[0]
    assert row.lights["presidium"].colour == YELLOW
    assert row.lights["receptions"].colour == YELLOW
    assert row.lights["session"].colour == GREEN
    # A day after July ends, the month without a reception turns red.
    row = selectors.county_figures(townships=[year_data.township], year=YEAR, today=dt.date(YEAR, 8, 1))[0]
    assert row.lights["receptions"].colour == RED


def test_totals_add_up(year_data, other_township):
    rows = selectors.county_figures(townships=[year_data.township, other_township], year=YEAR, today=TODAY)
    total = selectors.county_totals(rows)
    assert total.deputies_total == 5 and total.received == 4 and total.closed == 2
    assert total.closed_rate == 50.0


def test_query_count_does_not_depend_on_townships(year_data):
    def count(n):
        townships = [year_data.township]
        for i in range(n):
            t = TownshipFactory(code=f"q{n}x{i}", name=f"测试{n}镇{i}")
            TermFactory(township=t)
            townships.append(t)
        with CaptureQueriesContext(connection) as ctx:
            selectors.county_figures(townships=townships, year=YEAR, today=TODAY)
        return len(ctx.captured_queries)

    assert count(1) == count(8)


def test_drill_down_matches_the_numbers(year_data):
    ids = [year_data.township.pk]
    counts = {
        m: selectors.drill_records(metric=m, township_ids=ids, year=YEAR).count() for m in selectors.DRILL
    }
    assert counts["sessions"] == 1
    assert counts["presidium"] == 4
    assert counts["receptions"] == 12
    assert counts["trainings"] == 1
    assert counts["received"] == 4
    assert counts["closed"] == 2
    assert counts["dormant"] == 1
    assert counts["deputies"] == 5
    assert selectors.drill_records(metric="nonsense", township_ids=ids, year=YEAR) is None


def test_workbench_quarter_lists_the_quotas(year_data):
    data = selectors.workbench_quarter(township=year_data.township, today=TODAY)
    assert data["quarter"] == 1 and data["presidium_this_quarter"] == 0
    assert {g["name"] for g in data["groups_idle"]} == {"第一代表小组", "第二代表小组"}  # nothing in Q1 2026
