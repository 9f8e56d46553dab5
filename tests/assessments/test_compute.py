"""Computing a township's year from real records, through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from assessments.models import Assessment, ScoreAdjustment, ScoreResult, ScoringItem
from assessments.services import (
    assessment_compute,
    assessment_lock,
    assessment_publish,
    assessment_unpublish,
    assessments_compute,
    scheme_apply_preset,
    scheme_item_save,
    scheme_update,
    schemes_ensure,
    score_adjust,
)
from renda.core.exceptions import ApplicationError

from .conftest import YEAR

pytestmark = pytest.mark.django_db
D = Decimal


def _line(result, name):
    items = {i["key"]: i for i in result.assessment.items}
    for line in result.lines:
        if items[line["item"]]["name"] == name:
            return line
    raise KeyError(name)


def _result(deputy):
    return ScoreResult.objects.select_related("assessment").get(deputy=deputy, assessment__year=YEAR)


def _configure_township_options(township, chair):
    """The options a township may configure on top of seed 003 (the app's former default): the
    activities preset, a cap of 30 on written items, points per speech (cap 20), an excused
    presidium absence losing the points, and −5 per unexcused absence."""
    scheme = schemes_ensure(townships=[township], year=YEAR)[township.pk]
    scheme_apply_preset(scheme=scheme, preset="seed003_activities", by=chair)
    scheme.items.filter(scope="deputy", source="proposals_any").update(cap=D("30"))
    scheme.items.filter(scope="deputy", source="speakers").update(source="speeches", cap=D("20"))
    scheme.items.filter(scope="deputy", source="presidium_ok").update(source="presidium_perfect")
    for order, name, source in (
        (15, "人代会无故缺席", "session_unexcused"),
        (45, "主席团会议无故缺席", "presidium_unexcused"),
    ):
        scheme_item_save(
            scheme=scheme,
            order=order,
            scope="deputy",
            category="会议",
            name=name,
            source=source,
            rule="deduction",
            points=D("0"),
            step=D("5"),
            count=1,
            floor=D("-10"),
            cap=None,
            by=chair,
        )


def test_township_options_score_each_source_from_records(township, chair, make):
    _configure_township_options(township, chair)
    a, b, c = make.deputy(township), make.deputy(township), make.deputy(township)
    make.session(township, {a: "present", b: "late", c: "unexcused"}, speeches=[a, a, b])
    make.presidium(township, {a: "present", b: "unexcused"})
    for _ in range(6):
        make.activity(township, "group", [a, b])
    make.activity(township, "inspection", [a])
    make.activity(township, "law_check", [a])
    make.activity(township, "reception", [a], role="on_duty")
    make.activity(township, "reception", [b])  # attending a reception without duty does not count
    make.activity(township, "training", [a, b])
    make.activity(township, "visit", [a])
    make.activity(township, "visit", [a])
    make.activity(
        township,
        "report",
        [a],
        role="reporter",
        voter_count=40,
        rating_excellent=30,
        rating_competent=8,
        rating_incompetent=2,
    )
    for _ in range(5):
        make.proposal(township, a)
    make.proposal(township, b, co_signers=[a])  # a co-signs: 6 for a, 1 for b
    make.proposal(township, c, state="not_accepted")
    make.proposal(township, a, year=YEAR - 1)  # other year

    assessments_compute(townships=[township], year=YEAR)

    ra, rb, rc = _result(a), _result(b), _result(c)
    assert _line(ra, "出席人代会")["points"] == "10.0"
    assert _line(rb, "出席人代会")["points"] == "0.0"  # late
    assert _line(rc, "人代会无故缺席")["points"] == "-5.0"
    assert _line(ra, "审议发言")["points"] == "15.0"
    assert _line(rb, "审议发言")["points"] == "10.0"
    assert _line(ra, "出席主席团会议")["points"] == "5.0"
    assert _line(rb, "主席团会议无故缺席")["points"] == "-5.0"
    assert _line(ra, "书面议案建议")["count"] == 6 and _line(ra, "书面议案建议")["points"] == "25.0"
    assert _line(rb, "书面议案建议")["points"] == "0.0"  # 1 item
    assert _line(rc, "书面议案建议")["points"] == "-5.0"  # not accepted does not count
    assert _line(ra, "代表小组活动")["points"] == "10.0"  # 6 × 2 capped at 10
    assert _line(ra, "视察调研检查")["points"] == "4.0"
    assert _line(ra, "接待选民")["points"] == "2.0" and _line(rb, "接待选民")["points"] == "0.0"
    assert _line(ra, "学习培训")["points"] == "5.0"
    assert _line(ra, "联系走访选民")["points"] == "5.0"
    assert _line(ra, "向选民述职")["points"] == "5.0" and _line(ra, "述职测评优秀")["points"] == "5.0"
    assert ra.total == D("91.0") and ra.rank == 1  # 10+15+5+25+10+4+2+5+5+5+5
    # c raised a suggestion (not accepted): no points, but not silent, so not a 三不代表
    assert rc.dormant is False and ra.dormant is False
    assert rc.grade == "incompetent"


def test_subdistrict_default_scheme_has_no_presidium_items(make):
    from tests.factories import TermFactory, TownshipFactory

    t = TownshipFactory(code="jd", name="城关街道", kind="jiedao")
    TermFactory(township=t)
    scheme = schemes_ensure(townships=[t], year=YEAR)[t.pk]
    assert not scheme.items.filter(source__startswith="presidium").exists()
    assert scheme.items.count() == 6  # seed 003 without its two presidium rules (deputy and group)


def test_proration_of_a_deputy_by_elected_mid_year(township, chair, make):
    """Proration scales what is earned to a full year, never a penalty: a deputy elected on 2 July
    (183 of 365 days) with 2 written items is counted 3.99 items (2 × 365 / 183), 10 + 0.99 × 5 =
    14.95 → 15.0; their one unexcused absence under a −5 deduction option stays −5 (not −10)."""
    scheme = schemes_ensure(townships=[township], year=YEAR)[township.pk]
    scheme_item_save(
        scheme=scheme,
        order=15,
        scope="deputy",
        category="会议",
        name="人代会无故缺席",
        source="session_unexcused",
        rule="deduction",
        points=D("0"),
        step=D("5"),
        count=1,
        floor=None,
        cap=None,
        by=chair,
    )
    full = make.deputy(township)
    half = make.deputy(township, mandate__start_date=dt.date(YEAR, 7, 2))
    gone = make.deputy(township, mandate__end_date=dt.date(YEAR - 1, 6, 30))
    make.session(township, {full: "unexcused", half: "unexcused"}, day=dt.date(YEAR, 9, 1))
    for _ in range(2):
        make.proposal(township, full)
        make.proposal(township, half)

    assessments_compute(townships=[township], year=YEAR)

    assert _line(_result(full), "书面议案建议")["points"] == "5.0"  # 2 items: 10 − 5
    line = _line(_result(half), "书面议案建议")
    assert line["count"] == 2 and line["effective"] == pytest.approx(3.99, abs=0.001)
    assert line["points"] == "15.0"
    penalty = _line(_result(half), "人代会无故缺席")
    assert penalty["points"] == "-5.0" and penalty["effective"] is None
    assert _line(_result(full), "人代会无故缺席")["points"] == "-5.0"
    assert _result(half).served_days == 183
    assert not ScoreResult.objects.filter(deputy=gone).exists()


def test_recomputing_a_draft_is_idempotent(township, make):
    a = make.deputy(township)
    make.proposal(township, a)
    assessments_compute(townships=[township], year=YEAR)
    first = list(ScoreResult.objects.values_list("deputy_id", "total", "rank", "grade", "lines"))
    assessments_compute(townships=[township], year=YEAR)
    assert list(ScoreResult.objects.values_list("deputy_id", "total", "rank", "grade", "lines")) == first
    assert Assessment.objects.count() == 1


def test_adjustment_needs_a_reason_and_is_kept_across_recomputes(township, chair, secretary, make):
    a = make.deputy(township)
    assessment = assessment_compute(township=township, year=YEAR, by=secretary)
    item = assessment.items[0]
    with pytest.raises(ApplicationError) as err:
        score_adjust(
            assessment=assessment, deputy=a, item_key=item["key"], points="3", reason="  ", by=secretary
        )
    assert err.value.field == "reason"
    assert not ScoreAdjustment.objects.exists()
    before = _result(a).total

    score_adjust(
        assessment=assessment, deputy=a, item_key=item["key"], points="3", reason="补登会议签到", by=secretary
    )

    result = _result(a)
    assert result.total == before + 3 and result.adjustment_total == D("3")
    assert _line(result, item["name"])["reason"] == "补登会议签到"
    assessments_compute(townships=[township], year=YEAR)
    assert _result(a).total == before + 3
    # a later adjustment of the same line replaces it; the history keeps both
    score_adjust(
        assessment=assessment, deputy=a, item_key=item["key"], points="0", reason="核实后撤销", by=chair
    )
    assert _result(a).total == before
    assert ScoreAdjustment.objects.filter(deputy=a).count() == 2


def test_lock_is_for_the_chair_and_freezes_the_year(township, chair, secretary, make):
    a = make.deputy(township)
    make.proposal(township, a)
    assessment = assessment_compute(township=township, year=YEAR, by=secretary)
    with pytest.raises(ApplicationError):
        assessment_lock(assessment=assessment, by=chair)  # not published yet
    with pytest.raises(ApplicationError):
        assessment_publish(assessment=assessment, by=secretary)  # publishing is the chair's
    assessment_publish(assessment=assessment, by=chair)
    with pytest.raises(ApplicationError):
        assessment_lock(assessment=assessment, by=secretary)
    assessment = assessment_lock(assessment=assessment, by=chair)
    assert assessment.state == "locked" and assessment.locked_by == chair
    total = _result(a).total
    scheme = schemes_ensure(townships=[township], year=YEAR)[township.pk]
    item = scheme.items.get(scope="deputy", source="proposals_any")

    with pytest.raises(ApplicationError):
        scheme_item_save(scheme=scheme, item=item, points=D("50"), by=chair)
    with pytest.raises(ApplicationError):
        score_adjust(assessment=assessment, deputy=a, item_key=str(item.pk), points=1, reason="x", by=chair)
    with pytest.raises(ApplicationError):
        assessment_unpublish(assessment=assessment, by=chair)
    outcome = assessments_compute(townships=[township], year=YEAR)
    assert outcome["computed"] == [] and len(outcome["skipped"]) == 1
    # even an edit that slips past the services (admin, shell) does not alter the locked year
    ScoringItem.objects.filter(pk=item.pk).update(points=D("50"))
    assessments_compute(townships=[township], year=YEAR)
    assert _result(a).total == total
    assert ScoringItem.objects.get(pk=item.pk).points == D("50")


def test_next_years_scheme_is_copied_from_last_years(township, chair):
    scheme = schemes_ensure(townships=[township], year=YEAR)[township.pk]
    item = scheme.items.get(scope="deputy", source="speakers")
    scheme_item_save(scheme=scheme, item=item, points=D("3"), by=chair)
    scheme_update(
        scheme=scheme,
        excellent_min=D("70"),
        competent_min=D("50"),
        basic_min=D("30"),
        by=chair,
    )

    following = schemes_ensure(townships=[township], year=YEAR + 1)[township.pk]

    assert following.pk != scheme.pk and following.excellent_min == D("70")
    assert following.items.get(scope="deputy", source="speakers").points == D("3")
    assert following.name == scheme.name
    assert following.items.count() == scheme.items.count()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"excellent_min": D("50"), "competent_min": D("60"), "basic_min": D("40")}, "competent_min"),
        ({"excellent_min": D("90"), "competent_min": D("60"), "basic_min": D("60")}, "competent_min"),
        (
            {
                "excellent_min": D("90"),
                "competent_min": D("60"),
                "basic_min": D("40"),
                "excellent_max_percent": 120,
            },
            "excellent_max_percent",
        ),
    ],
)
def test_bad_thresholds_are_refused_and_nothing_changes(township, chair, data, field):
    scheme = schemes_ensure(townships=[township], year=YEAR)[township.pk]
    with pytest.raises(ApplicationError) as err:
        scheme_update(scheme=scheme, **data, by=chair)
    assert err.value.field == field
    scheme.refresh_from_db()
    assert scheme.excellent_min == D("30")  # the seed-003 scheme's default


def test_cap_below_floor_and_negative_count_are_refused(township, chair):
    scheme = schemes_ensure(townships=[township], year=YEAR)[township.pk]
    item = scheme.items.first()
    with pytest.raises(ApplicationError) as err:
        scheme_item_save(scheme=scheme, item=item, floor=D("5"), cap=D("2"), by=chair)
    assert err.value.field == "cap"
    with pytest.raises(ApplicationError) as err:
        scheme_item_save(scheme=scheme, item=item, count=-1, by=chair)
    assert err.value.field == "count"


def test_secretary_may_not_edit_the_scheme(township, secretary):
    scheme = schemes_ensure(townships=[township], year=YEAR)[township.pk]
    with pytest.raises(ApplicationError):
        scheme_update(scheme=scheme, notes="x", by=secretary)


def test_group_aggregates(township, make):
    from assessments.selectors import group_scores
    from deputies.models import DeputyGroup, GroupMembership

    term = township.terms.get()
    g = DeputyGroup.objects.create(township=township, term=term, number=1, name="第1代表小组")
    a, b, c = make.deputy(township), make.deputy(township), make.deputy(township)
    for d in (a, b):
        GroupMembership.objects.create(township=township, group=g, deputy=d, term=term)
    make.activity(township, "group", [a, b], group=g)
    make.activity(township, "group", [a], group=g)
    for _ in range(3):
        make.proposal(township, a)
    assessments_compute(townships=[township], year=YEAR)
    assessment = Assessment.objects.get()

    rows = group_scores(assessment=assessment)

    assert len(rows) == 1
    ta, tb = _result(a).total, _result(b).total
    assert rows[0]["members"] == 2 and rows[0]["total"] == ta + tb
    assert rows[0]["average"] == ((ta + tb) / 2).quantize(D("0.1"))
    assert rows[0]["activities"] == 2
    assert _result(c).group_id is None


def test_query_count_does_not_grow_with_deputies(township, make, django_assert_max_num_queries):
    def seed(n):
        for _ in range(n):
            d = make.deputy(township)
            make.proposal(township, d)
            make.activity(township, "group", [d])

    seed(3)
    assessments_compute(townships=[township], year=YEAR)  # creates the scheme and the assessment
    with django_assert_max_num_queries(30) as small:
        assessments_compute(townships=[township], year=YEAR)
    seed(30)
    with django_assert_max_num_queries(30) as large:
        assessments_compute(townships=[township], year=YEAR)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert ScoreResult.objects.count() == 33
