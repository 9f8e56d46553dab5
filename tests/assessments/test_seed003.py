"""Seed 003 read literally, computed by hand: a deputy and a group for each rule.

    三、各代表小组组织代表参加人大会议，做到不缺席，不迟到，不早退（10分）。
        书面提出议案建议批评意见3条（10分），每增减1条增减5分。
        各代表小组有1名代表作审议发言（10分），每增加1名加5分。
    四、各代表小组按通知要求参加主席团会议，做到不无故缺席迟到早退（5分）。

Every test runs on the shipped default scheme, untouched.
"""

import datetime as dt
import io
from decimal import Decimal

import pytest

from assessments.models import Assessment, GroupScoreResult, ScoreResult
from assessments.services import assessments_compute, schemes_ensure

from .conftest import YEAR

pytestmark = pytest.mark.django_db
D = Decimal


def _groups(township, *member_lists):
    from deputies.models import DeputyGroup, GroupMembership

    term = township.terms.get()
    groups = []
    for n, members in enumerate(member_lists, start=1):
        g = DeputyGroup.objects.create(township=township, term=term, number=n, name=f"第{n}代表小组")
        for d in members:
            GroupMembership.objects.create(township=township, group=g, deputy=d, term=term)
        groups.append(g)
    return groups


def _points(deputy, name):
    r = ScoreResult.objects.select_related("assessment").get(deputy=deputy, assessment__year=YEAR)
    items = {i["key"]: i for i in r.assessment.items}
    return next(line["points"] for line in r.lines if items[line["item"]]["name"] == name)


def _group(group):
    return GroupScoreResult.objects.select_related("assessment").get(group=group, assessment__year=YEAR)


def _group_points(group, name):
    g = _group(group)
    items = {i["key"]: i for i in g.assessment.group_items}
    return next(line["points"] for line in g.lines if items[line["item"]]["name"] == name)


def test_default_scheme_is_named_after_seed_003_and_has_its_four_rules_for_deputies_and_groups(township):
    scheme = schemes_ensure(townships=[township], year=YEAR)[township.pk]
    assert "种子003" in scheme.name
    rows = list(
        scheme.items.order_by("order").values_list(
            "scope", "source", "rule", "points", "step", "count", "cap"
        )
    )
    assert rows == [
        ("deputy", "session_perfect", "fixed", D("10"), D("0"), 1, None),
        ("deputy", "proposals_any", "baseline", D("10"), D("5"), 3, None),  # no cap
        ("deputy", "speakers", "first_further", D("10"), D("5"), 1, None),
        ("deputy", "presidium_ok", "fixed", D("5"), D("0"), 1, None),
        ("group", "session_perfect", "fixed", D("10"), D("0"), 1, None),
        ("group", "proposals_any", "baseline", D("10"), D("5"), 3, None),
        ("group", "speakers", "first_further", D("10"), D("5"), 1, None),
        ("group", "presidium_ok", "fixed", D("5"), D("0"), 1, None),
    ]
    # No deduction for unexcused absence on top of losing the attendance points.
    assert not scheme.items.filter(rule="deduction").exists()


def test_session_rule_不缺席不迟到不早退_10_points(township, make):
    a, b, c, d, e = (make.deputy(township) for _ in range(5))
    g1, g2 = _groups(township, [a, d], [b, c, e])
    make.session(township, {a: "present", b: "late", c: "excused", d: "present", e: "unexcused"})

    assessments_compute(townships=[township], year=YEAR)

    assert _points(a, "出席人代会") == "10.0"
    assert _points(b, "出席人代会") == "0.0"  # 迟到
    assert _points(c, "出席人代会") == "0.0"  # 缺席 (even with leave: the session rule has no 无故)
    assert _points(e, "出席人代会") == "0.0"  # unexcused: loses the 10, and nothing more
    assert _group_points(g1, "组织出席人代会") == "10.0"  # every member present
    assert _group_points(g2, "组织出席人代会") == "0.0"


def test_written_items_rule_3条10分_每增减1条增减5分_without_cap(township, make):
    a, b, c = (make.deputy(township) for _ in range(3))
    g1, g2 = _groups(township, [a, c], [b])
    led = [make.proposal(township, a) for _ in range(9)]
    led[0].co_signers.set([c])
    make.proposal(township, c)
    make.proposal(township, c)
    make.proposal(township, b, state="not_accepted")  # not accepted: not a written item

    assessments_compute(townships=[township], year=YEAR)

    assert _points(a, "书面议案建议") == "40.0"  # 9 items: 10 + 6 × 5, no cap at 30
    assert _points(c, "书面议案建议") == "10.0"  # 2 led + 1 co-signed = 3
    assert _points(b, "书面议案建议") == "-5.0"  # 0 items: 10 − 3 × 5
    # The group's items: 9 + 2 distinct proposals (the co-signed one once) = 11 → 10 + 8 × 5
    assert _group_points(g1, "书面议案建议") == "50.0"
    assert _group_points(g2, "书面议案建议") == "-5.0"


def test_speech_rule_1名10分_每增加1名加5分_per_speaker_not_per_speech(township, make):
    a, b, c, d = (make.deputy(township) for _ in range(4))
    g1, g2 = _groups(township, [a, b, c], [d])
    make.session(township, {a: "present", b: "present", c: "present", d: "present"}, speeches=[a, a, a, b])

    assessments_compute(townships=[township], year=YEAR)

    assert _points(a, "审议发言") == "10.0"  # three speeches, one speaker: 10, not 20
    assert _points(b, "审议发言") == "10.0"
    assert _points(c, "审议发言") == "0.0"
    assert _group_points(g1, "审议发言") == "15.0"  # two speakers: 10 + 5
    assert _group_points(g2, "审议发言") == "0.0"


def test_presidium_rule_不无故缺席迟到早退_5_points_excused_absence_keeps_them(township, make):
    from meetings.models import NonVotingAttendee

    a, b, c, d, e, f = (make.deputy(township) for _ in range(6))
    g1, g2, g3 = _groups(township, [a, b], [c, d], [e, f])
    make.presidium(township, {a: "present", b: "excused", c: "present"}, day=dt.date(YEAR, 3, 1))
    m2 = make.presidium(
        township, {a: "present", b: "present", c: "unexcused", f: "late"}, day=dt.date(YEAR, 6, 1)
    )
    NonVotingAttendee.objects.create(township=township, meeting=m2, kind="deputy", deputy=d)

    assessments_compute(townships=[township], year=YEAR)

    assert _points(a, "出席主席团会议") == "5.0"
    assert _points(b, "出席主席团会议") == "5.0"  # excused absence: not 无故
    assert _points(c, "出席主席团会议") == "0.0"  # 无故缺席: loses the 5, no −5 on top
    assert _points(d, "出席主席团会议") == "5.0"  # invited to attend (列席) and came
    assert _points(e, "出席主席团会议") == "0.0"  # never called
    assert _points(f, "出席主席团会议") == "0.0"  # 迟到
    assert _group_points(g1, "参加主席团会议") == "5.0"
    assert _group_points(g2, "参加主席团会议") == "0.0"  # a member missed without leave
    assert _group_points(g3, "参加主席团会议") == "0.0"  # a member came late


def test_group_totals_and_ranking(township, make):
    a, b, c, d, e = (make.deputy(township) for _ in range(5))
    g1, g2, g3 = _groups(township, [a, b], [c, d], [e])
    make.session(
        township, {a: "present", b: "present", c: "present", d: "late", e: "present"}, speeches=[a, b, c]
    )
    for _ in range(3):
        make.proposal(township, a)
        make.proposal(township, c)
    make.proposal(township, e)

    assessments_compute(townships=[township], year=YEAR)

    # g1: session 10 + 3 items 10 + two speakers 15 + presidium 0 = 35
    # g2: session 0 (d late) + 3 items 10 + one speaker 10 = 20
    # g3: session 10 + 1 item 0 + no speaker 0 = 10
    assert [(_group(g).total, _group(g).rank, _group(g).members) for g in (g1, g2, g3)] == [
        (D("35.0"), 1, 2),
        (D("20.0"), 2, 2),
        (D("10.0"), 3, 1),
    ]
    # Recomputed independently from the raw lines of each group.
    for g in GroupScoreResult.objects.all():
        assert g.total == sum(D(line["points"]) for line in g.lines)


def test_group_ranking_has_its_own_sheet_in_the_scoresheet(township, make):
    from openpyxl import load_workbook

    from assessments.jobs import scoresheet_township_build

    a, b = make.deputy(township), make.deputy(township)
    _groups(township, [a], [b])
    make.session(township, {a: "present", b: "late"}, speeches=[a])
    assessments_compute(townships=[township], year=YEAR)

    _name, content = scoresheet_township_build(assessment=Assessment.objects.get())
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames[1] == "代表小组"
    ws = wb["代表小组"]
    header = [c.value for c in ws[3]]
    assert header[:2] == ["代表小组", "参评人数"] and header[-2:] == ["小组得分", "排名"]
    first, second = [c.value for c in ws[4]], [c.value for c in ws[5]]
    assert first[0] == "第1代表小组" and first[-2:] == [15.0, 1]  # 10 + (−5) + 10
    assert second[0] == "第2代表小组" and second[-2:] == [-5.0, 2]


def test_work_evaluation_participation_is_a_scoring_source(township, chair, make):
    from assessments.services import scheme_apply_preset

    scheme_apply_preset(
        scheme=schemes_ensure(townships=[township], year=YEAR)[township.pk],
        preset="seed003_activities",
        by=chair,
    )
    a, b = make.deputy(township), make.deputy(township)
    make.activity(township, "evaluation", [a], target="镇农业服务中心")
    make.activity(township, "evaluation", [a, b], target="镇财政所")
    make.activity(township, "inspection", [b])

    assessments_compute(townships=[township], year=YEAR)

    assert _points(a, "工作评议") == "4.0"
    assert _points(b, "工作评议") == "2.0"


def test_one_三不代表_definition_for_dashboard_and_assessment(township, make):
    from deputies.models import Deputy, Mandate
    from renda.dashboard.selectors import county_figures

    silent = make.deputy(township)
    excused_only = make.deputy(township)  # excused absence is not attending
    speaker = make.deputy(township)
    rejected = make.deputy(township)
    visitor = make.deputy(township)
    make.session(township, {excused_only: "excused", speaker: "excused"}, speeches=[speaker])
    make.proposal(township, rejected, state="not_accepted")
    make.activity(township, "visit", [visitor])
    higher = make.deputy(township)  # a county deputy resident here: not the township's to assess
    Mandate.objects.filter(deputy=higher).update(level=Mandate.Level.COUNTY)

    assessments_compute(townships=[township], year=YEAR)
    assessment = Assessment.objects.get()
    dashboard = county_figures(townships=[township], year=YEAR, today=dt.date(YEAR + 1, 1, 15))[0]

    flagged = set(ScoreResult.objects.filter(dormant=True).values_list("deputy_id", flat=True))
    assert flagged == {silent.pk, excused_only.pk}
    assert assessment.dormant_count == dashboard.dormant == 2
    # Independently: township deputies with no attended session, activity, speech or proposal.
    from meetings.models import ActivityParticipation, FloorSpeech, SessionAttendance
    from proposals.models import Proposal

    busy = (
        set(
            SessionAttendance.objects.exclude(status__in=["excused", "unexcused"]).values_list(
                "deputy_id", flat=True
            )
        )
        | set(ActivityParticipation.objects.values_list("deputy_id", flat=True))
        | set(FloorSpeech.objects.values_list("deputy_id", flat=True))
        | set(Proposal.objects.values_list("lead_deputy_id", flat=True))
    )
    township_deputies = set(
        Deputy.objects.filter(mandates__level="township", township=township).values_list("pk", flat=True)
    )
    assert township_deputies - busy == flagged
