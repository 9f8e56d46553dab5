import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from deputies.importing import UNCHANGED, roster_import, roster_import_read
from deputies.models import Deputy
from renda.core.models import AuditEvent
from tests.deputies.factories import HEADERS, id_number, make_group, row, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(township, term, secretary):
    group = make_group(township, term, 1)
    rows = [
        row(group=group.name, levels="县、乡镇"),
        row(
            name="李红",
            gender="女",
            birth="1975.03",
            id_no=id_number(dt.date(1975, 3, 8), female=True),
            ethnicity="回族",
            education="高中",
            affiliation="群众",
            phone="13900002222",
            constituency="第1选区（龙泉村）",
            unit="龙泉村村委会（兼）妇女主任",
        ),
        row(name="王强", birth="1980.10", id_no="", phone="", unit="", constituency=""),
    ]
    result = roster_import(township=township, content=xlsx(rows), by=secretary)
    assert result.ok
    return group


def _export(client, query=""):
    response = client.get("/deputies/export.xlsx" + query)
    assert response.status_code == 200
    return response, load_workbook(io.BytesIO(response.content))


def test_export_reads_back_formatted(roster, secretary, client_for):
    response, wb = _export(client_for(secretary))
    ws = wb.active
    assert "红旗镇" in ws["A1"].value
    assert [c.value for c in ws[2]] == ["序号"] + HEADERS[:12]  # the template adds 当选日期
    assert ws.freeze_panes == "C3"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.column_dimensions["H"].width > 20
    names = [ws.cell(row=r, column=2).value for r in range(3, 6)]
    assert names == ["王强", "李红", "张明华"]  # 王 4 strokes; 李 and 张 7, then by pinyin
    zhang = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[1] == "张明华")
    assert zhang[9] == "县、乡镇" and zhang[10] == "第1代表小组"
    # data cells: bordered, ID and phone kept as text, birth shown as year.month, long text wrapped
    id_cell, birth_cell, unit_cell = (
        ws.cell(row=5, column=13),
        ws.cell(row=5, column=5),
        ws.cell(row=5, column=8),
    )
    assert id_cell.number_format == "@" and id_cell.border.left.style == "thin"
    assert birth_cell.number_format == "yyyy.mm"
    assert unit_cell.alignment.wrap_text and not id_cell.alignment.wrap_text
    assert zhang[11] == "13855551234" and len(zhang[12]) == 18  # own township staff: unmasked
    event = AuditEvent.objects.get(action="deputies_roster_export")
    assert (event.user, event.row_count) == (secretary, 3)


def test_export_masks_for_reviewer(roster, reviewer, client_for):
    # the county-wide roster has a 乡镇 column after the serial number
    _response, wb = _export(client_for(reviewer))
    assert [c.value for c in wb.active[2]][:3] == ["序号", "乡镇", "姓名"]
    zhang = next(r for r in wb.active.iter_rows(min_row=3, values_only=True) if r[2] == "张明华")
    assert zhang[1] == "红旗镇"
    assert zhang[12] == "138****1234"
    assert zhang[13] == "*" * 18  # no digit of the ID number
    assert isinstance(zhang[5], str) and len(zhang[5]) == 7  # birth as year-month text, no day


def test_export_applies_filters(roster, secretary, client_for):
    _response, wb = _export(client_for(secretary), "?gender=F")
    names = [r[1] for r in wb.active.iter_rows(min_row=3, values_only=True) if r[1]]
    assert names[:1] == ["李红"] and "张明华" not in names


def test_round_trip_export_then_import_is_unchanged(roster, township, secretary, client_for):
    response, _wb = _export(client_for(secretary))
    before = Deputy.objects.count()
    result = roster_import_read(township=township, content=response.content)
    assert result.ok
    assert [r.status for r in result.rows] == [UNCHANGED] * before


def test_round_trip_of_masked_export_is_unchanged_too(roster, township, reviewer, client_for):
    response, _wb = _export(client_for(reviewer))
    result = roster_import_read(township=township, content=response.content)
    assert result.ok, [r.errors for r in result.rows]
    assert {r.status for r in result.rows} == {UNCHANGED}


def test_template_has_headers_notes_example_and_validation_lists(township, term, secretary, client_for):
    make_group(township, term, 1)
    response = client_for(secretary).get("/deputies/template.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["代表名册", "填表说明", "填写示例", "选项"]
    ws = wb["代表名册"]
    assert [c.value for c in ws[1]] == HEADERS and ws["M1"].value == "当选日期"
    assert ws.max_row == 1 or not any(c.value for c in ws[2])  # no sample row in the roster sheet
    validations = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations["B2"] == "list_gender" and validations["C2"] == "list_ethnicity"
    assert validations["J2"] == "list_group"
    assert wb.defined_names["list_ethnicity"].attr_text == "'选项'!$B$2:$B$57"
    assert wb["选项"]["B2"].value == "汉族" and wb["选项"].sheet_state == "hidden"
    assert wb["选项"]["F2"].value == "第1代表小组"
    assert "民盟盟员" in [c.value for c in wb["选项"]["C"]]
    assert wb["填写示例"]["M2"].value == "2021.12.28"  # the term's start
    # the template as downloaded has nobody in it: the example sheet is never imported
    result = roster_import_read(township=township, content=response.content)
    assert "no deputies" in result.file_error or "没有代表" in result.file_error
    # filled in on the roster sheet, it imports
    ws.append(list(wb["填写示例"].iter_rows(min_row=2, values_only=True))[0])
    out = io.BytesIO()
    wb.save(out)
    result = roster_import(township=township, content=out.getvalue(), by=secretary)
    assert result.ok and result.sheet == "代表名册" and Deputy.objects.count() == 1
    assert Deputy.objects.get().mandates.get(level="township").start_date == dt.date(2021, 12, 28)


def test_demo_roster_round_trips(db, client_for):
    """The demo township's roster: written into the template columns, imported into an empty
    township, exported, and imported again with every row unchanged."""
    import random

    from deputies import demo
    from renda.core.demo import DemoContext
    from tests.factories import TermFactory, TownshipFactory, UserFactory

    source = TownshipFactory(name="白马镇", code="baima")
    target = TownshipFactory(name="石桥镇", code="shiqiao")
    terms = {t.pk: TermFactory(township=t) for t in (source, target)}
    ctx = DemoContext(
        townships=[source],
        terms=terms,
        years=[2026],
        deputies_per_township=30,
        today=dt.date(2026, 6, 1),
        rng=random.Random(1),
        log=lambda m: None,
    )
    demo.seed(ctx)
    staff = UserFactory(username="bm", township=source, role="township_secretary")
    exported = client_for(staff).get("/deputies/export.xlsx?status=current").content
    from deputies.models import DeputyGroup

    for g in DeputyGroup.objects.filter(township=source):
        make_group(target, terms[target.pk], g.number, name=g.name)
    importer = UserFactory(username="sq", township=target, role="township_secretary")
    first = roster_import(township=target, content=exported, by=importer, elected_on=dt.date(2021, 12, 28))
    assert first.ok, [(r.row, r.errors) for r in first.error_rows]
    assert first.counts["new"] == len(first.rows) > 20
    again = client_for(importer).get("/deputies/export.xlsx").content
    second = roster_import_read(township=target, content=again)
    assert second.ok and {r.status for r in second.rows} == {UNCHANGED}
