"""A corpus of rosters laid out the way county offices and other congress systems keep them, each
built here and each with its expected outcome: accepted with the exact values stored, or refused
with the exact row and column message. Formats other than .xlsx (.xls, the app's own export after a
LibreOffice re-save) are made with LibreOffice, once per module."""

import csv
import datetime as dt
import io
import shutil
import subprocess
import uuid
import zipfile

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from deputies.importing import ERROR, NEW, UNCHANGED, roster_import, roster_import_read
from deputies.models import Deputy, DeputyGroup, GroupMembership, Mandate
from tests.deputies.factories import id_number, make_group

pytestmark = pytest.mark.django_db

ELECTED = dt.date(2021, 12, 28)
H = [
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "政治面貌",
    "文化程度",
    "工作单位及职务",
    "选区",
    "代表层级",
    "身份证号",
]
ZHANG = id_number(dt.date(1968, 5, 12))
LI = id_number(dt.date(1975, 3, 8), female=True, seq=2)
WANG = id_number(dt.date(1980, 7, 1), seq=3)


def person(name="张明华", gender="男", birth="1968.05", aff="中共党员", edu="大学本科", unit="红星村党总支书记",
           area="第3选区", levels="乡镇", idn=ZHANG):  # fmt: skip
    return [name, gender, "汉族", birth, aff, edu, unit, area, levels, idn]


def book(sheets, merges=None):
    """sheets: {name: rows}; merges: {name: ["A3:A5", …]}. The first sheet comes first."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read(township, content, **kw):
    kw.setdefault("elected_on", ELECTED)
    return roster_import_read(township=township, content=content, **kw)


def imported(township, content, secretary, **kw):
    kw.setdefault("elected_on", ELECTED)
    result = roster_import(township=township, content=content, by=secretary, **kw)
    assert result.ok, (result.file_error, [(r.row, r.errors) for r in result.error_rows])
    return result


def stored(name):
    d = Deputy.objects.get(name=name)
    levels = sorted(d.mandates.values_list("level", flat=True))
    return d, levels


# --- layouts --------------------------------------------------------------------------------------


def test_title_note_rows_above_and_a_note_row_under_the_header(township, term, secretary):
    content = book(
        {
            "Sheet1": [
                ["红旗镇第十八届人民代表大会代表名册"],
                ["（截至2026年11月30日）"],
                H,
                ["注：出生年月按身份证填写，代表层级写县或乡镇"],
                person(),
            ]
        },
        merges={"Sheet1": ["A1:J1", "A2:J2", "A4:J4"]},
    )
    result = imported(township, content, secretary)
    assert result.header_rows == (3, 3) and result.sheet == "Sheet1"
    assert [(n, text[:8]) for n, _why, text in result.skipped] == [(4, "注：出生年月按身")]
    d, levels = stored("张明华")
    assert (d.work_unit, d.constituency, levels) == ("红星村党总支书记", "第3选区", ["township"])


def test_merged_constituency_cells_are_filled_down(township, term, secretary):
    rows = [H, person(), person(name="李红", gender="女", birth="1975.03", idn=LI, area=None),
            person(name="王刚", birth="1980.07", idn=WANG, area=None)]  # fmt: skip
    imported(township, book({"名册": rows}, merges={"名册": ["H2:H4"]}), secretary)
    assert set(Deputy.objects.values_list("constituency", flat=True)) == {"第3选区"}


def test_merged_level_cell_gives_every_row_its_level(township, term, secretary):
    rows = [
        H,
        person(levels="县、乡镇"),
        person(name="李红", gender="女", birth="1975.03", idn=LI, levels=None),
    ]
    imported(township, book({"名册": rows}, merges={"名册": ["I2:I3"]}), secretary)
    assert stored("李红")[1] == ["county", "township"]


def test_current_work_unit_column_and_level_spellings(township, term, secretary):
    headers = H.copy()
    headers[6], headers[8] = "现工作单位及职务", "代表层次"
    rows = [
        headers,
        person(levels="县乡"),
        person(name="李红", gender="女", birth="1975.03", idn=LI, levels="县乡两级"),
    ]
    result = imported(township, book({"名册": rows}), secretary)
    assert stored("张明华")[0].work_unit == "红星村党总支书记"
    assert stored("张明华")[1] == stored("李红")[1] == ["county", "township"]
    assert result.readings["代表层次"] == {"县乡": "县、乡镇", "县乡两级": "县、乡镇"}
    assert not result.unused


def test_level_column_titled_dai_biao_jie_ceng(township, term, secretary):
    headers = H.copy()
    headers[8] = "代表阶层"
    imported(township, book({"名册": [headers, person(levels="县级")]}), secretary)
    assert stored("张明华")[1] == ["county"]


def test_two_row_header_with_level_tick_columns(township, term, secretary):
    top = [
        "姓名",
        "性别",
        "民族",
        "出生年月",
        "政治面貌",
        "文化程度",
        "工作单位及职务",
        "选区",
        "代表层级",
        None,
        "身份证号",
    ]
    sub = [None, None, None, None, None, None, None, None, "县级", "乡镇级", None]
    first = person()[:8] + ["√", "√", ZHANG]
    second = person(name="李红", gender="女", birth="1975.03", idn=LI)[:8] + [None, "√", LI]
    merges = [f"{c}1:{c}2" for c in "ABCDEFGHK"] + ["I1:J1"]
    result = imported(township, book({"名册": [top, sub, first, second]}, merges={"名册": merges}), secretary)
    assert result.header_rows == (1, 2)
    assert stored("张明华")[1] == ["county", "township"] and stored("李红")[1] == ["township"]


def test_total_footer_spacer_and_repeated_header_rows_are_skipped_and_listed(township, term, secretary):
    rows = [
        ["序号"] + H,
        [1] + person(),
        [None] * 11,
        ["序号"] + H,  # the header printed again on page 2
        [2] + person(name="李红", gender="女", birth="1975.03", idn=LI),
        ["合计", "2人"],
        [None],
        ["填表人：吴丽", None, None, None, "审核人：赵强", None, None, "填表日期：2026年11月30日"],
        ["填表说明：本表由镇人大办填写"],
    ]
    result = imported(township, book({"名册": rows}), secretary)
    assert result.counts[NEW] == 2 and Deputy.objects.count() == 2
    assert [(n, why) for n, why, _t in result.skipped] == [
        (4, "重复的表头"),
        (6, "合计行"),
        (8, "落款或说明"),
        (9, "落款或说明"),
    ]
    assert result.unused == [("A", "序号", 2)]


def test_instruction_sheet_first_the_roster_sheet_is_found_and_named(township, term, secretary):
    content = book(
        {
            "Sheet1": [["填写要求"], ["1. 一人一行"], ["2. 出生年月写成1968.05"]],
            "填表说明": [H, ["每列的写法见上"]],
            "代表名册": [["红旗镇人大代表名册"], H, person()],
        }
    )
    result = imported(township, content, secretary)
    assert result.sheet == "代表名册" and result.sheets == ["Sheet1", "填表说明", "代表名册"]


def test_no_header_anywhere_names_the_sheets_read(township, term):
    result = read(township, book({"说明": [["请填写"]], "Sheet2": [["a", "b"], [1, 2]]}))
    assert result.file_error.startswith("在「Sheet2」的前 20 行中未找到表头行")


def test_unrecognised_columns_are_listed_not_dropped(township, term, secretary):
    rows = [H + ["籍贯", "备注", None], person() + ["安徽无为", "连任", "多出一列"]]
    result = imported(township, book({"名册": rows}), secretary)
    assert result.unused == [("K", "籍贯", 1), ("L", "备注", 1), ("M", "", 1)]


# --- values ---------------------------------------------------------------------------------------


def test_affiliations_keep_the_specific_democratic_party(township, term, secretary):
    rows = [
        H,
        person(name="甲一", aff="中国民主同盟", idn=""),
        person(name="甲二", aff="民盟盟员", idn="", birth="1968.06"),
        person(name="甲三", aff="九三学社社员", idn="", birth="1968.07"),
        person(name="甲四", aff="中国共产党", idn="", birth="1968.08"),
        person(name="甲五", aff="共青团员", idn="", birth="1998.08"),
        person(name="甲六", aff="团员", idn="", birth="1999.08"),
        person(name="甲七", aff="无党派人士", idn="", birth="1968.09"),
    ]
    result = imported(township, book({"名册": rows}), secretary)
    got = dict(Deputy.objects.values_list("name", "affiliation"))
    party = dict(Deputy.objects.values_list("name", "democratic_party"))
    assert got == {"甲一": "dem", "甲二": "dem", "甲三": "dem", "甲四": "cpc", "甲五": "league", "甲六": "league",
                   "甲七": "nonparty"}  # fmt: skip
    assert (party["甲一"], party["甲二"], party["甲三"], party["甲四"]) == (
        "minmeng",
        "minmeng",
        "jiusan",
        "",
    )
    assert result.readings["政治面貌"]["中国民主同盟"] == "民主党派（民盟）"
    assert result.readings["政治面貌"]["团员"] == "共青团员"


def test_education_spellings(township, term, secretary):
    spellings = {"中央党校大学": "bachelor", "在职研究生": "postgrad", "本科（在职）": "bachelor", "技校": "secondary",
                 "高职": "college", "中师": "secondary", "大专": "college", "初中": "junior"}  # fmt: skip
    rows = [H] + [
        person(name=f"乙{i}", edu=word, idn="", birth=f"1970.{i + 1:02d}") for i, word in enumerate(spellings)
    ]
    result = imported(township, book({"名册": rows}), secretary)
    got = dict(Deputy.objects.values_list("name", "education"))
    assert [got[f"乙{i}"] for i in range(len(spellings))] == list(spellings.values())
    assert result.readings["文化程度"]["中央党校大学"] == "大学本科"


def test_date_forms_and_apostrophe_id_numbers(township, term, secretary):
    rows = [
        H,
        person(name="丙一", birth="61.01", idn=""),
        person(name="丙二", birth="1976,02", idn=""),
        person(name="丙三", birth="1968.05\n（58岁）", idn=""),
        person(name="丙四", birth="1976/2/5", idn=""),
        person(name="丙五", birth=61.1, idn=""),  # a number cell: Excel dropped the 0 of 61.10
        person(name="丙六", birth="1975年3月", gender="女", idn="'" + LI),
    ]
    result = imported(township, book({"名册": rows}), secretary)
    got = dict(Deputy.objects.values_list("name", "birth_date"))
    assert got == {"丙一": dt.date(1961, 1, 1), "丙二": dt.date(1976, 2, 1), "丙三": dt.date(1968, 5, 1),
                   "丙四": dt.date(1976, 2, 5), "丙五": dt.date(1961, 10, 1), "丙六": dt.date(1975, 3, 8)}  # fmt: skip
    assert Deputy.objects.get(name="丙六").id_number == LI
    assert result.readings["出生年月"]["61.01"] == "1961年1月"


def test_election_date_column_starts_the_mandates(township, term, secretary):
    rows = [H + ["当选日期"], person(levels="县、乡镇") + ["2022.01.05"]]
    imported(township, book({"名册": rows}), secretary, elected_on=None)
    assert set(Mandate.objects.values_list("start_date", flat=True)) == {dt.date(2022, 1, 5)}


def test_without_an_election_date_the_preview_asks_for_one(township, term, secretary):
    content = book({"名册": [H, person()]})
    result = roster_import_read(township=township, content=content)
    assert result.needs_elected_on and not result.ok and not result.error_rows
    result = imported(township, content, secretary, elected_on=dt.date(2022, 3, 1))
    assert Mandate.objects.get().start_date == dt.date(2022, 3, 1)


def test_missing_group_is_offered_for_creation(township, term, secretary, tmp_path, capsys):
    make_group(township, term, 1)
    rows = [
        H + ["代表小组"],
        person() + ["第2代表小组"],
        person(name="李红", gender="女", birth="1975.03", idn=LI) + ["第1代表小组"],
    ]
    content = book({"名册": rows})
    result = read(township, content)
    assert not result.ok and not result.error_rows and result.missing_groups == {"第2代表小组": [2]}
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    with pytest.raises(SystemExit):
        call_command(
            "import_roster",
            str(path),
            "--township",
            township.code,
            "--by",
            "sec",
            "--elected-on",
            "2021-12-28",
        )
    assert "--create-groups" in capsys.readouterr().err and Deputy.objects.count() == 0
    call_command(
        "import_roster",
        str(path),
        "--township",
        township.code,
        "--by",
        "sec",
        "--elected-on",
        "2021-12-28",
        "--create-groups",
    )
    group = DeputyGroup.objects.get(term=term, number=2)
    assert group.name == "第2代表小组" and GroupMembership.objects.get(group=group).deputy.name == "张明华"


# --- refusals with the row, the column, the cell and the fix --------------------------------------


def test_bad_cells_are_refused_with_row_column_and_fix(township, term):
    headers = H.copy()
    headers[6] = "现工作单位及职务"
    rows = [["红旗镇代表名册"], headers, person(),
            person(name="李红", gender="女", birth="1975.03", idn=LI, aff="某某党", edu="识字班", levels="村")]  # fmt: skip
    result = read(township, book({"名册": rows}))
    (bad,) = result.error_rows
    assert bad.row == 4
    assert bad.error_cells == [
        (
            "E",
            "政治面貌",
            "“某某党”不是可识别的政治面貌（请填写如 中共党员、共青团员、民盟盟员、无党派人士、群众）。",
        ),
        ("F", "文化程度", "“识字班”不是可识别的文化程度（请填写如 大学本科、大学专科、中专、高中、初中）。"),
        (
            "I",
            "代表层级",
            "“村”不是有效的代表层级（全国、省、市、县、乡镇；兼任几级写成“县、乡镇”或“县乡”）。",
        ),
    ]


def test_a_term_column_naming_another_term_is_refused(township, term):
    result = read(township, book({"名册": [H + ["届次"], person() + ["第十七届"]]}))
    assert result.rows[0].error_cells == [
        ("K", "届次", "表中写的是第17届，本届是第18届：只导入本届代表；请删除该行或改正届次。")
    ]


def _declare_huge(content):
    """The same workbook, its sheet declaring 1,048,576 × 16,384 cells (as the 1.7 KB bomb did)."""
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b'<dimension ref="A1:J2"/>', b'<dimension ref="A1:XFD1048576"/>')
                data = data.replace(b'<row r="2"', b'<row r="1048576"')
            dst.writestr(info, data)
    return out.getvalue()


def test_workbook_declaring_a_huge_sheet_is_refused_before_reading(township, term):
    content = _declare_huge(book({"名册": [H, person()]}))
    assert len(content) < 8000
    result = read(township, content)
    assert result.file_error.startswith(
        "工作表“名册”声明有 1,048,576 行 × 16,384 列，而一份名册最多 5,000 名代表。"
    )


def test_opendocument_is_refused_with_how_to_fix(township, term):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<x/>")
    result = read(township, out.getvalue())
    assert (
        result.file_error
        == "这是 OpenDocument 表格（.ods）。请用 Excel 或 WPS 打开，另存为“Excel 工作簿（.xlsx）”后再上传。"
    )


# --- formats --------------------------------------------------------------------------------------


def _csv(rows, encoding):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gbk"])
def test_csv_in_utf8_or_gbk(township, term, secretary, encoding):
    rows = [
        H,
        person(idn="'" + ZHANG),
        person(name="李红", gender="女", birth="1975,03", idn=LI, aff="民建会员"),
    ]
    result = imported(township, _csv(rows, encoding), secretary)
    assert result.format == "csv"
    li = Deputy.objects.get(name="李红")
    assert (li.affiliation, li.democratic_party, li.birth_date) == ("dem", "minjian", dt.date(1975, 3, 8))
    assert Deputy.objects.get(name="张明华").id_number == ZHANG


def test_html_table_saved_as_xls_is_read(township, term, secretary):
    cells = "".join(f"<th>{h}</th>" for h in H)
    first = (
        "".join(f"<td>{v}</td>" for v in person()[:7])
        + '<td rowspan="2">第3选区</td>'
        + "".join(f"<td>{v}</td>" for v in person()[8:])
    )
    second_values = person(name="李红", gender="女", birth="1975.03", idn=LI)
    second = "".join(f"<td>{v}</td>" for v in second_values[:7] + second_values[8:])
    page = (
        '<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta charset="gbk"></head><body>'
        f"<table><tr><td colspan='10'>红旗镇代表名册</td></tr><tr>{cells}</tr><tr>{first}</tr><tr>{second}</tr>"
        "</table></body></html>"
    )
    result = imported(township, page.encode("gbk"), secretary)
    assert result.format == "html" and result.header_rows == (2, 2)
    assert Deputy.objects.get(name="李红").constituency == "第3选区"


def test_spreadsheetml_is_read(township, term, secretary):
    def cell(v, extra=""):
        return f'<Cell{extra}><Data ss:Type="String">{v}</Data></Cell>'

    head = "".join(cell(h) for h in H)
    one = (
        "".join(cell(v) for v in person()[:7])
        + cell("第3选区", ' ss:MergeDown="1"')
        + cell("乡镇")
        + cell(ZHANG)
    )
    li = person(name="李红", gender="女", birth="1975.03", idn=LI)
    two = "".join(cell(v) for v in li[:7]) + cell("乡镇", ' ss:Index="9"') + cell(LI)
    xml = (
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="名册"><Table>'
        f"<Row>{head}</Row><Row>{one}</Row><Row>{two}</Row></Table></Worksheet></Workbook>"
    )
    result = imported(township, xml.encode(), secretary)
    assert result.format == "spreadsheetml" and result.sheet == "名册"
    assert Deputy.objects.get(name="李红").constituency == "第3选区"


# --- with LibreOffice: .xls (Excel 97-2003) and the app's own export re-saved ---------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def _soffice(tmp_path, files: dict, fmt: str) -> dict:
    """Convert {name: bytes} with one LibreOffice run; returns {name: converted bytes}."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    for name, content in files.items():
        (src / name).write_bytes(content)
    out = tmp_path / f"out-{fmt.split(':')[0]}"
    profile = tmp_path / f"lo-{uuid.uuid4().hex}"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(out), *[str(src / n) for n in files]],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    ext = fmt.split(":")[0]
    return {name: (out / (name.rsplit(".", 1)[0] + "." + ext)).read_bytes() for name in files}


@needs_soffice
def test_xls_with_merged_cells_and_a_title_is_read(township, term, secretary, tmp_path):
    rows = [["红旗镇代表名册"], H, person(levels="县乡"),
            person(name="李红", gender="女", birth="1975.03", idn=LI, area=None, aff="民盟盟员")]  # fmt: skip
    content = _soffice(tmp_path, {"roster.xlsx": book({"名册": rows}, {"名册": ["A1:J1", "H3:H4"]})}, "xls")[
        "roster.xlsx"
    ]
    assert content.startswith(b"\xd0\xcf\x11\xe0")
    result = imported(township, content, secretary)
    assert result.format == "xls" and result.sheet == "名册" and result.header_rows == (2, 2)
    li, levels = stored("李红")
    assert (li.constituency, li.democratic_party, levels) == ("第3选区", "minmeng", ["township"])
    assert stored("张明华")[1] == ["county", "township"]


@needs_soffice
def test_own_export_after_a_libreoffice_resave_imports_unchanged(
    township, term, secretary, client_for, tmp_path
):
    group = make_group(township, term, 1)
    rows = [H + ["代表小组"], person(levels="县、乡镇") + [group.name],
            person(name="李红", gender="女", birth="1975.03", idn=LI, aff="九三学社社员") + [group.name]]  # fmt: skip
    imported(township, book({"名册": rows}), secretary)
    exported = client_for(secretary).get("/deputies/export.xlsx").content
    resaved = _soffice(tmp_path, {"export.xlsx": exported}, "xlsx:Calc MS Excel 2007 XML")["export.xlsx"]
    result = read(township, resaved)
    assert [r.status for r in result.rows] == [UNCHANGED, UNCHANGED], [r.errors for r in result.rows]
    assert Deputy.objects.get(name="李红").democratic_party == "jiusan"


@needs_soffice
def test_template_drop_downs_survive_a_libreoffice_resave(township, term, secretary, client_for, tmp_path):
    from openpyxl import load_workbook

    template = client_for(secretary).get("/deputies/template.xlsx").content
    resaved = _soffice(tmp_path, {"template.xlsx": template}, "xlsx:Calc MS Excel 2007 XML")["template.xlsx"]
    wb = load_workbook(io.BytesIO(resaved))
    ws = wb["代表名册"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C2"] == "list_ethnicity" and lists["E2"] == "list_affiliation"
    assert wb.defined_names["list_ethnicity"].attr_text.endswith("$B$2:$B$57")


def test_error_statuses_are_all_or_nothing(township, term, secretary):
    rows = [H, person(), person(name="李红", gender="女", birth="1975.03", idn=LI, levels="火星")]
    result = roster_import(township=township, content=book({"名册": rows}), by=secretary, elected_on=ELECTED)
    assert [r.status for r in result.rows] == [NEW, ERROR] and Deputy.objects.count() == 0
