"""renda.core.xlsx fast paths (issue 20): they write what openpyxl's own calls wrote."""

import io
import zipfile

import pytest
from openpyxl.styles import Border, Font, Side

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
