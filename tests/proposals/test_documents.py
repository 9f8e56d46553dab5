"""The register (.xlsx) of motions and suggestions: its rows, its query count and its formatting."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from deputies.naming import name_keys
from proposals.documents import register_workbook
from proposals.jobs import register_export
from proposals.models import HandlingUnit, Proposal
from proposals.selectors import proposal_list, proposal_register_rows
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db


def _deputy(township, name):
    pinyin, initials, strokes = name_keys(name)
    return DeputyFactory(
        township=township, name=name, name_pinyin=pinyin, name_initials=initials, surname_strokes=strokes
    )


def _proposals(make_proposal, township, n):
    """n proposals, each with co-signers and an assisting unit, half of them overdue."""
    helpers = [_deputy(township, name) for name in ("周明", "王芳", "李强")]
    units = [
        HandlingUnit.objects.create(township=township, name=f"协办单位{i}", display_order=i) for i in (2, 1)
    ]
    made = []
    for i in range(n):
        p = make_proposal(
            "in_progress" if i % 2 else "closed",
            title=f"建议{i}",
            assigned_on=dt.date(2025, 3, 10),
            deadline=dt.date(2025, 6, 10),
        )
        p.co_signers.set(helpers)
        p.assisting_units.set(units)
        made.append(p)
    return made


@pytest.mark.parametrize("n", [2, 12])
def test_register_rows_take_three_queries_whatever_the_count(
    make_proposal, township, secretary, n, django_assert_num_queries
):
    # given proposals with co-signers and assisting units
    _proposals(make_proposal, township, n)
    qs = proposal_list(user=secretary, filters={"year": 2025})
    # when the register rows are read: proposals, co-signers, assisting units
    with django_assert_num_queries(3):
        rows = list(proposal_register_rows(qs=qs))
    # then every proposal is a row
    assert len(rows) == n


def test_register_rows_hold_the_display_values(make_proposal, township, secretary):
    # given a closed proposal and an overdue one, with co-signers and assisting units
    closed, overdue = _proposals(make_proposal, township, 2)
    qs = proposal_list(user=secretary, filters={"year": 2025})
    # when the register rows are read
    rows = {r[3]: r for r in proposal_register_rows(qs=qs)}
    # then labels are the translated choices, people and units in their official order
    row = rows[overdue.title]
    assert row[0] == township.name and row[1] == overdue.number
    assert row[2] == str(Proposal.Kind.SUGGESTION.label) and row[8] == str(Proposal.State.IN_PROGRESS.label)
    assert row[5] == overdue.lead_deputy.name
    assert row[6] == "王芳、李强、周明"  # surname strokes: 王 4, 李 7, 周 8
    assert row[10] == "协办单位1、协办单位2"  # display order
    assert row[9] == overdue.lead_unit.name and row[13] == dt.date(2025, 6, 10)
    assert row[18] is (timezone.localdate() > dt.date(2025, 6, 10)) and row[19] is False
    done = rows[closed.title]
    assert done[15] == str(Proposal.Outcome("A").label) and done[16] == str(
        Proposal.Rating("satisfied").label
    )
    assert done[18] is False and done[17] == 1


def test_register_by_the_presidium_names_it_as_the_proposer(make_proposal, township, secretary):
    p = make_proposal("submitted")
    Proposal.objects.filter(pk=p.pk).update(lead_deputy=None, by_presidium=True)
    (row,) = proposal_register_rows(qs=proposal_list(user=secretary, filters={}))
    assert row[5] == str(Proposal._meta.get_field("by_presidium").verbose_name)


def test_register_export_query_count_does_not_grow_with_rows(
    make_proposal, township, reviewer, django_assert_max_num_queries
):
    # given a dozen proposals, exported county-wide by the reviewer
    _proposals(make_proposal, township, 12)
    qs = proposal_list(user=reviewer, filters={"year": 2025})
    # when the register is built: count, then the three row queries
    with django_assert_max_num_queries(4):
        count, content = register_export(qs=qs, title="台账")
    assert count == 12 and len(list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows())) == 14


def test_register_workbook_formats_every_body_cell():
    # given a plain row and an overdue row with empty cells
    day = dt.date(2025, 6, 10)
    plain = [
        "红旗镇",
        "2025-1",
        "建议",
        "标题",
        "",
        "张三",
        "",
        day,
        "已办结",
        "",
        "",
        "",
        day,
        day,
        day,
        "A",
        "满意",
        1,
        False,
        True,
    ]
    late = [
        "红旗镇",
        "2025-2",
        "建议",
        "标题2",
        "",
        "李四",
        "",
        day,
        "办理中",
        "",
        "",
        "",
        day,
        day,
        None,
        "",
        "",
        1,
        True,
        False,
    ]
    # when the workbook is built
    ws = openpyxl.load_workbook(io.BytesIO(register_workbook(title="台账", rows=[plain, late]))).active
    # then every body cell is bordered and wrapped, dates are dates, the overdue deadline is red
    headers = [c.value for c in ws[2]]
    assert len(headers) == 23 and {"按期答复", "见面", "办结日期", "主办单位", "协办单位"} <= set(headers)

    def col(header):
        return headers.index(header) + 1

    for r in (3, 4):
        for c in range(1, 24):
            cell = ws.cell(r, c)
            assert cell.border.left.style == "thin" and cell.alignment.wrap_text, (r, c)
    submitted = ws.cell(3, col("提出日期"))
    assert submitted.number_format == "yyyy-mm-dd" and submitted.value.date() == day
    assert ws.cell(3, col("超期")).value is None and ws.cell(3, col("重点建议")).value == "是"
    deadline, overdue = ws.cell(4, col("办理期限")), ws.cell(4, col("超期"))
    assert deadline.font.color.rgb == overdue.font.color.rgb == "00C00000"
    assert overdue.value == "是" and ws.cell(4, col("答复日期")).value is None
    assert not ws.cell(3, col("办理期限")).font.bold and not ws.cell(4, col("交办日期")).font.bold
    assert ws.freeze_panes == "C3" and ws.cell(1, 1).font.bold
    # print setup survives the write-only sheet: A3 landscape, one page wide, header repeated
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.paperSize == 8 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$2:$2" and ws.oddFooter.center.text == "第 &P 页 共 &N 页"
