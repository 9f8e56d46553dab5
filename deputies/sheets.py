"""The sheets of an uploaded roster file as plain grids of cell values, whatever the format:
.xlsx, .xls (Excel 97-2003), CSV in UTF-8 or GBK, SpreadsheetML (Excel 2003 XML) and HTML tables
saved with an .xls name. Merged cells are filled with their top-left value, so a 选区 merged over
five rows reads as five rows of the same 选区.

Limits are checked before the cells are read: a file declaring more rows or columns than a roster
can have is refused at once (a workbook of 1.7 KB may declare 1,048,576 × 16,384 cells)."""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter
from openpyxl.worksheet._reader import INLINE_STRING as _INLINE_STRING
from openpyxl.worksheet._reader import VALUE_TAG as _VALUE
from openpyxl.worksheet._reader import WorkSheetParser, _cast_number
from openpyxl.xml.constants import SHEET_MAIN_NS

from renda.core.exceptions import ApplicationError

MAX_DATA_ROWS = 5000
MAX_SHEET_ROWS = MAX_DATA_ROWS + 500  # room for titles, notes, spacers and totals
MAX_COLUMNS = 100
MAX_XML_BYTES = 120 * 1024 * 1024  # one sheet's XML, uncompressed
_TEXT = f"{{{SHEET_MAIN_NS}}}t"
_COLUMN_OF = {get_column_letter(i): i for i in range(1, MAX_COLUMNS * 4 + 1)}  # a cell's "AB12" → 28


@dataclass
class Grid:
    name: str
    rows: list = field(default_factory=list)  # [[value, ...], ...]; row i is sheet row i + 1
    hidden: bool = False


def _save_as_xlsx():
    return _("Open it in Excel or WPS and save it as an Excel workbook (.xlsx), then upload that file.")


def _too_big(rows, columns, sheet):
    return ApplicationError(
        _(
            "Sheet “%(sheet)s” declares %(rows)s rows × %(columns)s columns; a roster has at most "
            "%(max)s deputies. If the roster itself is short, delete the empty rows below it and the "
            "empty columns to its right (or copy the roster into a new workbook) and save again; "
            "otherwise split the file."
        )
        % {"sheet": sheet, "rows": f"{rows:,}", "columns": f"{columns:,}", "max": f"{MAX_DATA_ROWS:,}"}
    )


def _fill_merges(grid: Grid, merges):
    """merges: (first row, first column, last row, last column), 1-based, inclusive."""
    rows = grid.rows
    for r1, c1, r2, c2 in merges:
        if r1 > len(rows) or c1 > MAX_COLUMNS:
            continue
        r2, c2 = min(r2, len(rows)), min(c2, MAX_COLUMNS)
        top = rows[r1 - 1]
        value = top[c1 - 1] if c1 <= len(top) else None
        if value is None:
            continue
        for r in range(r1, r2 + 1):
            row = rows[r - 1]
            if len(row) < c2:
                row.extend([None] * (c2 - len(row)))
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1):
                    row[c - 1] = value


def sniff(content: bytes) -> str:
    head = content[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    lower = head.lower()
    if content.startswith(b"PK"):
        return "xlsx"
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if (
        b"urn:schemas-microsoft-com:office:spreadsheet" in content[:8192]
        and b"<workbook" in content[:8192].lower()
    ):
        return "spreadsheetml"
    if lower.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")) or b"<table" in lower:
        return "html"
    if lower.startswith(b"<?xml"):
        return "xml"
    return "csv"


def read_grids(content: bytes) -> tuple[str, list[Grid]]:
    """(format label, sheets) or ApplicationError with how to fix the file."""
    kind = sniff(content)
    reader = {
        "xlsx": _read_xlsx,
        "xls": _read_xls,
        "spreadsheetml": _read_spreadsheetml,
        "html": _read_html,
        "csv": _read_csv,
    }.get(kind)
    if reader is None:
        raise ApplicationError(
            _("This file is XML but not a workbook Excel can save. %(fix)s") % {"fix": _save_as_xlsx()}
        )
    return kind, reader(content)


# --- .xlsx ---------------------------------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_MERGE_LEAD = 100  # room for `<` and a namespace prefix before `mergeCell`


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _xlsx_merges(archive: zipfile.ZipFile, path: str):
    """The sheet's merged ranges. They follow the cells in the XML: the pattern is only tried from
    the first `mergeCell` on (searching for it is a tenth of running the pattern over the cells)."""
    merges, tail = [], b""
    with archive.open(path) as src:
        while chunk := src.read(1 << 20):
            data = tail + chunk
            last = 0
            first = data.find(b"mergeCell")
            for m in _MERGE.finditer(data, max(first - _MERGE_LEAD, 0)) if first >= 0 else ():
                a, r1, b, r2 = m.groups()
                c1 = _col_number(a)
                merges.append((int(r1), c1, int(r2 or r1), _col_number(b) if b else c1))
                last = m.end()
            tail = data[max(last, len(data) - 200) :]
    return merges


def _read_xlsx(content: bytes):
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ApplicationError(_("This file is not an Excel .xlsx workbook, or it is damaged.")) from None
    if "mimetype" in names or "content.xml" in names:
        raise ApplicationError(
            _("This is an OpenDocument spreadsheet (.ods). %(fix)s") % {"fix": _save_as_xlsx()}
        )
    if "xl/workbook.xml" not in names:
        raise ApplicationError(_("This file is not an Excel .xlsx workbook, or it is damaged."))
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.file_size > MAX_XML_BYTES:
            raise ApplicationError(
                _("A sheet of this workbook holds %(mb)s MB of cells, far more than a roster. %(fix)s")
                % {"mb": info.file_size // (1024 * 1024), "fix": _("Split the file.")}
            )
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises a variety of errors on damaged or foreign zip files
        raise ApplicationError(_("This file is not an Excel .xlsx workbook, or it is damaged.")) from None
    grids = []
    try:
        for ws in wb.worksheets:
            if not hasattr(ws, "_worksheet_path"):  # a chart sheet
                continue
            rows_declared, cols_declared = ws.max_row or 0, ws.max_column or 0
            if rows_declared > MAX_SHEET_ROWS or cols_declared > MAX_COLUMNS * 4:
                raise _too_big(rows_declared, cols_declared, ws.title)
            grid = Grid(name=ws.title, hidden=getattr(ws, "sheet_state", "visible") != "visible")
            for values in _sheet_values(wb, ws, min(cols_declared or MAX_COLUMNS, MAX_COLUMNS)):
                if len(grid.rows) >= MAX_SHEET_ROWS:
                    raise _too_big(len(grid.rows) + 1, cols_declared or MAX_COLUMNS, ws.title)
                grid.rows.append(values)
            _trim(grid)
            _fill_merges(grid, _xlsx_merges(wb._archive, ws._worksheet_path))
            grids.append(grid)
    except ApplicationError:
        raise
    except Exception:  # e.g. a cell pointing past the shared-string table
        raise ApplicationError(_("This file is not an Excel .xlsx workbook, or it is damaged.")) from None
    finally:
        wb.close()
    return grids


class _ValuesParser(WorkSheetParser):
    """openpyxl's parser of a sheet's XML, giving each row's cells as (column, value) pairs: the
    values `iter_rows(values_only=True)` of a read-only workbook gives. The plain cells (a number
    not formatted as a date, a shared string, an inline string of one text run, as openpyxl and
    most programs write them) are read here without openpyxl's dictionary per cell and its `Text`
    object per inline string (about half of its read); any other cell goes to openpyxl's
    `parse_cell`. Values only (`data_only`): formulas are not read."""

    def parse_row(self, row):
        r = row.get("r")
        if r is not None:  # as WorkSheetParser.parse_row
            try:
                self.row_counter = int(r)
            except ValueError:
                val = float(r)
                if not val.is_integer():
                    raise ValueError(f"{r} is not a valid row number") from None
                self.row_counter = int(val)
        else:
            self.row_counter += 1
        self.col_counter = 0
        return self.row_counter, [self._cell(el) for el in row]

    def _cell(self, el):
        kind, style = el.get("t", "n"), el.get("s")
        if style:
            style = int(style)  # raises on a damaged file, as openpyxl does
        if kind == "inlineStr":
            text = el.find(_INLINE_STRING)
            if text is None:
                value = None
            elif len(text) == 1 and text[0].tag == _TEXT and not text.attrib:
                value = text[0].text or ""
            else:  # rich text, phonetic runs
                return self._openpyxl_cell(el)
        elif kind == "n" or kind == "s":
            value = el.findtext(_VALUE) or None
            if value is not None:
                if kind == "s":
                    value = self.shared_strings[int(value)]
                elif style and style in self.date_formats:
                    return self._openpyxl_cell(el)
                else:
                    value = _cast_number(value)
        else:  # booleans, errors, formula strings, ISO dates
            return self._openpyxl_cell(el)
        coordinate = el.get("r")
        if coordinate:
            letters = coordinate.rstrip("0123456789")
            column = _COLUMN_OF.get(letters) if letters != coordinate else None
            self.col_counter = column or coordinate_to_tuple(coordinate)[1]
        else:
            self.col_counter += 1
        return self.col_counter, value

    def _openpyxl_cell(self, el):
        cell = self.parse_cell(el)
        return cell["column"], cell["value"]


def _sheet_values(wb, ws, max_col):
    """The rows of read-only worksheet `ws`, as `ws.iter_rows(max_col=max_col, values_only=True)`
    gives them (ReadOnlyWorksheet._cells_by_row and _get_row: missing rows and cells are None),
    each a list, through _ValuesParser."""
    max_row, counter, idx = ws.max_row, 1, 1
    with ws._get_source() as src:
        parser = _ValuesParser(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        for idx, cells in parser.parse():
            if max_row is not None and idx > max_row:
                break
            for _ in range(counter, idx):  # rows missing from the XML
                counter += 1
                yield [None] * max_col
            if counter <= idx:
                values = [None] * max_col
                for column, value in cells:
                    if column <= max_col:
                        values[column - 1] = value
                counter += 1
                yield values
    if max_row is not None and max_row < idx:
        for _ in range(counter, max_row + 1):
            yield [None] * max_col


def _trim(grid):
    while grid.rows and not any(v not in (None, "") for v in grid.rows[-1]):
        grid.rows.pop()


# --- .xls ----------------------------------------------------------------------------------------


def _read_xls(content: bytes):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
    except Exception:  # xlrd raises XLRDError, CompoundDocError, AssertionError… on foreign files
        try:
            book = xlrd.open_workbook(file_contents=content, on_demand=True)
        except Exception:
            raise ApplicationError(
                _("This .xls workbook cannot be read (it may be damaged or encrypted). %(fix)s")
                % {"fix": _save_as_xlsx()}
            ) from None
    grids = []
    try:
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            if sh.nrows > MAX_SHEET_ROWS or sh.ncols > MAX_COLUMNS * 4:
                raise _too_big(sh.nrows, sh.ncols, sh.name)
            grid = Grid(name=sh.name, hidden=bool(getattr(sh, "visibility", 0)))
            for r in range(sh.nrows):
                row = []
                for c in range(min(sh.ncols, MAX_COLUMNS)):
                    cell = sh.cell(r, c)
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        try:
                            value = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
                        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                            value = cell.value
                    elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                        value = None
                    elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                        value = bool(cell.value)
                    elif cell.ctype == xlrd.XL_CELL_ERROR:
                        value = None
                    else:
                        value = cell.value
                    row.append(value)
                grid.rows.append(row)
            _trim(grid)
            merges = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in getattr(sh, "merged_cells", [])]
            _fill_merges(grid, merges)
            grids.append(grid)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return grids


# --- CSV -----------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8", errors="replace")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")  # GBK and GB2312 are subsets
    except UnicodeDecodeError:
        raise ApplicationError(
            _("This file is neither an Excel workbook nor a text (CSV) file in UTF-8 or GBK. %(fix)s")
            % {"fix": _save_as_xlsx()}
        ) from None


def _read_csv(content: bytes):
    text = _decode(content)
    if "\x00" in text[:4096]:
        raise ApplicationError(
            _("This file is not an Excel .xlsx workbook. %(fix)s") % {"fix": _save_as_xlsx()}
        )
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    if first.count("\t") == 0 and first.count(",") == 0 and first.count("，") > 0:
        delimiter = "，"
    grid = Grid(name="CSV")
    for values in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if len(grid.rows) >= MAX_SHEET_ROWS:
            raise _too_big(len(grid.rows) + 1, len(values), "CSV")
        grid.rows.append([v if v.strip() else None for v in values[:MAX_COLUMNS]])
    _trim(grid)
    if not any(len([v for v in row if v]) >= 2 for row in grid.rows[:30]):
        raise ApplicationError(
            _("This file is not an Excel .xlsx workbook. %(fix)s") % {"fix": _save_as_xlsx()}
        )
    return [grid]


# --- SpreadsheetML (Excel 2003 XML) --------------------------------------------------------------

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _xml_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def _read_spreadsheetml(content: bytes):
    from lxml import etree

    try:
        root = etree.fromstring(content, parser=_xml_parser())
    except etree.XMLSyntaxError:
        raise ApplicationError(
            _("This Excel 2003 XML workbook is damaged. %(fix)s") % {"fix": _save_as_xlsx()}
        ) from None
    grids = []
    for ws in root.iter(f"{_SS}Worksheet"):
        grid = Grid(name=ws.get(f"{_SS}Name") or str(len(grids) + 1))
        table = ws.find(f"{_SS}Table")
        merges = []
        if table is not None:
            declared_rows = int(table.get(f"{_SS}ExpandedRowCount") or 0)
            declared_cols = int(table.get(f"{_SS}ExpandedColumnCount") or 0)
            if declared_rows > MAX_SHEET_ROWS or declared_cols > MAX_COLUMNS * 4:
                raise _too_big(declared_rows, declared_cols, grid.name)
            r = 0
            for row_el in table.iter(f"{_SS}Row"):
                r = int(row_el.get(f"{_SS}Index") or r + 1)
                if r > MAX_SHEET_ROWS:
                    raise _too_big(r, declared_cols, grid.name)
                while len(grid.rows) < r:
                    grid.rows.append([])
                row, c = grid.rows[r - 1], 0
                for cell in row_el.iter(f"{_SS}Cell"):
                    c = int(cell.get(f"{_SS}Index") or c + 1)
                    across = int(cell.get(f"{_SS}MergeAcross") or 0)
                    down = int(cell.get(f"{_SS}MergeDown") or 0)
                    if across or down:
                        merges.append((r, c, r + down, c + across))
                    data = cell.find(f"{_SS}Data")
                    if c <= MAX_COLUMNS:
                        while len(row) < c:
                            row.append(None)
                        row[c - 1] = _ss_value(data)
                    c += across
            for _extra in range(max((m[2] for m in merges), default=0) - len(grid.rows)):
                grid.rows.append([])
        _trim(grid)
        _fill_merges(grid, merges)
        grids.append(grid)
    return grids


def _ss_value(data):
    if data is None:
        return None
    text = "".join(data.itertext())
    kind = data.get(f"{_SS}Type")
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and abs(number) < 1e15 else number
    if kind == "DateTime":
        try:
            return dt.datetime.fromisoformat(text[:19])
        except ValueError:
            return text
    return text or None


# --- HTML tables (what "save as web page" or many web systems export under an .xls name) -------


def _read_html(content: bytes):
    from lxml import etree, html

    try:
        parser = html.HTMLParser(encoding=_html_encoding(content), no_network=True, huge_tree=False)
        root = html.fromstring(content, parser=parser)
    except (etree.ParserError, ValueError):
        raise ApplicationError(
            _("This web page (HTML) file is damaged. %(fix)s") % {"fix": _save_as_xlsx()}
        ) from None
    grids = []
    for t, table in enumerate(root.iter("table"), start=1):
        grid = Grid(name=_("table %(n)s") % {"n": t})
        pending = {}  # (row, column) → value carried down by a rowspan
        r = 0
        for tr in table.iter("tr"):
            if tr.getparent() is not None and _outer_table(tr) is not table:
                continue  # a nested table's row
            r += 1
            if r > MAX_SHEET_ROWS:
                raise _too_big(r, MAX_COLUMNS, grid.name)
            row, c = [], 0
            cells = [el for el in tr if el.tag in ("td", "th")]
            for el in cells:
                while (r, c + 1) in pending:
                    c += 1
                    row.append(pending.pop((r, c)))
                text = " ".join(x.strip() for x in el.itertext() if x.strip()) or None
                text = "\n".join(p.strip() for p in (text or "").split("\n")) or None
                colspan = min(_span(el.get("colspan")), MAX_COLUMNS)
                rowspan = min(_span(el.get("rowspan")), MAX_SHEET_ROWS)
                for _k in range(colspan):
                    c += 1
                    if c > MAX_COLUMNS:
                        break
                    row.append(text)
                    for down in range(1, rowspan):
                        pending[(r + down, c)] = text
            while (r, c + 1) in pending:
                c += 1
                row.append(pending.pop((r, c)))
            grid.rows.append(row)
        _trim(grid)
        if grid.rows:
            grids.append(grid)
    if not grids:
        raise ApplicationError(
            _("This web page (HTML) file holds no table. %(fix)s") % {"fix": _save_as_xlsx()}
        )
    return grids


def _outer_table(el):
    while el is not None and el.tag != "table":
        el = el.getparent()
    return el


def _span(value):
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _html_encoding(content: bytes):
    if content.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    m = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", content[:4096], re.IGNORECASE)
    if m:
        name = m.group(1).decode("ascii").lower()
        return "gb18030" if name in ("gbk", "gb2312", "gb18030") else name
    try:
        content.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"
