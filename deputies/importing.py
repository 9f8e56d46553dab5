"""Roster import from a secretary's .xlsx: read and check every row (the preview, which writes
nothing), then apply all rows in one transaction once the user confirms.

Duplicates are matched by ID number, else by name + birth date, and become updates. A blank
optional cell keeps what the roster already has; masked phone / ID numbers (from an export
for a reviewer) are ignored when they match the stored value.
"""

import datetime as dt
import functools
import gc
import re
import unicodedata
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from renda.core import bulk
from renda.core.access import authorize, mask_id_number, mask_phone
from renda.core.exceptions import ApplicationError
from renda.core.models import DocumentJob
from renda.core.services import document_file_delete
from renda.core.terms import term_on

from . import sheets, vocab
from .models import Deputy, DeputyGroup, GroupMembership, Mandate
from .naming import name_keys
from .rules import id_number_check, id_number_normalize
from .selectors import mandate_active_q
from .services import group_save, term_change

MAX_ROWS = sheets.MAX_DATA_ROWS
HEADER_SCAN_ROWS = 20

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
FIELD_COLUMN = {
    "name": "name",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "birth_date": "birth",
    "affiliation": "affiliation",
    "democratic_party": "affiliation",
    "education": "education",
    "work_unit": "work_unit",
    "constituency": "constituency",
    "phone": "phone",
    "id_number": "id_number",
}
# A blank here clears the stored value (a deputy who left a democratic party has none).
CLEARABLE = {"democratic_party"}

# Sheets that are never the roster: the template's instructions and example, lists of options.
SKIP_SHEET = re.compile(r"说明|示例|样例|样表|范例|选项|字典|下拉|填写要求")
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "总数", "人数合计", "统计")
FOOTER_WORDS = (
    "填表人",
    "填报人",
    "制表人",
    "制表",
    "审核人",
    "审核",
    "负责人",
    "填表日期",
    "填报日期",
    "报送日期",
    "制表日期",
    "联系人",
    "填表说明",
    "说明",
    "注：",
    "注:",
    "注1",
    "备注：",
    "备注:",
    "单位（盖章）",
    "单位(盖章)",
    "盖章",
)
NOTE_MARKS = re.compile(r"[：:（()）。；;，,!！?？]|^[一二三四五六七八九十]+、|\d")


@dataclass
class RowOutcome:
    row: int  # the row number in the sheet
    name: str
    status: str = NEW
    errors: list = field(default_factory=list)  # [(column header as in the file, message)]
    warnings: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # column headers whose value changes
    data: dict = field(default_factory=dict)
    deputy: Deputy | None = None  # the deputy on the roster the row is (None: a new one)
    created_id: int | None = None  # a new deputy's id, once written
    add_levels: list = field(default_factory=list)
    reelected: bool = False  # an election result's row naming someone already on the roster
    group: DeputyGroup | None = None
    new_group: str = ""  # the name of a group to create for this row
    elected: dt.date | None = None
    headers: dict = field(default_factory=dict, repr=False)
    letters: dict = field(default_factory=dict, repr=False)  # header as in the file → column letter
    election: bool = False

    @property
    def deputy_id(self):
        return self.deputy.pk if self.deputy is not None else self.created_id

    @property
    def error_cells(self):
        """[(column letter, header, message)] for the preview."""
        return [(self.letters.get(c, ""), c, m) for c, m in self.errors]

    def error(self, key, message):
        key = {"birth_date": "birth"}.get(key, key)  # service field names → sheet columns
        self.errors.append((self.headers.get(key) or vocab.HEADER_OF.get(key, ""), message))
        self.status = ERROR

    @property
    def status_label(self):
        if self.status != ERROR and self.reelected:
            return _("re-elected")
        if self.status == NEW and self.election:
            return _("newly elected")
        return {NEW: _("new"), UPDATE: _("update"), UNCHANGED: _("unchanged"), ERROR: _("error")}[self.status]


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    file_error: str = ""
    applied: bool = False
    format: str = ""
    sheet: str = ""  # the sheet read
    sheets: list = field(default_factory=list)  # every sheet of the file
    other_rosters: list = field(default_factory=list)  # further sheets with a roster header, not read
    header_rows: tuple = ()
    columns: list = field(default_factory=list)  # [(letter, header as in the file, field label)]
    unused: list = field(default_factory=list)  # [(letter, header as in the file, cells with a value)]
    skipped: list = field(default_factory=list)  # [(row, reason, text)]
    readings: dict = field(default_factory=dict)  # {column header: {cell text: how it was read}}
    missing_groups: dict = field(default_factory=dict)  # {group name: [rows]}
    create_groups: bool = False
    needs_elected_on: bool = False  # new mandates without an election date, and none given
    elected_on: dt.date | None = None
    term: object = None
    on: dt.date | None = None
    election: bool = False  # an election result for a term change (election_result_read)

    @property
    def counts(self):
        counts = {NEW: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
        for r in self.rows:
            counts[r.status] += 1
        return counts

    @property
    def ok(self):
        return (
            not self.file_error
            and bool(self.rows)
            and not any(r.status == ERROR for r in self.rows)
            and not self.needs_elected_on
            and (self.create_groups or not self.missing_groups)
        )

    @property
    def error_rows(self):
        return [r for r in self.rows if r.status == ERROR]

    @property
    def reelected_count(self):
        return sum(1 for r in self.rows if r.reelected and r.status != ERROR)

    @property
    def newly_elected_count(self):
        return sum(1 for r in self.rows if r.status == NEW)


# --- reading the file ----------------------------------------------------------------------------


@dataclass
class _Layout:
    header: dict  # key → [column index, ...]
    flags: dict  # column index → level, for tick columns under a level group header
    headers: dict  # key → header text as in the file
    header_rows: tuple  # (first, last), 1-based
    unused: list
    post_only: bool = False


def _text(value):
    """A cell's text without any whitespace (header and skip-row matching)."""
    if type(value) is str:
        return _text_of_str(value)
    return "".join(vocab.normalize(value).split())


# The importer reads most cells two or three times, and a roster's columns repeat their values
# (男, 汉族, 中共党员, 1968.05, the constituency): each distinct text is normalised and parsed once.
# The caches are emptied after every read (_forgetting_texts), so no cell outlives its import.
_CACHES: list = []


def _per_read(fn):
    cached = functools.lru_cache(maxsize=1 << 14)(fn)
    _CACHES.append(cached)
    return cached


@_per_read
def _text_of_str(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split())


@_per_read
def _normalized_str(value: str) -> str:
    return vocab.normalize(value)


def _normalized(value):
    return _normalized_str(value) if type(value) is str else vocab.normalize(value)


@_per_read
def _date_of_str(value: str, kind: str, today: dt.date):
    return vocab.parse_date(value, kind=kind, today=today)


def _parsed_date(value, kind, today):
    """vocab.parse_date, once for each distinct text."""
    if type(value) is str:
        return _date_of_str(value, kind, today)
    return vocab.parse_date(value, kind=kind, today=today)


@_per_read
def _levels_of(text: str) -> tuple:
    return tuple(vocab.parse_levels(text) or ())


def _forgetting_texts(read):
    """A read that empties the texts' caches when it is done."""

    @functools.wraps(read)
    def wrapper(**kwargs):
        try:
            return read(**kwargs)
        finally:
            for cached in _CACHES:
                cached.cache_clear()

    return wrapper


def _collector_paused(work):
    """`work` with CPython's cycle collector paused while it runs.

    A read makes tens of thousands of objects that live until it returns (every row's cells and
    outcome: 40,000 at the end of a 5,000-row sheet). The collector counts those that outlive its
    young collections and, once they pass a quarter of the objects already in the process, runs
    a full collection over all of them (310,000 in a web process, of which pypinyin's phrase
    dictionary is 200,000 lists): 0.1-0.3 s, as long as checking the 5,000 rows, plus 300 young
    collections. What the import makes is freed by reference counts as before; the few hundred
    objects in cycles (openpyxl's workbook) wait for the first collection after. Paused by
    whoever finds the collector running and resumed by the same when its work ends (a nested call
    leaves it alone)."""

    @functools.wraps(work)
    def wrapper(*args, **kwargs):
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return work(*args, **kwargs)
        finally:
            if paused:
                gc.enable()

    return wrapper


def _header_keys(values):
    keys = {}
    for i, v in enumerate(values):
        k = vocab.header_key(v)
        if k and k not in keys:
            keys[k] = i
    return keys


def _is_header(values):
    keys = _header_keys(values)
    if "name" not in keys:
        return False
    filled = len({_text(v) for v in values if _text(v)})
    return len(keys) >= 3 or (len(keys) >= 2 and len(keys) == filled)


def _layout(rows, first):
    """Columns of the header found at row index `first` (0-based), with a group row above it or a
    sub-header row below it understood."""
    width = max(len(r) for r in rows[first : first + 2])
    top = rows[first] + [None] * (width - len(rows[first]))
    below = (
        rows[first + 1] + [None] * (width - len(rows[first + 1])) if first + 1 < len(rows) else [None] * width
    )
    above = rows[first - 1] + [None] * (width - len(rows[first - 1])) if first > 0 else [None] * width
    name_col = _header_keys(top)["name"]
    two_rows = False
    if _text(below[name_col]) in ("", _text(top[name_col])):
        for i in range(width):
            t, b = _text(top[i]), _text(below[i])
            if (
                b
                and b != t
                and (vocab.header_key(b) or (vocab.header_key(t) == "levels" and vocab.level_flag(b)))
            ):
                two_rows = True
                break
    header, flags, headers, unused = {}, {}, {}, []
    texts = []
    for i in range(width):
        t, b, a = _text(top[i]), _text(below[i]) if two_rows else "", _text(above[i])
        shown = "/".join(dict.fromkeys(x for x in (t, b) if x))
        key = None
        if two_rows and b and b != t:
            key = vocab.header_key(b)
            if key is None and vocab.header_key(t) == "levels" and vocab.level_flag(b):
                flags[i] = vocab.level_flag(b)
                key = "flag"
        elif vocab.header_key(t) is None and a and vocab.header_key(a) == "levels" and vocab.level_flag(t):
            flags[i] = vocab.level_flag(t)
            key = "flag"
            shown = f"{a}/{t}"
        else:
            key = vocab.header_key(t)
        texts.append(shown)
        if key == "flag":
            headers.setdefault("levels", shown)
            continue
        if key is not None and (key not in header or key == "education"):
            header.setdefault(key, []).append(i)
            headers.setdefault(key, shown)
        elif shown:
            unused.append((i, shown))
    last = first + (2 if two_rows else 1)
    return _Layout(header=header, flags=flags, headers=headers, header_rows=(first + 1, last), unused=unused)


def _skip_reason(values, layout):
    texts = [_text(v) for v in values]
    filled = [t for t in texts if t]
    if not filled:
        return "spacer"
    first = filled[0]
    if any(t.startswith(TOTAL_WORDS) for t in filled[:3]):
        return _("total row")
    if first.startswith(FOOTER_WORDS):
        return _("footer or note")
    keys = {vocab.header_key_of_text(t) for t in filled} - {None}
    if "name" in keys and len(keys) >= max(2, len(layout.header) // 2):
        return _("header repeated")
    if all(t.isdigit() for t in filled) and len(filled) >= 3:
        numbers = [int(t) for t in filled]
        if numbers == list(range(numbers[0], numbers[0] + len(numbers))):
            return _("column numbers")
    distinct = set(filled)
    name_cols = layout.header.get("name", [])
    name_text = texts[name_cols[0]] if name_cols and name_cols[0] < len(texts) else ""
    if (
        len(distinct) == 1
        and (len(filled) > 1 or not name_text)
        and (len(first) > 6 or NOTE_MARKS.search(first))
    ):
        return _("title or note")
    if len(distinct) == 1 and len(filled) == 1 and not name_text and len(layout.header) >= 3:
        return _("title or note")
    return None


def _find_roster(grids):
    """(grid, header row index, other roster sheet names, sheets looked at) or (None, …)."""
    found, others, looked = None, [], []
    for grid in grids:
        if grid.hidden or SKIP_SHEET.search(grid.name):
            continue
        looked.append(grid.name)
        for i, values in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
            if _is_header(values):
                if found is None:
                    found = (grid, i)
                else:
                    others.append(grid.name)
                break
    return found, others, looked


def _read_rows(content: bytes, result: ImportResult):
    """[(sheet row number, {key: value})], filling the result's account of the layout."""
    grid, first = _roster_sheet(content, result)
    layout = _layout(grid.rows, first)
    result.header_rows = layout.header_rows
    _require_columns(layout, grid.name, election=result.election)
    data, counts = _data_rows(grid, layout, result)
    if not data:
        raise ApplicationError(_("The sheet has column titles but no deputies below them."))
    _account_columns(result, grid, layout, counts)
    return layout, data


def _roster_sheet(content, result):
    """(the sheet with the roster, its header row index); a message when the file has none."""
    result.format, grids = sheets.read_grids(content)
    result.sheets = [g.name for g in grids]
    found, others, looked = _find_roster(grids)
    if found is None:
        if not any(any(_text(v) for v in row) for g in grids for row in g.rows):
            raise ApplicationError(_("The file is empty."))
        raise ApplicationError(
            _(
                "No header row found in the first %(n)s rows of %(sheets)s: the roster needs a row of column "
                "titles with 姓名 and other columns, e.g. %(headers)s."
            )
            % {
                "n": HEADER_SCAN_ROWS,
                "sheets": "、".join(f"「{n}」" for n in looked) or _("the file"),
                "headers": "、".join(h for h, _k in vocab.TEMPLATE_COLUMNS),
            }
        )
    grid, first = found
    result.sheet, result.other_rosters = grid.name, others
    return grid, first


def _require_columns(layout, sheet, *, election):
    has = set(layout.header) | ({"levels"} if layout.flags else set())
    # An election result lists township deputies only: no level column; the new people's gender
    # and birth date are asked for row by row (an ID number gives both).
    required = ("name",) if election else ("name", "levels")
    missing = [vocab.HEADER_OF[k] for k in required if k not in has]
    if not election:
        missing += [
            vocab.HEADER_OF[k] for k in ("gender", "birth") if k not in has and "id_number" not in has
        ]
    if missing:
        raise ApplicationError(
            _("Required columns are missing in sheet “%(sheet)s”: %(columns)s.")
            % {"sheet": sheet, "columns": "、".join(missing)}
        )


def _data_rows(grid, layout, result):
    """The deputies' rows below the header (totals, notes, repeated headers skipped and listed), and
    how many cells of each unused column have a value."""
    data, counts = [], {}
    for number, values in enumerate(grid.rows[layout.header_rows[1] :], start=layout.header_rows[1] + 1):
        reason = _skip_reason(values, layout)
        if reason == "spacer":
            continue
        if reason:
            shown = "  ".join(dict.fromkeys(vocab.plain(v) for v in values if vocab.plain(v)))
            result.skipped.append((number, reason, shown[:80]))
            continue
        if len(data) >= MAX_ROWS:
            raise ApplicationError(
                _(
                    "The sheet has more than %(max)s rows. Import at most %(max)s deputies at a time: split the file."
                )
                % {"max": MAX_ROWS}
            )
        data.append((number, _row_cells(values, layout)))
        for i, _shown in layout.unused:
            if i < len(values) and _text(values[i]):
                counts[i] = counts.get(i, 0) + 1
    return data, counts


def _row_cells(values, layout):
    """{key: cell value}; education keeps every column given, tick columns become `flags`."""
    cells, n = {}, len(values)
    for key, cols in layout.header.items():
        if key == "education":
            cells[key] = [values[i] if i < n else None for i in cols]
        else:
            cells[key] = values[cols[0]] if cols[0] < n else None
    for i in sorted(layout.flags):
        if i < len(values) and _text(values[i]):
            cells.setdefault("flags", []).append((layout.flags[i], _text(values[i])))
    return cells


def _account_columns(result, grid, layout, counts):
    """The preview's account of the columns: which were read as what, which were not read."""
    result.columns = [
        (get_column_letter(cols[0] + 1), layout.headers[key], vocab.FIELD_LABEL[key])
        for key, cols in sorted(layout.header.items(), key=lambda kv: kv[1][0])
    ] + [(get_column_letter(i + 1), "", vocab.LEVEL_LABEL[lv]) for i, lv in sorted(layout.flags.items())]
    result.columns.sort(key=lambda c: (len(c[0]), c[0]))
    result.unused = [(get_column_letter(i + 1), shown, counts.get(i, 0)) for i, shown in layout.unused]
    result.unused += [
        (get_column_letter(i + 1), "", n) for i, n in sorted(_unheaded_counts(grid.rows, layout).items())
    ]


def _unheaded_counts(rows, layout):
    """Columns with values but no header: listed too, so nothing is dropped without a word."""
    used = (
        {i for cols in layout.header.values() for i in cols}
        | set(layout.flags)
        | {i for i, _s in layout.unused}
    )
    counts = {}
    for values in rows[layout.header_rows[1] :]:
        for i, v in enumerate(values):
            if i not in used and _text(v):
                counts[i] = counts.get(i, 0) + 1
    return counts


# --- checking rows ------------------------------------------------------------------------


class _Roster:
    """The township's roster loaded once, for matching and comparing (a fixed number of queries)."""

    def __init__(self, township, term, on):
        self.by_id, self.by_name_birth, self.by_name_month, self.by_name = {}, {}, {}, {}
        for d in Deputy.objects.filter(township=township):
            self.by_name.setdefault(d.name, []).append(d)
            if d.id_number:
                self.by_id[d.id_number] = d
            if d.birth_date:
                self.by_name_birth.setdefault((d.name, d.birth_date), []).append(d)
                self.by_name_month.setdefault((d.name, d.birth_date.year, d.birth_date.month), []).append(d)
        self.levels = {}
        for deputy_id, level in Mandate.objects.filter(
            mandate_active_q(on=on), township=township
        ).values_list("deputy_id", "level"):
            self.levels.setdefault(deputy_id, set()).add(level)
        self.groups_by_name, self.groups_by_number = {}, {}
        self.membership = {}
        if term is not None:
            for g in DeputyGroup.objects.filter(township=township, term=term):
                self.groups_by_name[vocab.clean_name(vocab.normalize(g.name))] = g
                self.groups_by_number[g.number] = g
            self.membership = dict(
                GroupMembership.objects.filter(term=term, township=township).values_list(
                    "deputy_id", "group_id"
                )
            )

    def match(self, id_number, name, birth, month_only):
        if id_number and id_number in self.by_id:
            return self.by_id[id_number]
        if not birth:
            return None
        if month_only:
            found = self.by_name_month.get((name, birth.year, birth.month), [])
        else:
            found = self.by_name_birth.get((name, birth), [])
        found = [d for d in found if not d.id_number or not id_number]
        return found[0] if len(found) == 1 else None

    def group(self, text):
        g = self.groups_by_name.get(vocab.clean_name(text))
        if g is None:
            number = vocab.parse_group_number(text)
            g = self.groups_by_number.get(number) if number else None
        return g


def _read(readings, header, raw, shown):
    """Remember how a cell was read, for the preview ("中国民主同盟 → 民主党派（民盟）")."""
    if raw != shown:
        seen = readings.setdefault(header, {})
        if len(seen) < 40:
            seen.setdefault(raw, shown)


# Coded cells are folded to half-width (NFKC); free text keeps its full-width punctuation
# (（龙泉村）) so an exported roster imports back unchanged.
FREE_TEXT = ("work_unit", "constituency", "post", "group")


@dataclass
class _RowCheck:
    """One row being checked: its cells, what the column checkers have read so far (later
    checkers use earlier ones' readings: the ID number confirms the birth date and gender, the
    term is checked against the levels), and the outcome."""

    number: int
    cells: dict
    ctx: "_Context"
    text: dict
    out: RowOutcome
    data: dict = field(default_factory=dict)
    gender: str | None = None
    birth: dt.date | None = None
    month_only: bool = False
    phone_masked: bool = False
    id_number: str = ""
    id_masked: bool = False
    levels: list = field(default_factory=list)
    level_text: str = ""
    elected: dt.date | None = None
    group: DeputyGroup | None = None
    new_group: str = ""
    existing: Deputy | None = None

    def read(self, key, raw, shown):
        _read(self.ctx.readings, self.ctx.headers[key], raw, shown)


def _check_row(number, cells, ctx):
    text = {
        k: (vocab.plain(v) if k in FREE_TEXT else _normalized(v))
        for k, v in cells.items()
        if k not in ("education", "flags")
    }
    name = vocab.clean_name(text.get("name", ""))
    out = RowOutcome(row=number, name=name, headers=ctx.headers, letters=ctx.letters, election=ctx.election)
    row = _RowCheck(number=number, cells=cells, ctx=ctx, text=text, out=out)
    for check in _COLUMN_CHECKS + _ROW_CHECKS:
        check(row)
    if out.status == ERROR:
        return out
    return _row_outcome(row)


# --- one column each, in this order (the preview lists a row's errors in it) ---


def _check_name(row):
    name = row.out.name
    if not name:
        row.out.error("name", _("The name is empty."))
    elif len(name) > 30:
        row.out.error("name", _("The name is too long."))
    row.data["name"] = name


def _check_gender(row):
    value = row.text.get("gender")
    if value:
        row.gender = vocab.parse_gender(value)
        if row.gender is None:
            row.out.error("gender", _("Gender must be 男 or 女, not “%(value)s”.") % {"value": value})


def _check_ethnicity(row):
    value = row.text.get("ethnicity")
    if value:
        eth = vocab.parse_ethnicity(value)
        if eth is None:
            row.out.error(
                "ethnicity", _("“%(value)s” is not one of the 56 ethnic groups.") % {"value": value}
            )
        row.data["ethnicity"] = eth


def _check_birth(row):
    raw = row.cells.get("birth")
    text = _normalized(raw)
    if not text:
        return
    parsed = _parsed_date(raw, "birth", row.ctx.on)
    if parsed is None:
        row.out.error(
            "birth",
            _("“%(value)s” is not a birth date (write e.g. 1968.05 or 1968年5月).") % {"value": text},
        )
        return
    row.birth, row.month_only = parsed
    if not isinstance(raw, (dt.date, dt.datetime)):
        _read(row.ctx.readings, row.ctx.headers.get("birth", ""), vocab.plain(raw), vocab.date_label(*parsed))


def _check_affiliation(row):
    value = row.text.get("affiliation")
    if not value:
        return
    parsed = vocab.parse_affiliation(value)
    if parsed is None:
        row.out.error(
            "affiliation",
            _("“%(value)s” is not a political affiliation (write e.g. %(examples)s).")
            % {"value": value, "examples": "中共党员、共青团员、民盟盟员、无党派人士、群众"},
        )
        return
    code, party = parsed
    row.data["affiliation"] = code
    row.data["democratic_party"] = party if party else (None if code == "dem" else "")
    row.read("affiliation", value, vocab.affiliation_label(code, party))


def _check_education(row):
    """Several education columns (全日制 / 在职) may be given: the highest level is kept."""
    best = None
    for value in [text for text in map(_normalized, row.cells.get("education") or []) if text]:
        code = vocab.parse_education(value)
        if code is None:
            row.out.error(
                "education",
                _("“%(value)s” is not an education level (write e.g. %(examples)s).")
                % {"value": value, "examples": "大学本科、大学专科、中专、高中、初中"},
            )
            continue
        row.read("education", value, vocab.EDUCATION_LABEL[code])
        if best is None or vocab.EDUCATION_RANK.index(code) > vocab.EDUCATION_RANK.index(best):
            best = code
    if best:
        row.data["education"] = best


def _check_unit_and_constituency(row):
    unit, post = row.text.get("work_unit", ""), row.text.get("post", "")
    if post and not unit.endswith(post):
        unit = unit + post
    for key, value, limit in (
        ("work_unit", unit, 200),
        ("constituency", row.text.get("constituency", ""), 100),
    ):
        if value:
            if len(value) > limit:
                row.out.error(key, _("Too long (at most %(n)s characters).") % {"n": limit})
            row.data[key] = value


def _check_phone(row):
    value = row.text.get("phone")
    if not value:
        return
    phone = vocab.clean_phone(value)
    if "*" in phone:
        row.phone_masked = True  # judged once the row is matched (_check_masked)
    elif not phone.isdigit() or not (7 <= len(phone) <= 12):
        row.out.error("phone", _("“%(value)s” is not a phone number.") % {"value": value})
    row.data["phone"] = phone


def _check_id_number(row):
    """The ID number, checked against the birth date and gender read so far; it gives both."""
    raw = row.cells.get("id_number")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and len(str(int(raw))) >= 15:
        row.out.error(
            "id_number",
            _(
                "The ID number was stored as a number and Excel has rounded it: format the column as text and type it again."
            ),
        )
        return
    if not row.text.get("id_number"):
        return
    row.id_number = vocab.clean_id_number(id_number_normalize(row.text["id_number"]))
    if "*" in row.id_number:
        row.id_masked = True
        return
    try:
        derived_birth, derived_gender = id_number_check(
            row.id_number,
            birth_date=row.birth,
            gender=row.gender,
            birth_month_only=row.month_only,
            today=row.ctx.today,
        )
    except ApplicationError as exc:
        row.out.error(exc.field or "id_number", exc.message)
    else:
        row.birth, row.month_only = derived_birth, False
        row.gender = row.gender or derived_gender


def _check_levels(row):
    ctx = row.ctx
    flags = row.cells.get("flags") or []
    row.level_text = "" if ctx.election else row.text.get("levels", "")
    levels = []
    if ctx.election:  # an election result: township deputies of the new term, whatever it says
        flags, levels = [], ["township"]
    elif row.level_text:
        levels = list(_levels_of(row.level_text))
        if not levels:
            row.out.error(
                "levels",
                _("“%(value)s” is not a level (全国, 省, 市, 县, 乡镇; several as 县、乡镇 or 县乡).")
                % {"value": row.level_text},
            )
        else:
            row.read("levels", row.level_text, vocab.levels_label(levels))
    for level, _mark in flags:
        if level not in levels:
            levels.append(level)
    levels.sort(key=vocab.LEVEL_ORDER.index)
    row.levels = levels
    if not row.level_text and not levels:
        row.out.error("levels", _("Give the level(s), e.g. 乡镇 or 县、乡镇."))
    elif ctx.term is None and "township" in levels and not ctx.election:
        row.out.error("levels", _("The township has no current term recorded; ask the administrator."))


def _check_term(row):
    """An election result's rows are for the new term; a roster's township rows for the current one."""
    ctx, value = row.ctx, row.text.get("term")
    if not value:
        return
    if ctx.election:
        expected = ctx.new_term[0]
        mismatch = _("The sheet says term %(given)s but the new term is term %(new)s.")
    elif ctx.term is not None and "township" in row.levels:
        expected = ctx.term.number
        mismatch = _(
            "The sheet says term %(given)s but the current term is term %(current)s: only current "
            "deputies are imported; remove the row or correct the term."
        )
    else:
        return
    number_given = vocab.parse_term_number(value)
    if number_given is None:
        row.out.error("term", _("“%(value)s” is not a term (write e.g. 第十八届).") % {"value": value})
    elif number_given != expected:
        row.out.error("term", mismatch % {"given": number_given, "new": expected, "current": expected})


def _check_elected(row):
    ctx, raw = row.ctx, row.cells.get("elected")
    text = _normalized(raw)
    if not text:
        return
    parsed = _parsed_date(raw, "elected", ctx.on)
    if parsed is None or parsed[1]:
        row.out.error(
            "elected",
            _("“%(value)s” is not a full date of election (write e.g. 2021.12.28).") % {"value": text},
        )
    elif parsed[0] > ctx.on and not ctx.election:  # an election result: bound by the new term
        row.out.error("elected", _("The election date is in the future."))
    else:
        row.elected = parsed[0]
        if not isinstance(raw, (dt.date, dt.datetime)):
            row.read("elected", vocab.plain(raw), vocab.date_label(*parsed))


def _check_group(row):
    ctx, value = row.ctx, row.text.get("group")
    if not value or ctx.election:  # the new term's groups come from the old ones
        return
    row.group = ctx.roster.group(value)
    if row.group is not None:
        return
    if ctx.term is None:
        row.out.error("group", _("The township has no current term recorded; ask the administrator."))
    else:
        row.new_group = vocab.clean_name(value)
        ctx.missing_groups.setdefault(row.new_group, []).append(row.number)


_COLUMN_CHECKS = (
    _check_name,
    _check_gender,
    _check_ethnicity,
    _check_birth,
    _check_affiliation,
    _check_education,
    _check_unit_and_constituency,
    _check_phone,
    _check_id_number,
    _check_levels,
    _check_term,
    _check_elected,
    _check_group,
)


# --- the row as a whole: who it is, and what a new deputy must have ---


def _match_existing(row):
    ctx, name = row.ctx, row.out.name
    if not name:
        return
    row.existing = ctx.roster.match(
        row.id_number if not row.id_masked else "", name, row.birth, row.month_only
    )
    if row.existing is not None or not ctx.election or row.id_number or row.birth:
        return
    # An election result often gives names only: a name is enough when one person has it.
    namesakes = ctx.roster.by_name.get(name, [])
    if len(namesakes) == 1:
        row.existing = namesakes[0]
    elif namesakes:
        row.out.error(
            "name",
            _(
                "%(n)s people named %(name)s are on the roster: give the ID number or the birth "
                "date to say which one was elected."
            )
            % {"n": len(namesakes), "name": name},
        )


def _check_masked(row):
    """A masked number (from an export for a reviewer) is accepted only as the stored one, unchanged."""
    existing = row.existing
    if row.id_masked and (existing is None or mask_id_number(existing.id_number) != row.id_number):
        row.out.error("id_number", _("A masked ID number (with *) cannot be imported; give the full number."))
    if row.phone_masked:
        if existing is None or mask_phone(existing.phone) != row.data.get("phone"):
            row.out.error(
                "phone", _("A masked phone number (with *) cannot be imported; give the full number.")
            )
        row.data.pop("phone", None)


def _keep_identity(row):
    if row.id_number and not row.id_masked:
        row.data["id_number"] = row.id_number
    if row.gender:
        row.data["gender"] = row.gender
    if row.birth:
        row.data["birth_date"] = row.birth


def _check_duplicate(row):
    seen = row.ctx.seen
    key = row.id_number if row.id_number and not row.id_masked else (row.out.name, row.birth)
    if key in seen:
        row.out.error(
            "id_number" if row.id_number else "name", _("Same person as row %(row)s.") % {"row": seen[key]}
        )
    else:
        seen[key] = row.number


def _check_new_deputy_details(row):
    """A new deputy needs gender, ethnicity and birth date (said once: not when the cell was wrong)."""
    if row.existing is not None:
        return
    out, headers = row.out, row.ctx.headers

    def column_has_error(key, default):
        return any(c == headers.get(key, default) for c, _m in out.errors)

    if not row.gender and not column_has_error("gender", "性别"):
        out.error("gender", _("The gender is empty."))
    if not row.data.get("ethnicity") and not column_has_error("ethnicity", "民族"):
        out.error("ethnicity", _("The ethnicity is empty."))
    if not row.birth and not column_has_error("birth", "出生年月"):
        out.error("birth", _("The birth date is empty."))


_ROW_CHECKS = (_match_existing, _check_masked, _keep_identity, _check_duplicate, _check_new_deputy_details)


# --- a row without errors: new, an update, or unchanged ---


def _row_outcome(row):
    out, ctx, existing = row.out, row.ctx, row.existing
    out.data, out.group, out.new_group, out.elected = row.data, row.group, row.new_group, row.elected
    if existing is None:
        out.status = NEW
        out.add_levels = row.levels
        _check_start(out, ctx)
        return out
    out.deputy = existing
    out.reelected = ctx.election
    _note_changed_details(row)
    if ctx.election:  # a new mandate in the new term; the old one ends with the old term
        out.add_levels, out.group = row.levels, None
        _check_start(out, ctx)
        if out.status != ERROR:
            out.status = UPDATE if out.changes else UNCHANGED
        return out
    _note_levels_and_group(row)
    out.status = UPDATE if out.changes else UNCHANGED
    return out


def _note_changed_details(row):
    """The columns whose value differs from the deputy's (a blank cell keeps the stored value)."""
    out, existing, birth, headers = row.out, row.existing, row.birth, row.ctx.headers
    if (
        row.month_only
        and existing.birth_date
        and (existing.birth_date.year, existing.birth_date.month) == (birth.year, birth.month)
    ):
        row.data.pop("birth_date", None)
    for fname, value in row.data.items():
        if value is None or (value == "" and fname not in CLEARABLE):
            continue
        if getattr(existing, fname) != value:
            column = headers.get(FIELD_COLUMN[fname]) or vocab.HEADER_OF[FIELD_COLUMN[fname]]
            if column not in out.changes:
                out.changes.append(column)


def _note_levels_and_group(row):
    """New mandates for levels the deputy lacks (a listed level's active mandate is kept; one not
    listed stays, with a warning), and a move to the row's group."""
    out, existing, headers = row.out, row.existing, row.ctx.headers
    have = row.ctx.roster.levels.get(existing.pk, set())
    out.add_levels = [lv for lv in row.levels if lv not in have]
    if out.add_levels:
        out.changes.append(headers.get("levels") or vocab.HEADER_OF["levels"])
        _check_start(out, row.ctx)
    not_listed = [lv for lv in have if lv not in row.levels]
    if not_listed:
        out.warnings.append(
            _(
                "Active mandate(s) %(levels)s not in the sheet stay; end them on the deputy's page if they ended."
            )
            % {"levels": vocab.levels_label(not_listed)}
        )
    if row.new_group or (
        row.group is not None and row.ctx.roster.membership.get(existing.pk) != row.group.pk
    ):
        out.changes.append(headers.get("group") or vocab.HEADER_OF["group"])
    else:
        out.group = None


def _check_start(out, ctx):
    """A new mandate starts on the row's election date, else on the date the user gives."""
    if not out.add_levels:
        return
    start = out.elected or ctx.elected_on
    if start is None:
        ctx.needs_elected_on = True
        return
    if ctx.election:
        number, first, last = ctx.new_term
        if not (first <= start <= last):
            out.error(
                "elected",
                _("The election date %(date)s is outside the new term (%(first)s – %(last)s).")
                % {
                    "date": start.strftime("%Y.%m.%d"),
                    "first": first.strftime("%Y.%m.%d"),
                    "last": last.strftime("%Y.%m.%d"),
                },
            )
        return
    if ctx.term is not None and "township" in out.add_levels and start < ctx.term.start_date:
        out.error(
            "elected",
            _("The election date %(date)s is before the current term began (%(start)s).")
            % {"date": start.strftime("%Y.%m.%d"), "start": ctx.term.start_date.strftime("%Y.%m.%d")},
        )


@dataclass
class _Context:
    roster: "_Roster"
    term: object
    on: dt.date
    headers: dict
    elected_on: dt.date | None
    seen: dict = field(default_factory=dict)
    readings: dict = field(default_factory=dict)
    missing_groups: dict = field(default_factory=dict)
    needs_elected_on: bool = False
    letters: dict = field(default_factory=dict)
    election: bool = False
    new_term: tuple = ()  # (number, first day, last day) of the term an election result is for
    today: dt.date = field(default_factory=timezone.localdate)  # no ID number's birth date is later


@_collector_paused
@_forgetting_texts
def roster_import_read(
    *,
    township,
    content: bytes,
    on: dt.date | None = None,
    elected_on=None,
    create_groups=False,
    progress=None,
) -> ImportResult:
    """Check every row of the file against the roster. Writes nothing (the preview).

    `elected_on`: the start of new mandates for rows without an election date (the preview asks for
    it when the sheet has no 当选日期 column). `create_groups`: create the groups the sheet names
    that the term does not have yet, instead of refusing those rows. `progress(percent)`: told how
    far the check has come (the preview job's progress bar)."""
    result = ImportResult(on=on or dt.date.today(), elected_on=elected_on, create_groups=create_groups)
    try:
        layout, rows = _read_rows(content, result)
    except ApplicationError as exc:
        result.file_error = exc.message
        return result
    if progress:
        progress(20)
    term = term_on(township=township, on=result.on)
    ctx = _Context(
        roster=_Roster(township, term, result.on),
        term=term,
        on=result.on,
        headers=layout.headers,
        elected_on=elected_on,
        letters={header: letter for letter, header, _label in result.columns if header},
    )
    result.rows = []
    for i, (number, cells) in enumerate(rows):
        result.rows.append(_check_row(number, cells, ctx))
        if progress and i % 200 == 199:
            progress(20 + 75 * i // len(rows))
    result.term = term
    result.readings = ctx.readings
    result.missing_groups = ctx.missing_groups
    result.needs_elected_on = ctx.needs_elected_on
    return result


@_collector_paused
@_forgetting_texts
def election_result_read(
    *,
    township,
    content: bytes,
    number: int,
    start_date: dt.date,
    end_date: dt.date,
    election_date: dt.date | None = None,
    on: dt.date | None = None,
) -> ImportResult:
    """Check an election result (换届选举结果) for the new term `number` [start_date, end_date]
    against the roster. Writes nothing (the term change page's preview).

    The file is read like a roster (same sheets, same column titles); each row is a township
    deputy elected to the new term: someone on the roster (matched by ID number, else name and
    birth date, else by a name only one person has) is re-elected, anyone else is newly elected
    and needs what the roster needs of a new deputy. A row's 当选日期 is the start of the new
    mandate, else `election_date`, else the new term's first day. Levels and groups in the file
    are not read: the new term's groups are set up from the old ones."""
    result = ImportResult(on=on or dt.date.today(), elected_on=election_date or start_date, election=True)
    try:
        layout, rows = _read_rows(content, result)
    except ApplicationError as exc:
        result.file_error = exc.message
        return result
    ctx = _Context(
        roster=_Roster(township, None, result.on),
        term=None,
        on=result.on,
        headers=layout.headers,
        elected_on=result.elected_on,
        letters={header: letter for letter, header, _label in result.columns if header},
        election=True,
        new_term=(number, start_date, end_date),
    )
    result.rows = [_check_row(number_, cells, ctx) for number_, cells in rows]
    result.readings = ctx.readings
    return result


@transaction.atomic
def term_change_with_election_result(
    *,
    township,
    content: bytes,
    number: int,
    start_date: dt.date,
    end_date: dt.date,
    by,
    election_date: dt.date | None = None,
    presidium=(),
    copy_groups: bool = True,
) -> tuple:
    """The 换届 with the election result's file, in one transaction: the file is checked again
    (against the roster as it is now), the term change recorded with the re-elected deputies
    (each from their row's 当选日期), then the newly elected added to the roster with a mandate in
    the new term and the re-elected deputies' changed details written. Refuses the whole step
    when a row has an error. Returns (new term, result). Who may: as services.term_change."""
    authorize(by, allowed=lambda access: access.can_change_term(township))
    result = election_result_read(
        township=township,
        content=content,
        number=number,
        start_date=start_date,
        end_date=end_date,
        election_date=election_date,
    )
    if result.file_error:
        raise ApplicationError(result.file_error, field="election_file")
    if not result.ok:
        raise ApplicationError(
            _("The election result has errors; nothing was recorded. Correct the file and upload it again."),
            field="election_file",
        )
    reelected = [r for r in result.rows if r.deputy is not None]
    new = term_change(
        township=township,
        number=number,
        start_date=start_date,
        end_date=end_date,
        election_date=result.elected_on,
        reelected=[r.deputy for r in reelected],
        starts={r.deputy.pk: r.elected for r in reelected if r.elected},
        presidium=presidium,
        copy_groups=copy_groups,
        by=by,
    )
    for r in reelected:  # their mandates were given by the term change
        r.add_levels = []
    result.term = new
    _roster_write(township=township, result=result, by=by)
    return new, result


def _history_record(model, *, pks, history_type, by, reason):
    """Record one history row per row `pks` of `model`, copied from the table as it is now: one
    INSERT … SELECT. It writes what simple-history's bulk_history_create writes (every tracked
    field, the date, the user, the reason, the type) without building a historical model instance
    per row, which was most of the import's time."""
    if not pks or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    tracked = {f.attname for f in history.tracked_fields}
    source = {f.attname: f.column for f in model._meta.concrete_fields}
    given = {
        "history_date": timezone.now(),
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": by.pk if by is not None else None,
    }
    q = connection.ops.quote_name
    columns, values, params = [], [], []
    for f in history._meta.concrete_fields:
        if f is history._meta.pk:
            continue
        if f.attname in tracked:
            columns.append(q(f.column))
            values.append(q(source[f.attname]))
        elif f.attname in given:
            columns.append(q(f.column))
            values.append("%s")
            params.append(f.get_db_prep_save(given[f.attname], connection))
        else:  # a field this copy does not know how to fill: fail loudly rather than write a wrong row
            raise ImproperlyConfigured(
                f"{history.__name__}.{f.name} is not filled by the roster import's history"
            )
    # Names come from model meta, values are parameters.
    target, table, pk_column = q(history._meta.db_table), q(model._meta.db_table), q(model._meta.pk.column)
    if connection.vendor == "postgresql":  # one array: 5,000 `IN` items took PostgreSQL 9 ms more to parse
        chosen = f"= ANY(%s::{model._meta.pk.rel_db_type(connection)}[])"
        pk_params = ["{" + ",".join(str(int(pk)) for pk in pks) + "}"]
    else:
        chosen, pk_params = f"IN ({', '.join(['%s'] * len(pks))})", list(pks)
    sql = f"INSERT INTO {target} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} "  # noqa: S608
    sql += f"WHERE {pk_column} {chosen} ORDER BY {pk_column}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *pk_params])


def _authorize_import(by, township):
    """The roster import writes deputies, their mandates and groups: township staff of that
    township only (the web page, the command line and a task alike)."""
    authorize(by, township, "deputies.add_deputy")
    authorize(by, township, "deputies.add_mandate")


@transaction.atomic
def roster_import_apply(*, township, result: ImportResult, by):
    """Write a checked import in one transaction. Refuses when any row has an error.

    A fixed number of queries whatever the number of rows (one insert per 500 rows and table):
    the deputies, their history, the mandates, their history, the group moves and their history."""
    _authorize_import(by, township)
    return _roster_write(township=township, result=result, by=by)


@_collector_paused
def _roster_write(*, township, result, by):
    if not result.ok:
        raise ApplicationError(_("The sheet has errors; nothing was imported."))
    term = result.term
    history = {"by": by, "reason": _("roster import")}
    new_rows = [r for r in result.rows if r.status == NEW]
    upd_rows = [r for r in result.rows if r.status == UPDATE]
    _deputies_create(township, new_rows, history)
    _deputies_update(upd_rows, history)
    _mandates_create(township, term, new_rows + upd_rows, elected_on=result.elected_on, history=history)
    _groups_create(township=township, term=term, rows=new_rows + upd_rows, by=by)
    _group_moves(township, term, new_rows + upd_rows, history)
    result.applied = True
    return result.counts


def _deputies_create(township, rows, history):
    """The new deputies (one COPY on PostgreSQL, renda.core.bulk), then their history."""

    def values(r):
        v = {k: value for k, value in r.data.items() if value is not None}
        v["name_pinyin"], v["name_initials"], v["surname_strokes"] = name_keys(v["name"])
        v["township_id"] = township.pk
        return v

    ids = bulk.rows_create(Deputy, rows, values=values)
    for r, pk in zip(rows, ids, strict=True):
        r.created_id = pk
    _history_record(Deputy, pks=ids, history_type="+", **history)


def _deputies_update(rows, history):
    """Write the changed details (a blank cell keeps the stored value), one UPDATE per 500 rows."""
    fields = set()
    changed = []
    for r in rows:
        d = r.deputy
        for fname, value in r.data.items():
            if value is None or (value == "" and fname not in CLEARABLE):
                continue
            if getattr(d, fname) != value:
                setattr(d, fname, value)
                fields.add(fname)
                if fname == "name":
                    d.name_pinyin, d.name_initials, d.surname_strokes = name_keys(d.name)
                    fields.update({"name_pinyin", "name_initials", "surname_strokes"})
        changed.append(d)
    if fields and changed:
        Deputy.objects.bulk_update(changed, sorted(fields | {"updated_at"}), batch_size=500)
        _history_record(Deputy, pks=[d.pk for d in changed], history_type="~", **history)


def _mandates_create(township, term, rows, *, elected_on, history):
    """The rows' new mandates (one COPY on PostgreSQL), then their history."""
    mandates = []
    for r in rows:
        start = r.elected or elected_on
        for level in r.add_levels:
            township_level = level == Mandate.Level.TOWNSHIP and term is not None
            mandates.append(
                {
                    "township_id": township.pk,
                    "deputy_id": r.deputy_id,
                    "level": level,
                    "term_id": term.pk if township_level else None,
                    "term_number": term.number if township_level else None,
                    "start_date": start,
                }
            )
    ids = bulk.rows_create(Mandate, mandates)
    _history_record(Mandate, pks=ids, history_type="+", **history)


def _group_moves(township, term, rows, history):
    """Move the rows naming a group into it (out of their group in the term, if any)."""
    moves = [r for r in rows if r.group is not None]
    if not moves or term is None:
        return
    left = list(
        GroupMembership.objects.filter(term=term, deputy_id__in=[r.deputy_id for r in moves]).values_list(
            "pk", flat=True
        )
    )
    if left:  # their "-" history in one query, then one DELETE without a per-row delete signal
        _history_record(GroupMembership, pks=left, history_type="-", **history)
        GroupMembership.objects.filter(pk__in=left)._raw_delete(GroupMembership.objects.db)
    GroupMembership.objects.bulk_create(
        [GroupMembership(township=township, group=r.group, deputy_id=r.deputy_id, term=term) for r in moves],
        batch_size=500,
    )


def _groups_create(*, township, term, rows, by):
    """The groups the sheet names that the term lacks (the user asked for them): numbered as their
    name says when that number is free, else after the last."""
    names = list(dict.fromkeys(r.new_group for r in rows if r.new_group))
    if not names or term is None:
        return
    taken = set(DeputyGroup.objects.filter(term=term).values_list("number", flat=True))
    made = {}
    for name in names:
        number = vocab.parse_group_number(name)
        if not number or number in taken:
            number = max(taken, default=0) + 1
        taken.add(number)
        group = group_save(township=township, term=term, number=number, name=name[:60], by=by)
        made[name] = group
    for r in rows:
        if r.new_group:
            r.group = made[r.new_group]


def roster_import(
    *, township, content: bytes, by, dry_run=False, on=None, elected_on=None, create_groups=False
) -> ImportResult:
    """Check, and unless `dry_run` or any row has an error, write. The command line uses this.
    A write is refused first thing (before the file is read) to anyone but the township's staff."""
    if not dry_run:
        _authorize_import(by, township)
    result = roster_import_read(
        township=township, content=content, on=on, elected_on=elected_on, create_groups=create_groups
    )
    if result.ok and not dry_run:
        roster_import_apply(township=township, result=result, by=by)
    return result


# --- the preview's copy of the file ------------------------------------------------------------
# The file is kept between the preview and the confirmation only: deleted on confirm, on cancel,
# and by a daily task after PREVIEW_MAX_AGE (it holds personal data).

PREVIEW_MAX_AGE = dt.timedelta(days=1)


def _preview_name(token):
    return f"imports/{token}.upload"


def import_preview_save(*, content: bytes) -> str:
    """Keep the uploaded file until the user confirms or cancels (through the default storage, so
    every web process sees it). Returns the token that names it."""
    token = uuid.uuid4().hex
    default_storage.save(_preview_name(token), ContentFile(content))
    return token


def import_preview_load(*, token: str) -> bytes | None:
    if not re.fullmatch(r"[0-9a-f]{32}", token or "") or not default_storage.exists(_preview_name(token)):
        return None
    with default_storage.open(_preview_name(token), "rb") as f:
        return f.read()


PREVIEW_JOB = "roster_import_preview"


def import_preview_rows(result: ImportResult) -> list[RowOutcome]:
    """Rows with errors first, then changes; unchanged rows last."""
    order = {ERROR: 0, NEW: 1, UPDATE: 2, UNCHANGED: 3}
    return sorted(result.rows, key=lambda r: (order[r.status], r.row))


def import_preview_summary(result: ImportResult) -> dict:
    """What the preview page shows, as plain data: the preview job keeps it as its JSON file and
    the page reads it back."""
    rows = import_preview_rows(result)
    return {
        "file_error": str(result.file_error),
        "sheet": result.sheet,
        "sheets": result.sheets,
        "other_rosters": result.other_rosters,
        "header_rows": list(result.header_rows),
        "columns": [[str(v) for v in c] for c in result.columns],
        "unused": [list(c) for c in result.unused],
        "skipped": [[n, str(reason), text] for n, reason, text in result.skipped],
        "readings": {
            str(h): {str(k): str(v) for k, v in seen.items()} for h, seen in result.readings.items()
        },
        "missing_groups": result.missing_groups,
        "needs_elected_on": result.needs_elected_on,
        "counts": result.counts,
        "row_count": len(result.rows),
        "ready": bool(not result.file_error and result.rows and not result.error_rows),
        "rows": [
            {
                "row": r.row,
                "name": r.name,
                "status": r.status,
                "status_label": str(r.status_label),
                "error_cells": [[str(v) for v in cell] for cell in r.error_cells],
                "changes": [str(c) for c in r.changes],
                "new_group": r.new_group,
                "warnings": [str(w) for w in r.warnings],
            }
            for r in rows
        ],
    }


def _preview_jobs(**filters):
    return DocumentJob.objects.filter(kind=PREVIEW_JOB, file_deleted_at__isnull=True, **filters).exclude(
        file=""
    )


def import_preview_delete(*, token: str) -> None:
    """Delete the kept file and what its preview job wrote (both hold personal data)."""
    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        default_storage.delete(_preview_name(token))
        for job in _preview_jobs(params__token=token):
            document_file_delete(job=job)


def import_previews_cleanup(*, now=None) -> int:
    """Delete preview copies older than a day (the user neither confirmed nor cancelled)."""
    cutoff = (now or timezone.now()) - PREVIEW_MAX_AGE
    for job in _preview_jobs(finished_at__lt=cutoff):
        document_file_delete(job=job)
    try:
        _dirs, files = default_storage.listdir("imports")
    except FileNotFoundError:
        return 0
    removed = 0
    for name in files:
        path = f"imports/{name}"
        if name.endswith((".upload", ".xlsx")) and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed
