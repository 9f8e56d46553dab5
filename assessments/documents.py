"""The scoresheet (考核评分表) workbook: plain data in, .xlsx bytes out. No ORM access.

Sheet layout: title row, a note row, a merged two-row header (item groups over items), one row per
deputy, a closing average row and the grade counts; frozen panes; A4 landscape, header rows
repeated on every printed page.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from renda.core import xlsx

TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEAD_FONT = Font(name="宋体", size=10, bold=True)
BODY_FONT = Font(name="宋体", size=10)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MIDDLE = Alignment(vertical="center")
HEAD_FILL = PatternFill("solid", fgColor="F2DCDB")
HEADER_TOP = 3  # first header row; rows 1-2 hold the title and the note


def _styles(ws):
    wb = ws.parent
    if not hasattr(wb, "_renda_styles"):
        wb._renda_styles = xlsx.StyleCache()
    return wb._renda_styles


def sheet_columns(items):
    """Fixed columns before and after the items (labels translated)."""
    before = [_("No."), _("Name"), _("Deputy group")]
    after = [_("Adjustment"), _("Total"), _("Rank"), _("Grade"), _("Notes")]
    return before, after


def _safe_title(name, used):
    title = "".join(c for c in name if c not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 2
    while title in used:
        suffix = f"({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def _print_setup(ws, header_bottom, freeze):
    xlsx.page_setup(ws, title_rows=f"{HEADER_TOP}:{header_bottom}", freeze=freeze)


def _sheet_title(data):
    return _("%(township)s %(year)s deputies' performance assessment scoresheet") % {
        "township": data["township"],
        "year": data["year"],
    }


@dataclass(frozen=True)
class _Columns:
    """A township sheet's columns: the fixed ones before the items, the items, the fixed ones after."""

    before: list[str]
    n_items: int
    after: list[str]

    @property
    def count(self) -> int:
        return len(self.before) + self.n_items + len(self.after)

    @property
    def first_item(self) -> int:
        return len(self.before) + 1


def write_township_sheet(ws, data):
    """Fill one worksheet with one township's scoresheet."""
    items = data["items"]
    before, after = sheet_columns(items)
    columns = _Columns(before, len(items), after)
    last = get_column_letter(columns.count)
    _title_rows(ws, last, _sheet_title(data), _township_note(data))
    top, bottom = HEADER_TOP, HEADER_TOP + 1
    _township_header(ws, items, columns, top=top, bottom=bottom)
    row_no = _township_rows(ws, data["rows"], first=bottom + 1)
    _average_row(ws, row_no, data["rows"], columns)
    _grade_summary(ws, row_no + 2, data["rows"])
    widths = [6, 10, 14] + [9] * len(items) + [8, 8, 6, 10, 16]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    _print_setup(ws, bottom, ws.cell(row=bottom + 1, column=columns.first_item).coordinate)


def _title_rows(ws, last, title, note):
    xlsx.put(ws, 1, 1, title)
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = CENTER
    xlsx.merge(ws, f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    xlsx.put(ws, 2, 1, note)
    ws["A2"].font = BODY_FONT
    xlsx.merge(ws, f"A2:{last}2")


def _township_note(data):
    t = data["thresholds"]
    note = _(
        "State: %(state)s; computed %(at)s; grades: excellent ≥ %(e)s, competent ≥ %(c)s, basically competent ≥ %(b)s"
    ) % {"state": data["state"], "at": data["computed_at"], "e": t[0], "c": t[1], "b": t[2]}
    if data.get("excellent_max_percent") is not None:
        note += _("; at most %(p)s%% excellent") % {"p": data["excellent_max_percent"]}
    return note


def _township_header(ws, items, columns: _Columns, *, top, bottom):
    """Two header rows: the fixed columns span both; item categories over the items."""
    fixed = [(i + 1, label) for i, label in enumerate(columns.before)] + [
        (columns.first_item + columns.n_items + i, label) for i, label in enumerate(columns.after)
    ]
    for col, label in fixed:
        xlsx.put(ws, top, col, label)
        xlsx.merge(ws, start_row=top, start_column=col, end_row=bottom, end_column=col)
    col = columns.first_item
    groups: list[list] = []  # [category, first column, span]
    for item in items:
        if groups and groups[-1][0] == item["category"]:
            groups[-1][2] += 1
        else:
            groups.append([item["category"], col, 1])
        xlsx.put(ws, bottom, col, item["name"])
        col += 1
    for category, start_col, span in groups:
        xlsx.put(ws, top, start_col, category)
        if span > 1:
            xlsx.merge(
                ws, start_row=top, start_column=start_col, end_row=top, end_column=start_col + span - 1
            )
    styles = _styles(ws)
    for r in (top, bottom):
        ws.row_dimensions[r].height = 32
        for c in range(1, columns.count + 1):
            styles.apply(
                ws.cell(row=r, column=c),
                "head",
                font=HEAD_FONT,
                alignment=CENTER,
                border=BORDER,
                fill=HEAD_FILL,
            )


def _township_rows(ws, rows, *, first):
    """One row per deputy from row `first`; returns the row after the last."""
    styles = _styles(ws)
    row_no = first
    for i, row in enumerate(rows, start=1):
        values = [
            i,
            row["name"],
            row["group"],
            *row["cells"],
            row["adjustment"],
            row["total"],
            row["rank"],
            row["grade"],
            row["note"],
        ]
        for c, value in enumerate(values, start=1):
            cell = xlsx.put(ws, row_no, c, value)
            if c == 2:
                styles.apply(cell, "name", font=BODY_FONT, border=BORDER, alignment=MIDDLE)
            elif isinstance(value, float):
                styles.apply(
                    cell, "number", font=BODY_FONT, border=BORDER, alignment=CENTER, number_format="0.0"
                )
            else:
                styles.apply(cell, "body", font=BODY_FONT, border=BORDER, alignment=CENTER)
        row_no += 1
    return row_no


def _average_row(ws, row_no, rows, columns: _Columns):
    """Averages of every numeric column, as values consistent with the page."""
    xlsx.put(ws, row_no, 2, _("Average"))
    count = len(rows)
    n_before = len(columns.before)
    for c in range(columns.first_item, columns.first_item + columns.n_items + 2):
        values = [v for v in (_col_values(rows, c - n_before - 1, columns.n_items)) if v is not None]
        xlsx.put(ws, row_no, c, round(sum(values) / count, 1) if count else None)
    styles = _styles(ws)
    for c in range(1, columns.count + 1):
        styles.apply(
            ws.cell(row=row_no, column=c),
            "total",
            font=HEAD_FONT,
            border=BORDER,
            alignment=CENTER,
            number_format="0.0",
        )


def _grade_summary(ws, row_no, rows):
    grades = {}
    for row in rows:
        grades[row["grade"]] = grades.get(row["grade"], 0) + 1
    summary = "；".join(f"{g} {n}" for g, n in grades.items())
    xlsx.put(
        ws, row_no, 1, _("Deputies scored: %(n)s; %(grades)s") % {"n": len(rows), "grades": summary}
    ).font = BODY_FONT


def _col_values(rows, index, n_items):
    for row in rows:
        if index < n_items:
            yield row["cells"][index]
        elif index == n_items:
            yield row["adjustment"]
        else:
            yield row["total"]


def write_group_sheet(ws, *, title, items, rows, with_township=False):
    """The deputy groups' sheet: one row per group in rank order, its items, score and rank.
    rows: [{"township", "name", "members", "cells", "total", "rank"}]."""
    before = ([_("Township")] if with_township else []) + [_("Deputy group"), _("Members scored")]
    after = [_("Group score"), _("Rank")]
    columns = before + [i["name"] for i in items] + after
    last = get_column_letter(len(columns))
    xlsx.put(ws, 1, 1, title)
    ws["A1"].font, ws["A1"].alignment = TITLE_FONT, CENTER
    xlsx.merge(ws, f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    xlsx.put(ws, 2, 1, "；".join(f"{i['name']}：{i.get('explain', '')}" for i in items))
    ws["A2"].font = BODY_FONT
    xlsx.merge(ws, f"A2:{last}2")
    styles = _styles(ws)
    for c, label in enumerate(columns, start=1):
        cell = xlsx.put(ws, HEADER_TOP, c, label)
        styles.apply(cell, "head", font=HEAD_FONT, alignment=CENTER, border=BORDER, fill=HEAD_FILL)
    ws.row_dimensions[HEADER_TOP].height = 32
    for r, row in enumerate(rows, start=HEADER_TOP + 1):
        values = ([row["township"]] if with_township else []) + [
            row["name"],
            row["members"],
            *row["cells"],
            row["total"],
            row["rank"],
        ]
        for c, value in enumerate(values, start=1):
            cell = xlsx.put(ws, r, c, value)
            if isinstance(value, float):
                styles.apply(
                    cell, "number", font=BODY_FONT, border=BORDER, alignment=CENTER, number_format="0.0"
                )
            else:
                styles.apply(cell, "body", font=BODY_FONT, border=BORDER, alignment=CENTER)
    widths = ([14] if with_township else []) + [16, 8] + [10] * len(items) + [9, 6]
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    _print_setup(ws, HEADER_TOP, ws.cell(row=HEADER_TOP + 1, column=len(before) + 1).coordinate)


def _group_title(data):
    return _("%(township)s %(year)s deputy groups' assessment") % {
        "township": data["township"],
        "year": data["year"],
    }


def township_workbook(data) -> bytes:
    wb = xlsx.new_workbook()
    ws = wb.active
    used: set[str] = set()
    ws.title = _safe_title(data["township"], used)
    write_township_sheet(ws, data)
    if data.get("group_items"):
        write_group_sheet(
            wb.create_sheet(_safe_title(_("Deputy groups"), used)),
            title=_group_title(data),
            items=data["group_items"],
            rows=data["group_rows"],
        )
    return xlsx.save(wb, title=_sheet_title(data), author=data.get("author", ""))


def summary_columns():
    return [
        _("Township"),
        _("State"),
        _("Deputies scored"),
        _("Average"),
        _("Highest"),
        _("Lowest"),
        _("excellent"),
        _("competent"),
        _("basically competent"),
        _("incompetent"),
        _("Dormant deputies"),
    ]


GRADE_CODES = ["excellent", "competent", "basic", "incompetent"]


def county_workbook(*, county_name, year, sheets, progress=None, author="") -> bytes:
    """A summary sheet (one row per township) then one sheet per township."""
    wb = xlsx.new_workbook()
    ws = wb.active
    used: set = set()
    ws.title = _safe_title(_("Summary"), used)
    _summary_sheet(ws, county_name=county_name, year=year, sheets=sheets)
    for i, data in enumerate(sheets):
        sheet = wb.create_sheet(_safe_title(data["township"], used))
        write_township_sheet(sheet, data)
        if progress:
            progress(50 + 45 * (i + 1) // max(len(sheets), 1))
    with_groups = [data for data in sheets if data.get("group_items")]
    if with_groups:
        _county_group_sheet(wb, used, county_name=county_name, year=year, with_groups=with_groups)
    return xlsx.save(wb, title=str(ws["A1"].value or ""), author=author)


def _summary_sheet(ws, *, county_name, year, sheets):
    """One row per township, then the whole county's."""
    columns = summary_columns()
    last = get_column_letter(len(columns))
    xlsx.put(
        ws,
        1,
        1,
        _("%(county)s %(year)s deputies' performance assessment: summary by township")
        % {"county": county_name, "year": year},
    )
    ws["A1"].font, ws["A1"].alignment = TITLE_FONT, CENTER
    xlsx.merge(ws, f"A1:{last}1")
    ws.row_dimensions[1].height = 30
    styles = _styles(ws)
    for c, label in enumerate(columns, start=1):
        cell = xlsx.put(ws, HEADER_TOP, c, label)
        styles.apply(cell, "head", font=HEAD_FONT, alignment=CENTER, border=BORDER, fill=HEAD_FILL)
    row_no = HEADER_TOP + 1
    all_totals = []
    for data in sheets:
        all_totals.extend(r["total"] for r in data["rows"])
        for c, value in enumerate(_summary_values(data), start=1):
            cell = xlsx.put(ws, row_no, c, value)
            styles.apply(cell, "summary", font=BODY_FONT, border=BORDER, alignment=CENTER)
        row_no += 1
    _county_total_row(ws, row_no, all_totals, n_columns=len(columns))
    for c, w in enumerate([14, 10, 10, 9, 9, 9, 8, 8, 10, 8, 10], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    _print_setup(ws, HEADER_TOP, "B4")


def _summary_values(data):
    """A township's summary row: state, deputies scored, average, highest, lowest, grades, dormant."""
    totals = [r["total"] for r in data["rows"]]
    grades = [sum(1 for r in data["rows"] if r["grade_code"] == g) for g in GRADE_CODES]
    dormant = sum(1 for r in data["rows"] if r["dormant"])
    return [
        data["township"],
        data["state"],
        len(totals),
        round(sum(totals) / len(totals), 1) if totals else None,
        max(totals) if totals else None,
        min(totals) if totals else None,
        *grades,
        dormant,
    ]


def _county_total_row(ws, row_no, all_totals, *, n_columns):
    """Figures of every deputy of the county; the grade and dormant columns summed."""
    first, end = HEADER_TOP + 1, row_no - 1
    xlsx.put(ws, row_no, 1, _("Whole county"))
    xlsx.put(ws, row_no, 3, len(all_totals))
    xlsx.put(ws, row_no, 4, round(sum(all_totals) / len(all_totals), 1) if all_totals else None)
    xlsx.put(ws, row_no, 5, max(all_totals) if all_totals else None)
    xlsx.put(ws, row_no, 6, min(all_totals) if all_totals else None)
    for c in range(7, n_columns + 1):
        xlsx.put(ws, row_no, c, sum(ws.cell(row=r, column=c).value or 0 for r in range(first, end + 1)))
    for c in range(1, n_columns + 1):
        cell = ws.cell(row=row_no, column=c)
        cell.font, cell.border, cell.alignment = HEAD_FONT, BORDER, CENTER


def _county_group_sheet(wb, used, *, county_name, year, with_groups):
    """One sheet for every township's groups: each township ranks its own groups."""
    items = with_groups[0]["group_items"]
    write_group_sheet(
        wb.create_sheet(_safe_title(_("Deputy groups"), used)),
        title=_("%(county)s %(year)s deputy groups' assessment") % {"county": county_name, "year": year},
        items=items,
        rows=[
            {**row, "township": data["township"]}
            for data in with_groups
            for row in data["group_rows"]
            if len(data["group_items"]) == len(items)
        ],
        with_township=True,
    )
