"""Roster import from a secretary's .xlsx: read and check every row (the preview, which writes
nothing), then apply all rows in one transaction once the user confirms.

Duplicates are matched by ID number, else by name + birth date, and become updates. A blank
optional cell keeps what the roster already has; masked phone / ID numbers (from an export
for a reviewer) are ignored when they match the stored value.
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from renda.core.access import mask_id_number, mask_phone
from renda.core.exceptions import ApplicationError

from . import vocab
from .models import Deputy, DeputyGroup, GroupMembership, Mandate
from .naming import name_keys
from .selectors import mandate_active_q
from .services import id_number_check, id_number_normalize

MAX_ROWS = 5000
HEADER_SCAN_ROWS = 10

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
FIELD_COLUMN = {
    "name": "name",
    "gender": "gender",
    "ethnicity": "ethnicity",
    "birth_date": "birth",
    "affiliation": "affiliation",
    "education": "education",
    "work_unit": "work_unit",
    "constituency": "constituency",
    "phone": "phone",
    "id_number": "id_number",
}

# Translated only when a row has an error (they are looked up per row otherwise).
CODED_COLUMNS = (
    ("affiliation", vocab.parse_affiliation, gettext_lazy("political affiliation")),
    ("education", vocab.parse_education, gettext_lazy("education")),
)


@dataclass
class RowOutcome:
    row: int  # the row number in Excel
    name: str
    status: str = NEW
    errors: list = field(default_factory=list)  # [(column header, message)]
    warnings: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # column headers whose value changes
    data: dict = field(default_factory=dict)
    deputy: Deputy | None = None
    add_levels: list = field(default_factory=list)
    group: DeputyGroup | None = None

    def error(self, key, message):
        key = {"birth_date": "birth"}.get(key, key)  # service field names → sheet columns
        self.errors.append((vocab.HEADER_OF.get(key, ""), message))
        self.status = ERROR

    @property
    def status_label(self):
        return {NEW: _("new"), UPDATE: _("update"), UNCHANGED: _("unchanged"), ERROR: _("error")}[self.status]


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)
    file_error: str = ""
    applied: bool = False

    @property
    def counts(self):
        counts = {NEW: 0, UPDATE: 0, UNCHANGED: 0, ERROR: 0}
        for r in self.rows:
            counts[r.status] += 1
        return counts

    @property
    def ok(self):
        return not self.file_error and bool(self.rows) and not any(r.status == ERROR for r in self.rows)

    @property
    def error_rows(self):
        return [r for r in self.rows if r.status == ERROR]


# --- reading the workbook --------------------------------------------------------------------


def _open_sheet(content: bytes):
    head = content[:8]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ApplicationError(
            _(
                "This is an old .xls workbook. Open it in Excel or WPS and save it as .xlsx (Excel 工作簿), then upload that."
            )
        )
    if not head.startswith(b"PK"):
        raise ApplicationError(_("This file is not an Excel .xlsx workbook."))
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ApplicationError(_("This file is not an Excel .xlsx workbook, or it is damaged.")) from None
    except Exception:  # openpyxl raises a variety of errors on foreign zip files
        raise ApplicationError(_("This file is not an Excel .xlsx workbook, or it is damaged.")) from None
    return wb, wb.worksheets[0]


def _read_rows(content: bytes):
    """(column map {key: index}, [(excel row number, values)]) or ApplicationError."""
    wb, ws = _open_sheet(content)
    try:
        rows = ws.iter_rows(values_only=True)
        header, header_row, seen_any = None, 0, False
        for number, values in enumerate(rows, start=1):
            if any(vocab.normalize(v) for v in values):
                seen_any = True
            keys = {}
            for i, v in enumerate(values):
                key = vocab.header_key(v)
                if key and key not in keys:
                    keys[key] = i
            if "name" in keys and len(keys) >= 2:
                header, header_row = keys, number
                break
            if number >= HEADER_SCAN_ROWS:
                break
        if header is None:
            if not seen_any:
                raise ApplicationError(_("The first sheet of the workbook is empty."))
            raise ApplicationError(
                _("No header row found: the first rows must hold the column titles, e.g. %(headers)s.")
                % {"headers": "、".join(h for h, _k in vocab.COLUMNS)}
            )
        missing = [vocab.HEADER_OF[k] for k in vocab.REQUIRED_COLUMNS if k not in header]
        if missing:
            raise ApplicationError(
                _("Required columns are missing: %(columns)s.") % {"columns": "、".join(missing)}
            )
        data = []
        for number, values in enumerate(rows, start=header_row + 1):
            if not any(vocab.normalize(v) for v in values):
                continue
            if len(data) >= MAX_ROWS:
                raise ApplicationError(
                    _(
                        "The sheet has more than %(max)s rows. Import at most %(max)s deputies at a time: split the file."
                    )
                    % {"max": MAX_ROWS}
                )
            data.append((number, {k: (values[i] if i < len(values) else None) for k, i in header.items()}))
        if not data:
            raise ApplicationError(_("The sheet has column titles but no deputies below them."))
        return header, data
    except ApplicationError:
        raise
    except Exception:  # a damaged sheet (e.g. a cell pointing past the shared-string table)
        raise ApplicationError(_("This file is not an Excel .xlsx workbook, or it is damaged.")) from None
    finally:
        wb.close()


# --- checking rows ------------------------------------------------------------------------


class _Roster:
    """The township's roster loaded once, for matching and comparing (a fixed number of queries)."""

    def __init__(self, township, term, on):
        self.by_id, self.by_name_birth, self.by_name_month = {}, {}, {}
        for d in Deputy.objects.filter(township=township):
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


def _check_row(number, cells, roster, term, seen):
    # Coded cells are folded to half-width (NFKC); free text keeps its full-width punctuation
    # (（龙泉村）) so an exported roster imports back unchanged.
    text = {
        k: (vocab.plain(v) if k in ("work_unit", "constituency") else vocab.normalize(v))
        for k, v in cells.items()
    }
    name = vocab.clean_name(text.get("name", ""))
    out = RowOutcome(row=number, name=name)
    data = {}
    if not name:
        out.error("name", _("The name is empty."))
    elif len(name) > 30:
        out.error("name", _("The name is too long."))
    data["name"] = name

    gender = None
    if text.get("gender"):
        gender = vocab.parse_gender(text["gender"])
        if gender is None:
            out.error("gender", _("Gender must be 男 or 女, not “%(value)s”.") % {"value": text["gender"]})
    if text.get("ethnicity"):
        eth = vocab.parse_ethnicity(text["ethnicity"])
        if eth is None:
            out.error(
                "ethnicity",
                _("“%(value)s” is not one of the 56 ethnic groups.") % {"value": text["ethnicity"]},
            )
        data["ethnicity"] = eth
    birth, month_only = None, False
    raw_birth = cells.get("birth")
    if vocab.normalize(raw_birth):
        parsed = vocab.parse_birth(raw_birth)
        if parsed is None:
            out.error(
                "birth",
                _("“%(value)s” is not a birth date (write e.g. 1968.05 or 1968年5月).")
                % {"value": vocab.normalize(raw_birth)},
            )
        else:
            birth, month_only = parsed
    for key, parse, label in CODED_COLUMNS:
        if text.get(key):
            value = parse(text[key])
            if value is None:
                out.error(
                    key, _("“%(value)s” is not a known %(what)s.") % {"value": text[key], "what": label}
                )
            data[key] = value
    for key in ("work_unit", "constituency"):
        if text.get(key):
            limit = 200 if key == "work_unit" else 100
            if len(text[key]) > limit:
                out.error(key, _("Too long (at most %(n)s characters).") % {"n": limit})
            data[key] = text[key]
    phone_masked = False
    if text.get("phone"):
        phone = vocab.clean_phone(text["phone"])
        if "*" in phone:
            phone_masked = True
        elif not phone.isdigit() or not (7 <= len(phone) <= 12):
            out.error("phone", _("“%(value)s” is not a phone number.") % {"value": text["phone"]})
        data["phone"] = phone
    id_number, id_masked = "", False
    raw_id = cells.get("id_number")
    if isinstance(raw_id, (int, float)) and not isinstance(raw_id, bool) and len(str(int(raw_id))) >= 15:
        out.error(
            "id_number",
            _(
                "The ID number was stored as a number and Excel has rounded it: format the column as text and type it again."
            ),
        )
    elif text.get("id_number"):
        id_number = id_number_normalize(text["id_number"])
        if "*" in id_number:
            id_masked = True
        else:
            try:
                derived_birth, derived_gender = id_number_check(
                    id_number, birth_date=birth, gender=gender, birth_month_only=month_only
                )
            except ApplicationError as exc:
                out.error(exc.field or "id_number", exc.message)
            else:
                birth, month_only = derived_birth, False
                gender = gender or derived_gender
    levels = []
    if not text.get("levels"):
        out.error("levels", _("Give the level(s), e.g. 乡镇 or 县、乡镇."))
    else:
        levels = vocab.parse_levels(text["levels"]) or []
        if not levels:
            out.error(
                "levels",
                _("“%(value)s” is not a level (全国, 省, 市, 县, 乡镇).") % {"value": text["levels"]},
            )
        elif term is None and "township" in levels:
            out.error("levels", _("The township has no current term recorded; ask the administrator."))
    group = None
    if text.get("group"):
        group = roster.group(text["group"])
        if group is None:
            out.error(
                "group",
                _("There is no deputy group “%(value)s” in the current term.") % {"value": text["group"]},
            )

    existing = roster.match(id_number if not id_masked else "", name, birth, month_only) if name else None
    if id_masked and existing is None:
        out.error("id_number", _("A masked ID number (with *) cannot be imported; give the full number."))
    if id_masked and existing is not None and mask_id_number(existing.id_number) != id_number:
        out.error("id_number", _("A masked ID number (with *) cannot be imported; give the full number."))
    if phone_masked:
        if existing is None or mask_phone(existing.phone) != data.get("phone"):
            out.error("phone", _("A masked phone number (with *) cannot be imported; give the full number."))
        data.pop("phone", None)
    if id_number and not id_masked:
        data["id_number"] = id_number
    if gender:
        data["gender"] = gender
    if birth:
        data["birth_date"] = birth

    key = id_number if id_number and not id_masked else (name, birth)
    if key in seen:
        out.error("id_number" if id_number else "name", _("Same person as row %(row)s.") % {"row": seen[key]})
    else:
        seen[key] = number

    if existing is None:
        if not gender and not any(c == vocab.HEADER_OF["gender"] for c, _m in out.errors):
            out.error("gender", _("The gender is empty."))
        if not data.get("ethnicity") and not any(c == vocab.HEADER_OF["ethnicity"] for c, _m in out.errors):
            out.error("ethnicity", _("The ethnicity is empty."))
        if not birth and not any(c == vocab.HEADER_OF["birth"] for c, _m in out.errors):
            out.error("birth", _("The birth date is empty."))
    if out.status == ERROR:
        return out

    out.data, out.group = data, group
    if existing is None:
        out.status = NEW
        out.add_levels = levels
        return out
    out.deputy = existing
    if (
        month_only
        and existing.birth_date
        and (existing.birth_date.year, existing.birth_date.month) == (birth.year, birth.month)
    ):
        data.pop("birth_date", None)
    for fname, value in data.items():
        if value not in (None, "") and getattr(existing, fname) != value:
            out.changes.append(vocab.HEADER_OF[FIELD_COLUMN[fname]])
    have = roster.levels.get(existing.pk, set())
    out.add_levels = [lv for lv in levels if lv not in have]
    if out.add_levels:
        out.changes.append(vocab.HEADER_OF["levels"])
    not_listed = [lv for lv in have if lv not in levels]
    if not_listed:
        out.warnings.append(
            _(
                "Active mandate(s) %(levels)s not in the sheet stay; end them on the deputy's page if they ended."
            )
            % {"levels": vocab.levels_label(not_listed)}
        )
    if group is not None and roster.membership.get(existing.pk) != group.pk:
        out.changes.append(vocab.HEADER_OF["group"])
    else:
        out.group = None
    out.status = UPDATE if out.changes else UNCHANGED
    return out


def roster_import_read(*, township, content: bytes, on: dt.date | None = None) -> ImportResult:
    """Check every row of the workbook against the roster. Writes nothing (the preview)."""
    result = ImportResult()
    on = on or dt.date.today()
    try:
        _header, rows = _read_rows(content)
    except ApplicationError as exc:
        result.file_error = exc.message
        return result
    term = township.current_term(on)
    roster = _Roster(township, term, on)
    seen = {}
    result.rows = [_check_row(number, cells, roster, term, seen) for number, cells in rows]
    result.term = term
    result.on = on
    return result


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
    marks = ", ".join(["%s"] * len(pks))
    sql = f"INSERT INTO {target} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {table} "  # noqa: S608
    sql += f"WHERE {pk_column} IN ({marks}) ORDER BY {pk_column}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *pks])


@transaction.atomic
def roster_import_apply(*, township, result: ImportResult, by):
    """Write a checked import in one transaction. Refuses when any row has an error.

    A fixed number of queries whatever the number of rows (one insert per 500 rows and table):
    the deputies, their history, the mandates, their history, the group moves and their history."""
    if not result.ok:
        raise ApplicationError(_("The sheet has errors; nothing was imported."))
    term = result.term
    history = {"by": by, "reason": _("roster import")}
    new_rows = [r for r in result.rows if r.status == NEW]
    upd_rows = [r for r in result.rows if r.status == UPDATE]
    created = []
    for r in new_rows:
        d = Deputy(township=township, **r.data)
        d.name_pinyin, d.name_initials, d.surname_strokes = name_keys(d.name)
        created.append(d)
        r.deputy = d
    if created:
        Deputy.objects.bulk_create(created, batch_size=500)
        if any(d.pk is None for d in created):  # backends that do not return ids
            ids = dict(Deputy.objects.filter(township=township).values_list("id_number", "pk"))
            for d in created:
                d.pk = d.id = ids.get(d.id_number)
        _history_record(Deputy, pks=[d.pk for d in created], history_type="+", **history)
    fields = set()
    changed = []
    for r in upd_rows:
        d = r.deputy
        for fname, value in r.data.items():
            if value not in (None, "") and getattr(d, fname) != value:
                setattr(d, fname, value)
                fields.add(fname)
                if fname == "name":
                    d.name_pinyin, d.name_initials, d.surname_strokes = name_keys(d.name)
                    fields.update({"name_pinyin", "name_initials", "surname_strokes"})
        changed.append(d)
    if fields and changed:
        Deputy.objects.bulk_update(changed, sorted(fields | {"updated_at"}), batch_size=500)
        _history_record(Deputy, pks=[d.pk for d in changed], history_type="~", **history)
    mandates = []
    start = term.start_date if term else result.on
    for r in new_rows + upd_rows:
        for level in r.add_levels:
            mandates.append(
                Mandate(
                    township=township,
                    deputy=r.deputy,
                    level=level,
                    term=term if level == Mandate.Level.TOWNSHIP else None,
                    term_number=term.number if level == Mandate.Level.TOWNSHIP and term else None,
                    start_date=start,
                )
            )
    if mandates:
        Mandate.objects.bulk_create(mandates, batch_size=500)
        if any(m.pk is None for m in mandates):  # backends that do not return ids: the newest rows
            newest = (
                Mandate.objects.filter(deputy_id__in={m.deputy_id for m in mandates}, start_date=start)
                .values("deputy_id", "level")
                .annotate(last=Max("pk"))
                .values_list("deputy_id", "level", "last")
            )
            ids = {(d, lv): pk for d, lv, pk in newest}
            for m in mandates:
                m.pk = m.id = ids.get((m.deputy_id, m.level))
        _history_record(Mandate, pks=[m.pk for m in mandates], history_type="+", **history)
    moves = [r for r in new_rows + upd_rows if r.group is not None]
    if moves and term is not None:
        left = list(
            GroupMembership.objects.filter(term=term, deputy_id__in=[r.deputy.pk for r in moves]).values_list(
                "pk", flat=True
            )
        )
        if left:  # their "-" history in one query, then one DELETE without a per-row delete signal
            _history_record(GroupMembership, pks=left, history_type="-", **history)
            GroupMembership.objects.filter(pk__in=left)._raw_delete(GroupMembership.objects.db)
        GroupMembership.objects.bulk_create(
            [GroupMembership(township=township, group=r.group, deputy=r.deputy, term=term) for r in moves],
            batch_size=500,
        )
    result.applied = True
    return result.counts


def roster_import(*, township, content: bytes, by, dry_run=False, on=None) -> ImportResult:
    """Check, and unless `dry_run` or any row has an error, write. The command line uses this."""
    result = roster_import_read(township=township, content=content, on=on)
    if result.ok and not dry_run:
        roster_import_apply(township=township, result=result, by=by)
    return result
