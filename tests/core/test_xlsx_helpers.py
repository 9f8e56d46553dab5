"""renda.core.xlsx fast paths (issue 20): they write what openpyxl's own calls wrote."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from renda.core import xlsx


def _sheet_xml(content):
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")


def test_put_stores_values_as_openpyxl_does_with_strings_kept_as_text():
    wb = xlsx.new_workbook()
    ws = wb.active
    assert xlsx.put(ws, 1, 1, "=1+2").data_type == "s"
    assert ws["A1"].quotePrefix
    assert xlsx.put(ws, 1, 2, "a\x01b").value == "ab"
    assert len(xlsx.put(ws, 1, 3, "x" * 40000).value) == xlsx.MAX_TEXT
    assert (xlsx.put(ws, 2, 1, 3).data_type, xlsx.put(ws, 2, 2, 2.5).data_type) == ("n", "n")
    assert xlsx.put(ws, 2, 3, True).data_type == "b"
    assert ws.max_row == 2 and ws._current_row == 2


def test_style_cache_shares_one_read_only_style_and_keeps_the_quote_prefix():
    wb = xlsx.new_workbook()
    ws = wb.active
    styles = xlsx.StyleCache()
    border = Border(left=Side(style="thin"))
    a = styles.apply(xlsx.put(ws, 1, 1, "a"), "k", font=Font(bold=True), border=border)
    b = styles.apply(xlsx.put(ws, 2, 1, "=b"), "k", font=Font(bold=True), border=border)
    c = styles.apply(xlsx.put(ws, 3, 1, "c"), "k", font=Font(bold=True), border=border)
    assert a._style is c._style and a.font.b and b.font.b and b.border.left.style == "thin"
    assert (a.quotePrefix, b.quotePrefix) == (False, True)
    with pytest.raises(TypeError):
        a.font = Font(italic=True)


def test_save_writes_the_blank_rows_the_old_formula_check_left():
    """The formula check used to read every cell with iter_rows (making A1 and the blank rows)."""

    def build():
        wb = xlsx.new_workbook()
        ws = wb.active
        xlsx.put(ws, 2, 3, "x")
        xlsx.put(ws, 5, 2, 1)
        return wb

    old = build()
    for ws in old.worksheets:
        list(ws.iter_rows())
    buf = io.BytesIO()
    old.save(buf)
    assert _sheet_xml(xlsx.save(build())) == _sheet_xml(buf.getvalue())
    wb = xlsx.new_workbook()
    xlsx.put(wb.active, 1, 1, "ok")
    wb.active["A1"].value = "=1+1"
    with pytest.raises(ValueError):
        xlsx.save(wb)


def test_merge_writes_what_merge_cells_writes():
    def build(merge):
        wb = xlsx.new_workbook()
        ws = wb.active
        styles = xlsx.StyleCache()
        xlsx.put(ws, 1, 1, "title").font = Font(bold=True)
        merge(ws, "A1:E1")
        styles.apply(xlsx.put(ws, 2, 1, "shared"), "k", font=Font(italic=True))
        merge(ws, "A2:A4")
        xlsx.put(ws, 2, 3, "boxed").border = Border(left=Side(style="thin"), bottom=Side(style="thin"))
        merge(ws, "C2:D3")
        xlsx.put(ws, 6, 2, "end")
        merge(ws, start_row=6, start_column=2, end_row=7, end_column=3)
        parts = zipfile.ZipFile(io.BytesIO(xlsx.save(wb)))
        return parts.read("xl/worksheets/sheet1.xml"), parts.read("xl/styles.xml")

    assert build(xlsx.merge) == build(lambda ws, *a, **kw: ws.merge_cells(*a, **kw))


def test_a_shared_style_id_is_the_workbook_s_id_of_its_style():
    ids = []
    for fonts in ([], [Font(italic=True)], [Font(size=20), Font(size=21)]):
        wb = xlsx.new_workbook()
        ws = wb.active
        for row, font in enumerate(fonts, start=1):  # other styles listed first: the ids differ
            other = xlsx.put(ws, row, 2, "other")
            other.font = font
            assert other.style_id
        styles = xlsx.StyleCache()  # style ids belong to one workbook: a cache per workbook
        cells = [styles.apply(xlsx.put(ws, row, 1, "x"), "k", font=Font(bold=True)) for row in (1, 2)]
        ids.append({c.style_id for c in cells})
        assert ids[-1] == {wb._cell_styles.index(cells[0]._style)}
    assert len({min(i) for i in ids}) == 3


_TEXTS = ["a < b & c > d", "  both ends  ", "two\nlines", "bell\x01gone", "=1+2", "-3", "\"q\" 's'", "中文"]
_NUMBERS = [0, -7, 10**15, 2.5, -0.125, 1 / 3, 1e-7, 123456789.123, Decimal("12.50")]
_TIMES = [datetime.date(2026, 3, 1), datetime.datetime(2026, 3, 1, 8, 30, 15), datetime.time(9, 45)]


def _fast_path_sheet(row_with_bool):
    """A write-only workbook built as the builders build theirs (dashboard_workbook): merged
    styled title, styled header, styled cells from StyleCache.cell (values, a percent format,
    empty styled cells), unstyled cells, plain appended values, an empty row, a row height."""
    wb = xlsx.new_workbook(write_only=True)
    ws = wb.create_sheet("表")
    xlsx.page_setup(ws, title_rows="1:2", freeze="B3")
    ws.row_dimensions[2].height = 30
    styles = xlsx.StyleCache()
    title = styles.apply(xlsx.cell(ws, " <标题> & "), "title", font=Font(bold=True, size=14))
    ws.append([title])
    xlsx.merge(ws, start_row=1, start_column=1, end_row=1, end_column=4)
    border = Border(left=Side(style="thin"), bottom=Side(style="thin"))
    header = {"font": Font(bold=True), "border": border, "alignment": Alignment(wrap_text=True)}
    ws.append([styles.apply(xlsx.cell(ws, h), "header", **header) for h in _TEXTS])
    pct = {"border": border, "number_format": xlsx.PERCENT, "fill": PatternFill("solid", fgColor="C7EFCF")}
    ws.append([styles.cell(ws, value, "pct", pct) for value in (0.798, None, 1, xlsx.percent(12.5))])
    ws.append([styles.cell(ws, value, "text", {"border": border}) for value in [*_TEXTS, None]])
    ws.append([xlsx.cell(ws, value) for value in _NUMBERS + _TIMES])
    ws.append([])
    ws.append(["plain =x", None, 3, 4.5, datetime.date(2025, 12, 31), xlsx.cell(ws, None)])
    if row_with_bool:  # a boolean is openpyxl's writer's: this row falls back to it
        ws.append([xlsx.cell(ws, "yes"), xlsx.cell(ws, True)])
    content = xlsx.save(wb, title="t", author="a")
    parts = zipfile.ZipFile(io.BytesIO(content))
    return parts.read("xl/worksheets/sheet1.xml"), parts.read("xl/styles.xml"), content


@pytest.mark.parametrize("row_with_bool", [False, True])
def test_write_only_fast_path_writes_what_openpyxls_cell_writer_writes(monkeypatch, row_with_bool):
    """The plain cells of our write-only sheets are written by _write_plain_row, not by
    openpyxl's cell writer (openpyxl.cell._writer): the same rows written with the fast path
    switched off give the same bytes. An openpyxl upgrade that changes what its writer writes
    (or the cell fields the fast path reads) fails here."""
    assert xlsx.LXML  # the fast path is only taken with lxml
    taken = []
    plain_cells = xlsx._plain_cells

    def spy(cells, wb):
        plain = plain_cells(cells, wb)
        taken.append(plain is not None)
        return plain

    monkeypatch.setattr(xlsx, "_plain_cells", spy)
    fast_sheet, fast_styles, content = _fast_path_sheet(row_with_bool)
    assert taken == [True] * 7 + [False] * row_with_bool  # every row but the boolean one: fast
    monkeypatch.setattr(xlsx, "_plain_cells", lambda cells, wb: None)
    slow_sheet, slow_styles, _ = _fast_path_sheet(row_with_bool)
    assert b"<c " in fast_sheet and b'xml:space="preserve"' in fast_sheet
    assert fast_sheet == slow_sheet
    assert fast_styles == slow_styles
    _check_read_back(openpyxl.load_workbook(io.BytesIO(content))["表"])


def _check_read_back(ws):
    texts = [t.replace("\x01", "") for t in _TEXTS]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][0] == " <标题> & " and [r.coord for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert rows[1][: len(texts)] == texts and ws["A2"].font.b and ws["E2"].quotePrefix
    assert rows[2][:4] == [0.798, None, 1, 0.125] and ws["B3"].number_format == xlsx.PERCENT
    assert ws["B3"].fill.fgColor.rgb == "00C7EFCF" and ws["A3"].border.left.style == "thin"
    assert rows[3][: len(texts) + 1] == [*texts, None] and ws["I4"].border.bottom.style == "thin"
    numbers = rows[4][: len(_NUMBERS)]
    assert numbers == [float(n) if isinstance(n, Decimal) else n for n in _NUMBERS]
    times = rows[4][len(_NUMBERS) : len(_NUMBERS) + len(_TIMES)]
    assert times == [datetime.datetime(2026, 3, 1), *_TIMES[1:]]
    assert ws.cell(5, len(_NUMBERS) + 1).number_format == "yyyy-mm-dd"
    assert not any(rows[5])
    assert rows[6][:5] == ["plain =x", None, 3, 4.5, datetime.datetime(2025, 12, 31)]
    assert ws.row_dimensions[2].height == 30


def _styled_workbook(fonts, *, write_only=True):
    """A workbook with a row of styled cells per font (dates among them); (bytes, stylesheet)."""
    wb = xlsx.new_workbook(write_only=write_only)
    ws = wb.create_sheet("表") if write_only else wb.active
    styles = xlsx.StyleCache()
    day = datetime.date(2026, 3, 1)
    for i, font in enumerate(fonts, start=1):
        attrs = {"font": font, "number_format": xlsx.DATE}
        values = (day, day, "x", None)
        if write_only:
            ws.append([styles.cell(ws, value, f"k{i}", attrs) for value in values])
        else:
            for column, value in enumerate(values, start=1):
                styles.apply(xlsx.put(ws, i, column, value), f"k{i}", **attrs)
    content = xlsx.save(wb, title="t")
    return content, zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml")


def test_the_stylesheet_of_the_same_styles_is_made_once_and_others_get_their_own(monkeypatch):
    """xlsx.save keeps a stylesheet for the next workbook with the same styles: the one it
    gives is the one openpyxl writes, and a workbook with other styles gets its own."""
    made = []
    write_stylesheet = xlsx.write_stylesheet
    monkeypatch.setattr(xlsx, "write_stylesheet", lambda wb: made.append(1) or write_stylesheet(wb))
    monkeypatch.setattr(xlsx, "_STYLESHEETS", {})
    bold, big = [Font(bold=True)], [Font(bold=True), Font(size=20)]
    _, first = _styled_workbook(bold)
    _, again = _styled_workbook(bold)
    _, other = _styled_workbook(big)
    _, plain = _styled_workbook(bold, write_only=False)  # normal sheets: the same stylesheet
    assert len(made) == 2 and first == again == plain and other != first
    assert b'sz val="20"' in other and b'sz val="20"' not in first
    monkeypatch.setattr(xlsx, "_STYLESHEETS", {})
    assert [_styled_workbook(fonts)[1] for fonts in (big, bold)] == [other, first]  # as made anew


def test_sheets_are_written_without_temporary_files_and_dates_keep_their_format(monkeypatch):
    """Each sheet's XML goes into the zip from memory (openpyxl's named temporary files are not
    made); a date styled by StyleCache.cell is a date cell with the key's date format."""
    from openpyxl.worksheet import _writer

    monkeypatch.setattr(_writer, "create_temporary_file", lambda *a, **k: pytest.fail("temporary file"))
    for write_only in (True, False):
        content, _styles = _styled_workbook([Font(bold=True)], write_only=write_only)
        ws = openpyxl.load_workbook(io.BytesIO(content))["表" if write_only else "Sheet"]
        assert [c.value for c in ws[1]][:3] == [datetime.datetime(2026, 3, 1)] * 2 + ["x"]
        assert {ws.cell(1, c).number_format for c in (1, 2, 3, 4)} == {xlsx.DATE}
        assert ws["A1"].font.b and ws["B1"].font.b and ws["D1"].font.b
