"""Each rule type on hand-made numbers with known answers (pure functions, no database)."""

from decimal import Decimal

import pytest

from assessments.engine import township_score
from assessments.rules import competition_ranks, grades_assign, prorate_count, rule_points, thresholds_check
from deputies.selectors import served_days

D = Decimal


@pytest.mark.parametrize(("count", "expected"), [(0, D("-5")), (1, D("0")), (3, D("10")), (5, D("20"))])
def test_baseline_rule_reproduces_seed_003_suggestion_values(count, expected):
    # "书面提出议案建议批评意见3条(10分)，每增减1条增减5分"
    assert rule_points(rule="baseline", count=count, points=10, step=5, baseline=3) == expected


def test_baseline_rule_with_floor_and_cap():
    assert rule_points(rule="baseline", count=0, points=10, step=5, baseline=3, floor=0) == D("0")
    assert rule_points(rule="baseline", count=9, points=10, step=5, baseline=3, cap=25) == D("25")


def test_fixed_award_only_when_condition_holds():
    assert rule_points(rule="fixed", count=1, points=10, baseline=1) == D("10")
    assert rule_points(rule="fixed", count=0, points=10, baseline=1) == D("0")
    assert rule_points(rule="fixed", count=1, points=5, baseline=2) == D("0")
    assert rule_points(rule="fixed", count=3, points=5, baseline=2) == D("5")


def test_per_occurrence_with_cap():
    # each group activity attended +2, cap 10
    assert [rule_points(rule="per_occurrence", count=n, points=2, cap=10) for n in (0, 1, 4, 5, 8)] == [
        D("0"),
        D("2"),
        D("8"),
        D("10"),
        D("10"),
    ]


def test_first_and_further_speeches():
    # a floor speech 10 points, each further one +5
    assert [rule_points(rule="first_further", count=n, points=10, step=5) for n in (0, 1, 2, 3)] == [
        D("0"),
        D("10"),
        D("15"),
        D("20"),
    ]


def test_deduction_per_unexcused_absence_with_floor():
    assert rule_points(rule="deduction", count=0, points=0, step=5) == D("0")
    assert rule_points(rule="deduction", count=1, points=0, step=5) == D("-5")
    assert rule_points(rule="deduction", count=3, points=0, step=5, floor=-10) == D("-10")


def test_negative_count_is_refused():
    with pytest.raises(ValueError):
        rule_points(rule="per_occurrence", count=-1, points=2)


def test_prorate_scales_count_to_full_year():
    assert prorate_count(2, served_days=183, year_days=365, mode="prorate") == pytest.approx(3.99, abs=0.01)
    assert prorate_count(2, served_days=183, year_days=365, mode="full") == 2
    assert prorate_count(2, served_days=365, year_days=365, mode="prorate") == 2


def test_competition_ranking_shares_ties():
    assert competition_ranks([D("50"), D("70"), D("70"), D("10")]) == [3, 1, 1, 4]


def test_grade_thresholds():
    grades = grades_assign(
        [D("95"), D("70"), D("45"), D("10")], excellent_min=90, competent_min=60, basic_min=40
    )
    assert grades == ["excellent", "competent", "basic", "incompetent"]


def test_grade_percentage_cap_limits_excellent():
    totals = [D(t) for t in (99, 98, 97, 96, 95, 50, 50, 50, 50, 50)]
    grades = grades_assign(totals, excellent_min=90, competent_min=60, basic_min=40, excellent_max_percent=20)
    assert grades[:5] == ["excellent", "excellent", "competent", "competent", "competent"]
    assert grades.count("excellent") == 2


def test_grade_percentage_cap_never_exceeded_by_a_tie():
    totals = [D(t) for t in (99, 95, 95, 50, 50, 50, 50, 50, 50, 50)]
    grades = grades_assign(totals, excellent_min=90, competent_min=60, basic_min=40, excellent_max_percent=20)
    # two may be excellent, but 95 is shared by two: only the 99 is excellent
    assert grades[:3] == ["excellent", "competent", "competent"]


def test_thresholds_order_checked():
    assert thresholds_check(excellent_min=90, competent_min=60, basic_min=40) is None
    assert thresholds_check(excellent_min=60, competent_min=60, basic_min=40)
    assert thresholds_check(excellent_min=90, competent_min=30, basic_min=40)


def test_served_days_clips_to_year_and_merges_periods():
    import datetime as dt

    start, end = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    assert served_days([(dt.date(2021, 12, 28), None)], start=start, end=end) == 365
    # ended on 1 July: serves 1 Jan–30 Jun
    assert served_days([(dt.date(2021, 12, 28), dt.date(2025, 7, 1))], start=start, end=end) == 181
    assert served_days([(dt.date(2025, 3, 15), None)], start=start, end=end) == 292
    assert served_days([(dt.date(2026, 1, 5), None)], start=start, end=end) == 0


def _snapshot(**over):
    snap = {
        "partial_year": "prorate",
        "excellent_min": "30",
        "competent_min": "20",
        "basic_min": "10",
        "excellent_max_percent": None,
        "items": [
            {
                "key": "1",
                "category": "会议",
                "name": "出席",
                "source": "session_perfect",
                "rule": "fixed",
                "points": "10",
                "step": "0",
                "count": 1,
                "floor": None,
                "cap": None,
            },
            {
                "key": "2",
                "category": "建议",
                "name": "建议",
                "source": "proposals_any",
                "rule": "baseline",
                "points": "10",
                "step": "5",
                "count": 3,
                "floor": None,
                "cap": None,
            },
            {
                "key": "3",
                "category": "活动",
                "name": "小组",
                "source": "group_activities",
                "rule": "per_occurrence",
                "points": "2",
                "step": "0",
                "count": 1,
                "floor": None,
                "cap": "10",
            },
            {
                "key": "4",
                "category": "其他",
                "name": "手工",
                "source": "manual",
                "rule": "fixed",
                "points": "0",
                "step": "0",
                "count": 1,
                "floor": None,
                "cap": None,
            },
        ],
    }
    snap.update(over)
    return snap


def test_township_score_lines_totals_prorating_and_adjustments():
    counts = {
        "session_perfect": {1: 1, 2: 1},
        "proposals_any": {1: 5, 2: 1, 3: 0},
        "group_activities": {1: 6, 3: 2},
    }
    deputies = [(1, 365, None), (2, 365, None), (3, 182, None), (4, 365, None)]
    adjustments = {(2, "4"): (D("3"), "优秀调研报告")}
    rows = township_score(
        _snapshot(),
        deputies=deputies,
        counts=counts,
        adjustments=adjustments,
        year_days=365,
        dormant={4},
    )
    by = {r["deputy_id"]: r for r in rows}
    assert by[1]["total"] == D("40")  # 10 + 20 + 10 (capped)
    assert by[2]["total"] == D("13")  # 10 + 0 + 0 + 3 (adjusted)
    assert by[2]["adjustment_total"] == D("3")
    # deputy 3 served half the year: 2 activities count as 4.01 → 8.0; 0 proposals → -5
    assert by[3]["lines"][2]["points"] == "8.0"
    assert by[3]["total"] == D("3.0")
    assert by[4]["dormant"] is True and by[1]["dormant"] is False
    assert [by[i]["rank"] for i in (1, 2, 3, 4)] == [1, 2, 3, 4]
    assert [by[i]["grade"] for i in (1, 2)] == ["excellent", "basic"]


def test_township_score_excludes_part_year_deputies_when_scheme_says_so():
    rows = township_score(
        _snapshot(partial_year="exclude"),
        deputies=[(1, 365, None), (2, 100, None)],
        counts={},
        adjustments={},
        year_days=365,
        dormant=set(),
    )
    assert [r["deputy_id"] for r in rows] == [1]
