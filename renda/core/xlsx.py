"""The one way workbooks are written (openpyxl): every builder goes through these helpers.

- User text is written as text: openpyxl turns a string starting with "=" into a live formula
  and "#N/A" into an error cell. `put` / `cell` store every string as a string, and a string
  that starts with a character a spreadsheet reads as the start of a formula (=, +, -, @, tab,
  CR) gets the quote prefix Excel itself sets for '=…, so it stays text when edited too.
  Characters XML cannot hold are dropped instead of failing the export.
- Print setup is set before the first row: a write-only sheet writes its properties (fit to
  page) with the first row, so fit-to-width set afterwards is lost. `page_setup` sets A4 or A3
  landscape, fit to one page wide, repeated header rows, "第 &P 页 共 &N 页" and a frozen header.
- Numbers are numbers and percentages are fractions with a percentage format (`PERCENT`).
- `save` checks the sheets it can read back and refuses a formula cell (none is ever written).
"""

import io
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.properties import PageSetupProperties

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
FOOTER = "第 &P 页 共 &N 页"
A4, A3 = 9, 8  # paperSize codes of the OOXML spec


def text(value):
    """A string as it may be stored: characters XML cannot hold removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _as_data(cell, value):
    if isinstance(value, str):
        value = text(value)
        cell.value = value
        cell.data_type = "s"  # never "f" (formula) or "e" (error) from a string
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def put(ws, row, column, value):
    """Write `value` into a cell of a normal worksheet as data (strings as text)."""
    return _as_data(ws.cell(row=row, column=column), value)


def cell(ws, value):
    """A write-only worksheet's cell holding `value` as data (strings as text)."""
    return _as_data(WriteOnlyCell(ws), value)


def append(ws, values):
    """Append a row of values to a normal worksheet, strings as text; returns the row number."""
    row = ws._current_row + 1  # where Worksheet.append writes
    for column, value in enumerate(values, start=1):
        if value is not None:
            put(ws, row, column, value)
    ws._current_row = row
    return row


def percent(value):
    """A rate given in percent (79.8) as the fraction a percentage format shows (0.798)."""
    return None if value is None else round(float(value) / 100, 6)


def page_setup(ws, *, title_rows, freeze=None, paper=A4, landscape=True):
    """Print setup of a sheet; call it before writing the first row."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = paper
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = FOOTER
    if freeze:
        ws.freeze_panes = freeze


class _CellRowSheet(WriteOnlyWorksheet):
    """A write-only sheet whose rows are our ready cells (`cell`). openpyxl's own row step
    first tries every appended item as a value, and a cell fails that test by raising an
    exception, which costs a third of a styled workbook's writing; here a cell is taken as it
    is and only a plain value is wrapped. (openpyxl 3.1: `_values_to_row` is what `append`
    calls; hyperlinks are not used by our workbooks.)"""

    def _values_to_row(self, values, row_idx):
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if not isinstance(value, Cell):
                value = _as_data(WriteOnlyCell(self), value)
            value.column = col_idx
            value.row = row_idx
            yield value


class _Workbook(Workbook):
    def create_sheet(self, title=None, index=None):
        if not self.write_only:
            return super().create_sheet(title, index)
        sheet = _CellRowSheet(parent=self, title=title)
        self._add_sheet(sheet=sheet, index=index)
        return sheet


def new_workbook(*, write_only=False):
    return _Workbook(write_only=write_only)


def save(wb, *, title="", author="") -> bytes:
    """The workbook's bytes, with its title and author (the office that made it) set."""
    wb.properties.title = title or None
    wb.properties.creator = author or None
    wb.properties.lastModifiedBy = author or None
    if not getattr(wb, "write_only", False):
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.data_type == "f":
                        raise ValueError(f"formula cell {ws.title}!{c.coordinate}")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class StyleCache:
    """Style each kind of cell once, then copy its style ids to the others: setting a font,
    border or alignment on a cell makes openpyxl hash the style objects against the workbook's
    lists every time, which costs more than writing the values of a large workbook.

    `apply(cell, key, **attrs)`: the first cell of a `key` gets `attrs` set; later cells of
    that key get a copy of its style (so `attrs` must depend on the key alone). A quote prefix
    set by `put` / `cell` is kept."""

    def __init__(self):
        self.protos = {}

    def apply(self, cell, key, **attrs):
        quoted = cell.quotePrefix
        proto = self.protos.get(key)
        if proto is None:
            for name, value in attrs.items():
                setattr(cell, name, value)
            style = copy(cell._style)
            style.quotePrefix = 0
            self.protos[key] = style
        else:
            cell._style = copy(proto)
        if quoted:
            cell.quotePrefix = True
        return cell
