"""Pages: access by role and township, the scheme editor's errors, adjustments, the scoresheet."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import Assessment, ScoreAdjustment, ScoreResult, ScoringScheme
from assessments.services import assessment_publish, assessments_compute, schemes_ensure
from renda.core.models import DocumentJob

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(township, other_township, secretary, make):
    """Two townships with records and computed scores; the own township published."""
    deputies = [make.deputy(township) for _ in range(4)]
    make.session(
        township, {d: "present" for d in deputies[:3]} | {deputies[3]: "unexcused"}, speeches=[deputies[0]]
    )
    make.activity(township, "group", deputies[:2])
    for _ in range(3):
        make.proposal(township, deputies[0])
    other = make.deputy(other_township)
    make.proposal(other_township, other)
    assessments_compute(townships=[township, other_township], year=YEAR)
    own = Assessment.objects.get(township=township)
    return {
        "own": own,
        "other": Assessment.objects.get(township=other_township),
        "deputies": deputies,
        "other_deputy": other,
    }


def _urls(a, deputy):
    return {
        "township": reverse("assessments:township", args=[a.township_id]) + f"?year={YEAR}",
        "card": reverse("assessments:card", args=[a.pk, deputy.pk]),
        "scheme": reverse("assessments:scheme", args=[a.township_id, YEAR]),
    }


def test_township_staff_see_their_own_township_only(scored, secretary, client_for):
    c = client_for(secretary)
    for url in _urls(scored["own"], scored["deputies"][0]).values():
        assert c.get(url).status_code == 200, url
    for url in _urls(scored["other"], scored["other_deputy"]).values():
        assert c.get(url).status_code == 404, url


def test_county_reviewer_sees_published_only_and_cannot_write(scored, reviewer, chair, client_for):
    c = client_for(reviewer)
    own, other = scored["own"], scored["other"]
    assert c.get(_urls(own, scored["deputies"][0])["card"]).status_code == 404  # draft: not visible
    assessment_publish(assessment=own, by=chair)
    assert c.get(_urls(own, scored["deputies"][0])["card"]).status_code == 200
    page = c.get(reverse("assessments:county") + f"?year={YEAR}")
    assert page.status_code == 200
    rows = {r["township"].pk: r for r in page.context["rows"]}
    assert rows[own.township_id]["n"] == 4 and rows[other.township_id]["n"] == 0
    assert c.post(reverse("assessments:compute", args=[own.township_id]), {"year": YEAR}).status_code == 403
    assert c.post(reverse("assessments:transition", args=[own.pk, "lock"])).status_code == 403
    own.refresh_from_db()
    assert own.state == "published"
    r = c.post(
        _urls(own, scored["deputies"][0])["card"],
        {"item_key": own.items[0]["key"], "points": "5", "reason": "x"},
    )
    assert r.status_code == 403
    assert not ScoreAdjustment.objects.exists()


def test_handling_unit_is_refused(scored, township, client_for):
    from tests.factories import UserFactory

    unit_user = UserFactory(username="unit", township=township, role="handling_unit")
    assert (
        client_for(unit_user).get(_urls(scored["own"], scored["deputies"][0])["township"]).status_code == 403
    )


def test_results_page_query_count_is_bounded(
    scored, secretary, client_for, django_assert_max_num_queries, make, township
):
    c = client_for(secretary)
    url = _urls(scored["own"], scored["deputies"][0])["township"]
    with django_assert_max_num_queries(25):
        assert c.get(url).status_code == 200
    for _ in range(20):
        make.deputy(township)
    assessments_compute(townships=[township], year=YEAR)
    with django_assert_max_num_queries(25):
        r = c.get(url)
    assert len(r.context["rows"]) == 24


def test_results_filter_by_grade_and_sort(scored, secretary, client_for):
    c = client_for(secretary)
    url = _urls(scored["own"], scored["deputies"][0])["township"]
    grade = ScoreResult.objects.filter(assessment=scored["own"]).order_by("rank").first().grade
    r = c.get(url + f"&grade={grade}&sort=total")
    shown = [row["result"] for row in r.context["rows"]]
    assert shown and all(s.grade == grade for s in shown)
    assert [s.total for s in shown] == sorted(s.total for s in shown)


def test_adjustment_form_without_reason_shows_error_and_changes_nothing(scored, secretary, client_for):
    a, d = scored["own"], scored["deputies"][1]
    c = client_for(secretary)
    before = ScoreResult.objects.get(assessment=a, deputy=d).total
    r = c.post(_urls(a, d)["card"], {"item_key": a.items[0]["key"], "points": "4", "reason": ""})
    assert r.status_code == 200
    assert "请填写调整理由" in r.content.decode()
    assert ScoreResult.objects.get(assessment=a, deputy=d).total == before
    r = c.post(
        _urls(a, d)["card"], {"item_key": a.items[0]["key"], "points": "4", "reason": "会后补交签到表"}
    )
    assert r.status_code == 302
    assert ScoreResult.objects.get(assessment=a, deputy=d).total == before + 4
    page = c.get(_urls(a, d)["card"]).content.decode()
    assert "会后补交签到表" in page


def test_scheme_editor_refuses_bad_thresholds_with_message_beside_field(scored, chair, client_for):
    url = _urls(scored["own"], scored["deputies"][0])["scheme"]
    c = client_for(chair)
    r = c.post(
        url,
        {
            "form": "scheme",
            "scheme-partial_year": "prorate",
            "scheme-excellent_min": "40",
            "scheme-competent_min": "60",
            "scheme-basic_min": "20",
        },
    )
    assert r.status_code == 200
    assert "分数线须依优秀、称职、基本称职逐级降低" in r.content.decode()
    assert ScoringScheme.objects.get(township=scored["own"].township, year=YEAR).excellent_min == Decimal(
        "30"
    )


def test_scheme_editor_refuses_cap_below_floor(scored, chair, client_for):
    scheme = schemes_ensure(townships=[scored["own"].township], year=YEAR)[scored["own"].township.pk]
    count = scheme.items.count()
    url = _urls(scored["own"], scored["deputies"][0])["scheme"]
    r = client_for(chair).post(
        url,
        {
            "form": "item",
            "item-order": "200",
            "item-category": "活动",
            "item-name": "联络站活动",
            "item-source": "inspections",
            "item-rule": "per_occurrence",
            "item-points": "2",
            "item-step": "0",
            "item-count": "1",
            "item-floor": "5",
            "item-cap": "2",
        },
    )
    assert r.status_code == 200
    assert "上限不能低于下限" in r.content.decode()
    assert scheme.items.count() == count


def test_scheme_editor_is_read_only_for_the_secretary(scored, secretary, client_for):
    url = _urls(scored["own"], scored["deputies"][0])["scheme"]
    r = client_for(secretary).post(url, {"form": "reset"})
    assert r.status_code == 403


def test_scheme_editor_refuses_an_unknown_preset_with_a_message(scored, chair, client_for):
    url = _urls(scored["own"], scored["deputies"][0])["scheme"]
    scheme = ScoringScheme.objects.get(township_id=scored["own"].township_id, year=YEAR)
    count = scheme.items.count()
    r = client_for(chair).post(url, {"form": "preset", "preset": "no-such-scheme"})
    assert r.status_code == 200
    assert "请选择系统提供的考核方案之一" in r.content.decode()
    assert scheme.items.count() == count


def test_scheme_preview_shows_an_unsaved_item(scored, chair, client_for):
    url = reverse("assessments:scheme_preview", args=[scored["own"].township_id, YEAR])
    d = scored["deputies"][0]
    r = client_for(chair).post(
        url,
        {
            "deputy": d.pk,
            "editing": "",
            "item-order": "200",
            "item-scope": "deputy",
            "item-category": "会议",
            "item-name": "出席人代会加分",
            "item-source": "session_attended",
            "item-rule": "per_occurrence",
            "item-points": "7",
            "item-step": "0",
            "item-count": "1",
            "item-floor": "",
            "item-cap": "",
        },
    )
    assert r.status_code == 200
    lines = {line["item"]["name"]: line["line"]["points"] for line in r.context["lines"]}
    assert lines["出席人代会加分"] == "7.0"
    assert lines["出席人代会"] == "10.0"


def test_scoresheet_read_back_equals_the_page(
    scored, secretary, client_for, django_capture_on_commit_callbacks
):
    a = scored["own"]
    c = client_for(secretary)
    page = c.get(_urls(a, scored["deputies"][0])["township"])
    rows = page.context["rows"]

    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("assessments:export", args=[a.pk]))
    assert r.status_code == 302
    job = DocumentJob.objects.get(kind="assessment_scoresheet")
    assert job.status == "done", job.error
    wb = load_workbook(io.BytesIO(job.file.read()))
    ws = wb.active
    assert "红旗镇" in ws["A1"].value and str(YEAR) in ws["A1"].value
    assert ws.freeze_panes == "D5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert "A3:A4" in merged  # the fixed columns span the two header rows
    items = a.items
    assert [ws.cell(row=4, column=4 + i).value for i in range(len(items))] == [i["name"] for i in items]
    n_items = len(items)
    for i, row in enumerate(rows):
        res = row["result"]
        xl = [ws.cell(row=5 + i, column=c).value for c in range(1, 4 + n_items + 5)]
        assert xl[1] == res.deputy.name
        assert xl[3 : 3 + n_items] == [float(v) for v in row["cells"]]
        assert Decimal(str(xl[3 + n_items + 1])) == res.total
        assert xl[3 + n_items + 2] == res.rank
        assert xl[3 + n_items + 3] == res.get_grade_display()


def test_county_workbook_has_summary_and_one_sheet_per_township(scored, chair):
    from assessments.jobs import scoresheet_county_build

    assessment_publish(assessment=scored["own"], by=chair)
    assessment_publish(assessment=scored["other"], by=_other_chair(scored["other"]))
    _name, content = scoresheet_county_build(year=YEAR)
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["汇总", "红旗镇", "青山乡", "代表小组"]
    summary = wb["汇总"]
    assert summary.cell(row=4, column=1).value == "红旗镇" and summary.cell(row=4, column=3).value == 4
    assert summary.cell(row=6, column=1).value == "全县合计" and summary.cell(row=6, column=3).value == 5
    own_avg = float(Assessment.objects.get(pk=scored["own"].pk).average)
    assert summary.cell(row=4, column=4).value == pytest.approx(own_avg, abs=0.05)


def _other_chair(assessment):
    from tests.factories import UserFactory

    return UserFactory(username="chair-other", township=assessment.township, role="township_chair")


def test_commands_compute_and_export(scored, tmp_path):
    from django.core.management import call_command

    out = io.StringIO()
    call_command("compute_scores", "--township", "hongqi", "--year", str(YEAR), stdout=out)
    assert "hongqi" in out.getvalue() and "1 township(s) computed, 4 deputies" in out.getvalue()
    target = tmp_path / "sheet.xlsx"
    call_command(
        "export_scoresheet", "--township", "hongqi", "--year", str(YEAR), "--out", str(target), stdout=out
    )
    ws = load_workbook(target).active
    assert (
        ws.cell(row=5, column=2).value
        == ScoreResult.objects.get(assessment=scored["own"], rank=1).deputy.name
    )


def test_county_admin_may_edit_a_townships_scheme(scored, admin_user, client_for):
    url = _urls(scored["own"], scored["deputies"][0])["scheme"]
    r = client_for(admin_user).post(
        url,
        {
            "form": "scheme",
            "scheme-partial_year": "full",
            "scheme-excellent_min": "80",
            "scheme-competent_min": "50",
            "scheme-basic_min": "30",
            "scheme-excellent_max_percent": "15",
        },
    )
    assert r.status_code == 302
    scheme = ScoringScheme.objects.get(township=scored["own"].township, year=YEAR)
    assert scheme.excellent_min == Decimal("80") and scheme.partial_year == "full"


def test_score_card_section_in_the_deputy_archive(scored, secretary):
    from renda.core.archive import deputy_archive

    d = scored["deputies"][0]
    sections = {s.key: s for s in deputy_archive(deputy=d, year=YEAR, user=secretary).sections}
    result = ScoreResult.objects.get(deputy=d)
    assert f"总分{result.total}分" in sections["assessments"].summary
    assert len(sections["assessments"].rows) == len(scored["own"].items)
