"""The .xlsx reader of the roster import (deputies.sheets) reads each cell itself for the plain
kinds and leaves the rest to openpyxl: its rows are exactly openpyxl's read-only
`iter_rows(values_only=True)`, value and type, whatever the cells hold."""

import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from deputies import sheets


def _openpyxl_rows(content):
    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    out = {}
    for ws in wb.worksheets:
        width = min(ws.max_column or sheets.MAX_COLUMNS, sheets.MAX_COLUMNS)
        out[ws.title] = [list(v) for v in ws.iter_rows(max_col=width, values_only=True)]
    wb.close()
    return out


def _our_rows(content):
    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    out = {}
    for ws in wb.worksheets:
        width = min(ws.max_column or sheets.MAX_COLUMNS, sheets.MAX_COLUMNS)
        out[ws.title] = list(sheets._sheet_values(wb, ws, width))
    wb.close()
    return out


def _typed(rows):
    return {name: [[(type(v), v) for v in r] for r in grid] for name, grid in rows.items()}


def _every_kind_of_cell():
    wb = Workbook()
    ws = wb.active
    ws.title = "名册"
    ws.append(["姓名", "性别", "出生年月", "人数", "比例", "在任", "公式", "空"])
    ws.append(["张明华", "男", dt.datetime(1968, 5, 12), 3, 0.25, True, "=1+2", ""])
    ws.append([" 李 红 ", "女\n", dt.date(1975, 3, 1), -7, 1e20, False, "=A2", None])
    ws.append(["a&b<c>", "", dt.datetime(2021, 12, 28, 9, 30), 12345678901234567890, "0012", None])
    ws["H5"] = "#N/A"
    ws["H5"].data_type = "e"
    ws["C6"] = dt.time(8, 30)
    ws["D6"] = dt.timedelta(hours=36)
    ws["A8"] = CellRichText(["王", TextBlock(InlineFont(b=True), "小"), "明"])
    ws["B8"] = CellRichText([TextBlock(InlineFont(i=True), "女")])
    ws["J9"] = "far right"
    ws.append([])
    ws2 = wb.create_sheet("空表")
    ws2["C3"] = 5
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rewritten(content, sheet=None, parts=None):
    """`content` with sheet1.xml passed through `sheet` and parts added or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and sheet:
                data = sheet(data)
            data = (parts or {}).pop(item.filename, lambda d: d)(data)
            zout.writestr(item, data)
        for name, make in (parts or {}).items():
            zout.writestr(name, make(b""))
    return out.getvalue()


def _with_shared_strings(content):
    """Every plain inline string turned into a shared string (as Excel and WPS save), one of them
    with a phonetic run."""
    texts = []

    def shared(m):
        texts.append(m.group(1))
        return b't="s"><v>' + str(len(texts) - 1).encode() + b"</v>"

    def sheet(data):
        return re.sub(rb't="inlineStr"><is><t>([^<]*)</t></is>', shared, data)

    ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = (
        b'<Relationship Id="rIdShared" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    kind = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    sheet_xml = sheet(zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml"))
    body = b"".join(b"<si><t>" + t + b"</t></si>" for t in texts)
    body += '<si><r><t>拼</t></r><rPh sb="0" eb="1"><t>pin</t></rPh></si>'.encode()
    sheet_xml = sheet_xml.replace(b"<v>0</v>", b"<v>%d</v>" % len(texts), 1)
    return _rewritten(
        content,
        sheet=lambda _d: sheet_xml,
        parts={
            "xl/sharedStrings.xml": lambda _d: b"<sst " + ns + b">" + body + b"</sst>",
            "xl/_rels/workbook.xml.rels": lambda d: d.replace(b"</Relationships>", rel),
            "[Content_Types].xml": lambda d: d.replace(b"</Types>", kind),
        },
    )


def test_every_kind_of_cell_reads_as_openpyxl_reads_it():
    content = _every_kind_of_cell()
    ours = _our_rows(content)
    assert _typed(ours) == _typed(_openpyxl_rows(content))
    assert ours["名册"][1][:3] == ["张明华", "男", dt.datetime(1968, 5, 12)]
    assert ours["名册"][7][:2] == ["王小明", "女"]


def test_shared_strings_read_as_openpyxl_reads_them():
    content = _with_shared_strings(_every_kind_of_cell())
    assert b't="s"' in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    ours = _our_rows(content)
    assert _typed(ours) == _typed(_openpyxl_rows(content))
    assert ours["名册"][0][0] == "拼"


def test_cells_without_coordinates_rows_without_numbers_and_gaps_read_as_openpyxl_reads_them():
    def sheet(data):
        data = re.sub(rb'<c r="[A-Z]+2"', b"<c", data)  # row 2: cells placed one after another
        data = data.replace(b'<row r="3"', b"<row", 1)  # row 3 counted after row 2
        data = re.sub(rb'<row r="6".*?</row>', b"", data, flags=re.S)  # a row missing
        return re.sub(rb'<dimension ref="[^"]*"/>', b"", data)  # no declared size

    content = _rewritten(_every_kind_of_cell(), sheet=sheet)
    assert _typed(_our_rows(content)) == _typed(_openpyxl_rows(content))


def test_read_grids_gives_the_roster_rows_of_a_plain_workbook():
    wb = Workbook()
    wb.active.append(["姓名", "性别", "出生年月"])
    wb.active.append(["张明华", "男", "1968.05"])
    wb.active.append([None, None, 1968])
    out = io.BytesIO()
    wb.save(out)
    kind, grids = sheets.read_grids(out.getvalue())
    assert kind == "xlsx"
    assert grids[0].rows == [["姓名", "性别", "出生年月"], ["张明华", "男", "1968.05"], [None, None, 1968]]
