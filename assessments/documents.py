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
# Each kind of cell's style: set on the kind's first cell, shared by the others (StyleCache).
STYLES = {
    "title": {"font": TITLE_FONT, "alignment": CENTER},
    "note": {"font": BODY_FONT},
    "head": {"font": HEAD_FONT, "alignment": CENTER, "border": BORDER, "fill": HEAD_FILL},
    "name": {"font": BODY_FONT, "border": BORDER, "alignment": MIDDLE},
    "number": {"font": BODY_FONT, "border": BORDER, "alignment": CENTER, "number_format": "0.0"},
    "body": {"font": BODY_FONT, "border": BORDER, "alignment": CENTER},
    "total": {"font": HEAD_FONT, "border": BORDER, "alignment": CENTER, "number_format": "0.0"},
    "summary": {"font": BODY_FONT, "border": BORDER, "alignment": CENTER},
    "county total": {"font": HEAD_FONT, "border": BORDER, "alignment": CENTER},
}


def _styler(ws):
    """`cell(value, kind)`: a cell of the write-only sheet `ws` holding `value` (None: an empty
    cell, still styled), styled as `kind` (a key of STYLES). One style cache a workbook."""
    wb = ws.parent
    if not hasattr(wb, "_renda_styles"):
        wb._renda_styles = xlsx.StyleCache()
    styled = wb._renda_styles.cell

    def cell(value, kind):
        return styled(ws, value, kind, STYLES[kind])

    return cell


def _row(ws, values, kind):
    """One row's cells, all styled as `kind`."""
    cell = _styler(ws)
    return [cell(value, kind) for value in values]


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


def _sheet_setup(ws, widths, *, header_bottom, freeze, heights):
    """What a write-only sheet needs before its first row: column widths, row heights, print
    setup (header rows from HEADER_TOP to `header_bottom` repeated) and the frozen panes."""
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    for r, height in heights.items():
        ws.row_dimensions[r].height = height
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
    """Fill one write-only worksheet with one township's scoresheet, row by row."""
    items = data["items"]
    before, after = sheet_columns(items)
    columns = _Columns(before, len(items), after)
    top, bottom = HEADER_TOP, HEADER_TOP + 1
    _sheet_setup(
        ws,
        [6, 10, 14] + [9] * len(items) + [8, 8, 6, 10, 16],
        header_bottom=bottom,
        freeze=f"{get_column_letter(columns.first_item)}{bottom + 1}",
        heights={1: 30, top: 32, bottom: 32},
    )
    _title_rows(ws, columns.count, _sheet_title(data), _township_note(data))
    _township_header(ws, items, columns, top=top, bottom=bottom)
    _township_rows(ws, data["rows"])
    _average_row(ws, data["rows"], columns)
    ws.append([])
    _grade_summary(ws, data["rows"])


def _title_rows(ws, n_columns, title, note):
    """Rows 1 and 2: the title and the note, each merged across the sheet's columns."""
    cell = _styler(ws)
    last = get_column_letter(n_columns)
    ws.append([cell(title, "title")])
    xlsx.merge(ws, f"A1:{last}1")
    ws.append([cell(note, "note")])
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
    groups: list[list] = []  # [category, first column, span]
    for col, item in enumerate(items, start=columns.first_item):
        if groups and groups[-1][0] == item["category"]:
            groups[-1][2] += 1
        else:
            groups.append([item["category"], col, 1])
    upper = [*columns.before, *[None] * columns.n_items, *columns.after]
    for category, start_col, _span in groups:
        upper[start_col - 1] = category
    lower = [None] * len(columns.before) + [item["name"] for item in items] + [None] * len(columns.after)
    ws.append(_row(ws, upper, "head"))
    ws.append(_row(ws, lower, "head"))
    n_before, first_after = len(columns.before), columns.first_item + columns.n_items
    for col in [*range(1, n_before + 1), *range(first_after, columns.count + 1)]:
        xlsx.merge(ws, start_row=top, start_column=col, end_row=bottom, end_column=col)
    for _category, start_col, span in groups:
        if span > 1:
            xlsx.merge(
                ws, start_row=top, start_column=start_col, end_row=top, end_column=start_col + span - 1
            )


def _township_rows(ws, rows):
    """One row per deputy."""
    cell = _styler(ws)
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
        ws.append(
            [
                cell(value, "name" if c == 2 else "number" if isinstance(value, float) else "body")
                for c, value in enumerate(values, start=1)
            ]
        )


def _average_row(ws, rows, columns: _Columns):
    """Averages of every numeric column, as values consistent with the page."""
    values: list = [None] * columns.count
    values[1] = _("Average")
    count = len(rows)
    n_before = len(columns.before)
    for c in range(columns.first_item, columns.first_item + columns.n_items + 2):
        numbers = [v for v in (_col_values(rows, c - n_before - 1, columns.n_items)) if v is not None]
        values[c - 1] = round(sum(numbers) / count, 1) if count else None
    ws.append(_row(ws, values, "total"))


def _grade_summary(ws, rows):
    grades = {}
    for row in rows:
        grades[row["grade"]] = grades.get(row["grade"], 0) + 1
    summary = "；".join(f"{g} {n}" for g, n in grades.items())
    text = _("Deputies scored: %(n)s; %(grades)s") % {"n": len(rows), "grades": summary}
    ws.append(_row(ws, [text], "note"))


def _col_values(rows, index, n_items):
    for row in rows:
        if index < n_items:
            yield row["cells"][index]
        elif index == n_items:
            yield row["adjustment"]
        else:
            yield row["total"]


def write_group_sheet(ws, *, title, items, rows, with_township=False):
    """The deputy groups' write-only sheet: one row per group in rank order, its items, score
    and rank. rows: [{"township", "name", "members", "cells", "total", "rank"}]."""
    before = ([_("Township")] if with_township else []) + [_("Deputy group"), _("Members scored")]
    after = [_("Group score"), _("Rank")]
    columns = before + [i["name"] for i in items] + after
    _sheet_setup(
        ws,
        ([14] if with_township else []) + [16, 8] + [10] * len(items) + [9, 6],
        header_bottom=HEADER_TOP,
        freeze=f"{get_column_letter(len(before) + 1)}{HEADER_TOP + 1}",
        heights={1: 30, HEADER_TOP: 32},
    )
    note = "；".join(f"{i['name']}：{i.get('explain', '')}" for i in items)
    _title_rows(ws, len(columns), title, note)
    ws.append(_row(ws, columns, "head"))
    cell = _styler(ws)
    for row in rows:
        values = ([row["township"]] if with_township else []) + [
            row["name"],
            row["members"],
            *row["cells"],
            row["total"],
            row["rank"],
        ]
        ws.append([cell(value, "number" if isinstance(value, float) else "body") for value in values])


def _group_title(data):
    return _("%(township)s %(year)s deputy groups' assessment") % {
        "township": data["township"],
        "year": data["year"],
    }


def township_workbook(data) -> bytes:
    wb = xlsx.new_workbook(write_only=True)
    used: set[str] = set()
    write_township_sheet(wb.create_sheet(_safe_title(data["township"], used)), data)
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
    """A summary sheet (one row per township) then one sheet per township; written write-only,
    row by row, every figure computed from `sheets`."""
    wb = xlsx.new_workbook(write_only=True)
    used: set = set()
    title = _("%(county)s %(year)s deputies' performance assessment: summary by township") % {
        "county": county_name,
        "year": year,
    }
    _summary_sheet(wb.create_sheet(_safe_title(_("Summary"), used)), title=title, sheets=sheets)
    for i, data in enumerate(sheets):
        write_township_sheet(wb.create_sheet(_safe_title(data["township"], used)), data)
        if progress:
            progress(50 + 45 * (i + 1) // max(len(sheets), 1))
    with_groups = [data for data in sheets if data.get("group_items")]
    if with_groups:
        _county_group_sheet(wb, used, county_name=county_name, year=year, with_groups=with_groups)
    return xlsx.save(wb, title=title, author=author)


def _summary_sheet(ws, *, title, sheets):
    """One row per township, then the whole county's."""
    columns = summary_columns()
    widths = [14, 10, 10, 9, 9, 9, 8, 8, 10, 8, 10]
    _sheet_setup(ws, widths, header_bottom=HEADER_TOP, freeze="B4", heights={1: 30})
    ws.append(_row(ws, [title], "title"))
    xlsx.merge(ws, f"A1:{get_column_letter(len(columns))}1")
    ws.append([])
    ws.append(_row(ws, columns, "head"))
    summaries = [_summary_values(data) for data in sheets]
    for values in summaries:
        ws.append(_row(ws, values, "summary"))
    all_totals = [r["total"] for data in sheets for r in data["rows"]]
    ws.append(_row(ws, _county_total_values(all_totals, summaries, n_columns=len(columns)), "county total"))


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


def _county_total_values(all_totals, summaries, *, n_columns):
    """Figures of every deputy of the county; the grade and dormant columns summed."""
    return [
        _("Whole county"),
        None,
        len(all_totals),
        round(sum(all_totals) / len(all_totals), 1) if all_totals else None,
        max(all_totals) if all_totals else None,
        min(all_totals) if all_totals else None,
        *(sum(values[c] or 0 for values in summaries) for c in range(6, n_columns)),
    ]


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
