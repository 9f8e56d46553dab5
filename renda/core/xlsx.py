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
  It writes each sheet's XML into the zip from memory (openpyxl makes, reopens and removes a
  temporary file per sheet) and takes the stylesheet of styles it has written before from a
  cache: a small workbook's fixed cost is then no more than bare openpyxl's.
"""

import datetime
import io
import shutil
import time
from copy import copy
from tempfile import SpooledTemporaryFile
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import LXML, Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.utils.cell import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import (
    ARC_APP,
    ARC_CORE,
    ARC_ROOT_RELS,
    ARC_STYLE,
    ARC_THEME,
    ARC_WORKBOOK,
    ARC_WORKBOOK_RELS,
    XML_NS,
)
from openpyxl.xml.functions import Element, tostring

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
FOOTER = "第 &P 页 共 &N 页"
A4, A3 = 9, 8  # paperSize codes of the OOXML spec


def text(value):
    """A string as it may be stored: characters XML cannot hold removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


class _Cell(Cell):
    """A cell of `put` / `cell`. Its style id, which the writer asks for once per cell, is the
    workbook's id of its style array: for a style shared by a StyleCache key it is looked up
    once per workbook instead of hashed for every cell."""

    __slots__ = ()

    @property
    def style_id(self):
        style = self._style
        if type(style) is not _SharedStyle:
            return super().style_id
        styles = self.parent.parent._cell_styles
        if style._styles is not styles:
            style._styles, style._id = styles, styles.add(style)
        return style._id


_DATES = (datetime.date, datetime.datetime)
MAX_TEXT = 32767  # the longest string a cell holds (openpyxl cuts longer ones)


def _as_data(cell, value):
    # str, int and float are stored as openpyxl's value setter stores them, without its type
    # dispatch (a third of a large workbook's cell writing); other values go through the setter.
    kind = type(value)
    if isinstance(value, str):
        value = text(value)[:MAX_TEXT]
        if isinstance(cell, Cell):
            cell._value = value
        else:  # a merged cell refuses a value
            cell.value = value
        cell.data_type = "s"  # never "f" (formula) or "e" (error) from a string
        if value.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    elif (kind is int or kind is float) and isinstance(cell, Cell):
        cell._value = value
        cell.data_type = "n"
    else:
        cell.value = value
    return cell


def put(ws, row, column, value):
    """Write `value` into a cell of a normal worksheet as data (strings as text)."""
    cells = ws._cells
    cell = cells.get((row, column))
    if cell is None:  # Worksheet.cell without its checks (row and column come from our loops)
        if not 0 < row < 1048577 or column < 1:
            raise ValueError(f"no cell at row {row}, column {column}")
        cell = cells[(row, column)] = _Cell(ws, row=row, column=column)
        if row > ws._current_row:
            ws._current_row = row
    return _as_data(cell, value)


def _empty_cell(ws):
    """`_Cell(ws)`: the fields Cell.__init__ and StyleableObject.__init__ set (openpyxl 3.1),
    set here without their two calls, for every cell of a large workbook."""
    c = _new_object(_Cell)
    c.parent = ws
    c._style = None
    c.row = c.column = None
    c._value = c._hyperlink = c._comment = None
    c.data_type = "n"
    return c


_new_object = object.__new__


def cell(ws, value):
    """A write-only worksheet's cell holding `value` as data (strings as text)."""
    return _as_data(_empty_cell(ws), value)


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
                value = _as_data(_Cell(self), value)
            value.column = col_idx
            value.row = row_idx
            yield value

    def _get_writer(self):
        # WriteOnlyWorksheet._get_writer (openpyxl 3.1), the XML written to a spooled file
        if self._writer is None:
            self._writer = WorksheetWriter(self, out=_sheet_file())
            self._writer.write_top()

    def _write_rows(self):
        # WriteOnlyWorksheet._write_rows (openpyxl 3.1), each row through `_write_row`.
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    cells = list(self._values_to_row((yield), row_idx))
                    plain = _plain_cells(cells, self.parent) if LXML else None
                    if plain is None:  # a cell openpyxl's own writer must write
                        self._writer.write_row(xf, cells, row_idx)
                    else:
                        _write_plain_row(xf, plain, row_idx, self.row_dimensions)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)


_PRESERVE = {f"{{{XML_NS}}}space": "preserve"}


def _plain_cells(cells, wb):
    """[(attributes, text, is string)] of the cells to write, as openpyxl's lxml cell writer
    (openpyxl.cell._writer, 3.1) makes them, when every cell is one of ours holding text, a
    number, a date or nothing (styled), with no comment or hyperlink; else None."""
    plain = []
    for cell in cells:
        if type(cell) is not _Cell or cell._comment is not None or cell._hyperlink is not None:
            return None
        style, value, kind = cell._style, cell._value, cell.data_type
        styled = style is not None and any(style)
        if value is None and not styled:
            continue  # as openpyxl: an empty cell without a style is left out
        attrs = {"r": f"{get_column_letter(cell.column)}{cell.row}"}
        if styled:
            attrs["s"] = f"{cell.style_id}"
        if kind == "s":
            if value is not None and type(value) is not str:
                return None  # rich text
            attrs["t"] = "inlineStr"
            plain.append((attrs, value or None, True))
            continue
        if kind == "d":
            if wb.iso_dates or getattr(value, "tzinfo", None) is not None:
                return None
            value = to_excel(value, wb.epoch)
        elif kind != "n":
            return None  # a boolean, an error, a formula
        attrs["t"] = "n"
        plain.append((attrs, None if value is None else safe_string(value), False))
    return plain


def _write_plain_row(xf, plain, row_idx, dimensions):
    """WorksheetWriter.write_row for cells made by `_plain_cells`: the same XML."""
    attrs = {"r": f"{row_idx}"}
    attrs.update(dimensions.get(row_idx, {}))
    element = xf.element
    with element("row", attrs):
        for attrs, value, is_string in plain:
            with element("c", attrs):
                if value is None:
                    continue
                if is_string:
                    with element("is"):
                        t = Element("t", _PRESERVE if value != value.strip() else {})
                        t.text = value
                        xf.write(t)
                else:
                    with element("v"):
                        xf.write(value)


SPOOL_BYTES = 8 * 1024 * 1024  # a sheet's XML is kept in memory up to this size, then on disk


def _sheet_file():
    """Where a sheet's XML is written before it goes into the zip: openpyxl makes a named
    temporary file per sheet, then opens it again and removes it, which for a small workbook
    costs more than its cells; a spooled file stays in memory until it is large."""
    return SpooledTemporaryFile(max_size=SPOOL_BYTES)


def _zip_sheet(archive, out, name):
    """ZipFile.write of a sheet's XML from its spooled file, with the attributes that
    ZipFile.write gave it from openpyxl's temporary file."""
    size = out.seek(0, io.SEEK_END)
    out.seek(0)
    info = ZipInfo(name, time.localtime()[:6])
    info.external_attr = 0o100600 << 16  # a regular file, read-write for its owner
    info.file_size = size
    info.compress_type = archive.compression
    with archive.open(info, "w") as dest:
        shutil.copyfileobj(out, dest, 1 << 20)
    out.close()


_STYLESHEETS: dict = {}  # key of a workbook's styles -> its stylesheet's XML


def _stylesheet(wb):
    """write_stylesheet's XML, from the cache when a workbook with the same styles was saved
    before: a builder's workbooks have the same few styles every time, and writing them costs
    as much as a small workbook's cells. Only the common case is cached: openpyxl's default
    named style, colours and table styles, no differential styles (conditional formats)."""
    named, tables = wb._named_styles, wb._table_styles
    if (
        wb._colors is not COLOR_INDEX
        or wb._differential_styles.styles
        or len(named) != 1
        or tables.tableStyle
    ):
        return tostring(write_stylesheet(wb))
    key = (
        named[0],
        tables.defaultTableStyle,
        tables.defaultPivotStyle,
        tuple(wb._fonts),
        tuple(wb._fills),
        tuple(wb._borders),
        tuple(wb._alignments),
        tuple(wb._protections),
        tuple(wb._number_formats),
        tuple(tuple(style) for style in wb._cell_styles),  # arrays a cell may still change
    )
    xml = _STYLESHEETS.get(key)
    if xml is None:
        if len(_STYLESHEETS) >= 64:
            _STYLESHEETS.clear()
        xml = _STYLESHEETS[key] = tostring(write_stylesheet(wb))
    return xml


_APP_XML = tostring(ExtendedProperties().to_tree())  # docProps/app.xml: the same for every file


class _ExcelWriter(ExcelWriter):
    """openpyxl's ExcelWriter (3.1): each sheet's XML from a spooled file (`_sheet_file`), the
    stylesheet from `_stylesheet`, the fixed parts made once."""

    def write_data(self):
        # ExcelWriter.write_data (openpyxl 3.1) for a workbook with none of the parts we never
        # write (custom properties, macros, a loaded theme, external links); else openpyxl's own
        wb, archive = self.workbook, self._archive
        if len(wb.custom_doc_props) or wb.vba_archive or wb.loaded_theme or wb._external_links:
            return super().write_data()
        archive.writestr(ARC_APP, _APP_XML)
        archive.writestr(ARC_CORE, tostring(wb.properties.to_tree()))
        archive.writestr(ARC_THEME, theme_xml)
        self._write_worksheets()
        self._write_chartsheets()
        self._write_images()
        self._write_charts()
        archive.writestr(ARC_STYLE, _stylesheet(wb))
        writer = WorkbookWriter(wb)
        archive.writestr(ARC_ROOT_RELS, writer.write_root_rels())
        archive.writestr(ARC_WORKBOOK, writer.write())
        archive.writestr(ARC_WORKBOOK_RELS, writer.write_rels())
        self.manifest._write(archive, wb)

    def write_worksheet(self, ws):
        # ExcelWriter.write_worksheet (openpyxl 3.1), the XML in a spooled file
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if self.workbook.write_only:
            if not ws.closed:
                ws.close()
            writer = ws._writer
        else:
            writer = WorksheetWriter(ws, out=_sheet_file())
            writer.write()
        ws._rels = writer._rels
        if isinstance(writer.out, str):  # a sheet not of ours: openpyxl's temporary file
            self._archive.write(writer.out, ws.path[1:])
            writer.cleanup()
        else:
            _zip_sheet(self._archive, writer.out, ws.path[1:])
        self.manifest.append(ws)


def _save_workbook(wb, target):
    # openpyxl.writer.excel.save_workbook (3.1) with our writer
    if wb.write_only and not wb.worksheets:
        wb.create_sheet()
    archive = ZipFile(target, "w", ZIP_DEFLATED, allowZip64=True)
    wb.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
    _ExcelWriter(wb, archive).save()


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
            _check_no_formula(ws)
    buf = io.BytesIO()
    _save_workbook(wb, buf)
    return buf.getvalue()


def merge(ws, range_string=None, *, start_row=None, start_column=None, end_row=None, end_column=None):
    """`ws.merge_cells` (openpyxl 3.1) with the same result, cheaper when the top-left cell has
    no border (every merge of ours): openpyxl then gives each cell of the range a copy of the
    top-left cell's protection one at a time, hashing it against the workbook's list every
    time; here its id is looked up once.

    On a write-only sheet the range is only recorded (it is written after the rows): the
    covered cells are whatever the rows gave them, so a range that shows a border or fill
    writes those cells as empty styled cells."""
    if range_string is None:
        range_string = CellRange(
            min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row
        ).coord
    if isinstance(ws, WriteOnlyWorksheet):
        ws.merged_cells.add(range_string)
        return
    mcr = MergedCellRange(ws, range_string)
    ws.merged_cells.add(mcr)
    border = mcr.start_cell.border
    if any(
        side is None or side.style is not None
        for side in (border.top, border.left, border.right, border.bottom)
    ):
        ws._clean_merge_range(mcr)  # the borders go round the range: openpyxl's own way
        return
    cells = mcr.cells
    next(cells)  # the top-left cell stays
    for row, column in cells:
        ws._cells[row, column] = MergedCell(ws, row, column)
    protection = ws.parent._protections.add(copy(mcr.start_cell.protection))
    for coordinate in mcr.cells:
        c = ws._cells[coordinate]
        if not c._style:
            c._style = StyleArray()
        c._style.protectionId = protection


def _check_no_formula(ws):
    """Refuse a formula cell. The check used to read the sheet with `iter_rows`, which leaves a
    blank cell in A1 and in every empty row from row 1 on, so the file has those rows as empty
    <row> elements and its dimension starts at A1; those cells are still made, without visiting
    the sheet's every blank cell."""
    rows = set()
    for (row, _column), c in ws._cells.items():
        rows.add(row)
        if c.data_type == "f":
            raise ValueError(f"formula cell {ws.title}!{c.coordinate}")
    if ws._current_row == 0:  # iter_rows reads nothing from a sheet nothing was written to
        return
    for row in range(1, ws.max_row + 1):
        if row not in rows:
            ws.cell(row=row, column=1)
    ws.cell(row=1, column=1)


class _SharedStyle(StyleArray):
    """The style ids of every cell of one StyleCache key: one array shared by those cells, its
    hash (what the writer looks the cell's style up by) computed once. Shared, so it refuses to
    change: a cell styled by the cache takes no further font, border etc."""

    __slots__ = ("_hash", "_styles", "_id")

    def __new__(cls, ids):
        self = super().__new__(cls, ids)
        self._hash = hash(tuple(self))
        self._styles, self._id = None, None  # the workbook's style list it is in, and where
        return self

    def __hash__(self):
        return self._hash

    def __setitem__(self, index, value):
        if self[index] != value:  # setting what it holds (a merge's protection) changes nothing
            raise TypeError("a cell styled by StyleCache.apply takes no other style")

    def __copy__(self):  # a copied cell (copy_worksheet) gets its own, changeable style
        return StyleArray(self)

    def __deepcopy__(self, memo):
        return StyleArray(self)


class StyleCache:
    """Style each kind of cell once, then give the others the same style ids: setting a font,
    border or alignment on a cell makes openpyxl hash the style objects against the workbook's
    lists every time, which costs more than writing the values of a large workbook.

    `apply(cell, key, **attrs)`: the first cell of a `key` gets `attrs` set; every cell of that
    key then shares one read-only array of style ids (so `attrs` must depend on the key alone,
    and a styled cell takes no further style). A quote prefix set by `put` / `cell` is kept.
    Style ids belong to one workbook: a cache serves one workbook."""

    def __init__(self):
        self.protos = {}

    def apply(self, cell, key, **attrs):
        quoted = bool(cell.quotePrefix)
        shared = self.protos.get((key, quoted))
        if shared is None:
            proto = self.protos.get((key, not quoted))
            if proto is None:
                for name, value in attrs.items():
                    setattr(cell, name, value)
                style = StyleArray(cell._style)
            else:
                style = StyleArray(proto)
            style.quotePrefix = int(quoted)
            shared = self.protos[(key, quoted)] = _SharedStyle(style)
        cell._style = shared
        return cell

    def cell(self, ws, value, key, attrs):
        """`apply(cell(ws, value), key, **attrs)`, the attributes given as a dict: for every cell
        of a key after its first, only the shared style is looked up. A date is stored as
        openpyxl stores it, without the date format it would give the cell: the key's style
        replaces the cell's."""
        if type(value) in _DATES:
            shared = self.protos.get((key, False))
            if shared is not None:
                c = _empty_cell(ws)
                c._value, c.data_type, c._style = value, "d", shared
                return c
        c = cell(ws, value)
        style = c._style
        shared = self.protos.get((key, style is not None and bool(style.quotePrefix)))
        if shared is None:
            return self.apply(c, key, **attrs)
        c._style = shared
        return c
