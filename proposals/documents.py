"""Document builders for proposals: plain data in, bytes out, no ORM."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from renda.core import xlsx
from renda.core.cutoff import cutoff_sentence
from renda.core.docx_official import SIZE_5, OfficialDocument
from renda.core.organs import Organs, township_organs

from .report_data import AssignmentSheetData, HandlingReportData


def date_text(d):
    if not d:
        return ""
    return _("%(year)s-%(month)s-%(day)s") % {"year": d.year, "month": d.month, "day": d.day}


def short_date(d):
    """2025.4.10: a date on one line of a narrow table column."""
    return f"{d.year}.{d.month}.{d.day}" if d else ""


def pct(value):
    return "—" if value is None else f"{value:.1f}%"


# The register's columns in print order: (header, width, index in a row of
# proposal_register_rows, kind). Rows keep their historical positions; the on-time, met and
# closing-date columns were added at the end of the row and are printed where they belong.
def register_columns():
    return [
        (_("Township"), 10, 0, "text"),
        (_("Number"), 13, 1, "text"),
        (_("Kind"), 6, 2, "text"),
        (_("Title"), 34, 3, "text"),
        (_("Category"), 11, 4, "text"),
        (_("Lead deputy"), 9, 5, "text"),
        (_("Co-signers"), 18, 6, "text"),
        (_("Submitted on"), 11, 7, "date"),
        (_("Key suggestion"), 6, 19, "flag"),
        (_("State"), 9, 8, "text"),
        (_("Lead unit"), 16, 9, "text"),
        (_("Assisting units"), 18, 10, "text"),
        (_("Responsible leader"), 9, 11, "text"),
        (_("Assigned on"), 11, 12, "date"),
        (_("Deadline"), 11, 13, "date"),
        (_("Replied on"), 11, 14, "date"),
        (_("Replied on time"), 6, 20, "answer"),
        (_("Met the deputy"), 6, 21, "answer"),
        (_("Outcome"), 16, 15, "text"),
        (_("Rating"), 10, 16, "text"),
        (_("Round"), 5, 17, "number"),
        (_("Closed on"), 11, 22, "date"),
        (_("Overdue"), 6, 18, "flag"),
    ]


def register_headers():
    return [header for header, _w, _i, _k in register_columns()]


REPLIED_ON, OVERDUE, DEADLINE = 14, 18, 13


def register_workbook(*, title, rows, progress=None, total=None, author=""):
    """The formatted register (台账): write-only workbook, one row per proposal, on A3 landscape
    one page wide (every column on page 1), header repeated, page numbers in the footer."""
    wb = xlsx.new_workbook(write_only=True)
    ws = wb.create_sheet(_("Register"))
    columns = register_columns()
    xlsx.page_setup(ws, title_rows="2:2", freeze="C3", paper=xlsx.A3)
    for i, (_h, width, _i, _k) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    _register_heading(ws, title=title, columns=columns, border=border)
    body = _RegisterBody(ws, columns=columns, border=border)
    n = 0
    for row in rows:
        ws.append(body.cells(row))
        n += 1
        if progress and total and n % 500 == 0:
            progress(10 + 80 * n / total)
    ws.print_options.gridLines = False
    return xlsx.save(wb, title=title, author=author)


def _register_heading(ws, *, title, columns, border) -> None:
    """The title row and the header row (repeated on every printed page)."""
    title_cell = xlsx.cell(ws, title)
    title_cell.font = Font(bold=True, size=14)
    ws.append([title_cell])
    header_cells = []
    fill = PatternFill("solid", fgColor="F2DCDB")
    for h, _w, _i, _k in columns:
        c = xlsx.cell(ws, h)
        c.font = Font(bold=True)
        c.fill = fill
        c.border = border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(c)
    ws.append(header_cells)


class _RegisterBody:
    """Turns a row of proposal_register_rows into the register's styled cells, in print order."""

    def __init__(self, ws, *, columns, border):
        self.ws = ws
        self.columns = [(index, kind) for _h, _w, index, kind in columns]
        self.yes, self.no = _("yes"), _("no")
        wrap = Alignment(vertical="top", wrap_text=True)
        red = Font(color="C00000", bold=True)
        # one of a few styles per body cell (plain / date, red when overdue): the attributes of
        # each, set on its first cell and shared by the others (StyleCache)
        self.attrs = {
            (is_date, is_red): {
                "border": border,
                "alignment": wrap,
                **({"number_format": xlsx.DATE} if is_date else {}),
                **({"font": red} if is_red else {}),
            }
            for is_date in (False, True)
            for is_red in (False, True)
        }
        self.styles = xlsx.StyleCache()

    def cells(self, row):
        if len(row) < 23:
            row = list(row) + [None] * (23 - len(row))
        overdue = bool(row[OVERDUE])
        replied = row[REPLIED_ON] is not None
        ws, cell, attrs, yes, no = self.ws, self.styles.cell, self.attrs, self.yes, self.no
        cells = []
        for index, kind in self.columns:
            value = row[index]
            if kind == "flag":
                value = yes if value else None
            elif kind == "answer":
                value = (yes if value else no) if replied and value is not None else None
            elif kind == "text" and value is not None and not isinstance(value, str):
                value = str(value)
            key = (bool(value) and kind == "date", overdue and index in (DEADLINE, OVERDUE))
            cells.append(cell(ws, value, key, attrs[key]))
        return cells


ASSIGNMENT_CONTENT_CHARS = 150  # what fits the one page of a 交办单 beside the other rows


def _organs(data: AssignmentSheetData | HandlingReportData) -> Organs:
    return data.organs or township_organs(name=data.township)


def assignment_sheet_docx(data: AssignmentSheetData) -> bytes:
    """交办单: one proposal, handed to its lead unit, on one page. The reply goes to the
    township's congress office (镇人大 / 乡人大 / 街道人大工委), signed by its presidium or 工委."""
    organs = _organs(data)
    doc = OfficialDocument(
        _("%(township)s people's congress deputies' motion and suggestion assignment sheet")
        % {"township": data.township},
        author=organs.office,
    )
    doc.paragraph(_("Number: %(number)s") % {"number": data.number}, align="right", indent=False)
    signers = data.lead_deputy or (_("the presidium") if data.by_presidium else "")
    if data.co_signers:
        signers += _(" (co-signed by %(names)s)") % {"names": "、".join(data.co_signers)}
    content = " ".join(p.strip() for p in data.content.splitlines() if p.strip())
    if len(content) > ASSIGNMENT_CONTENT_CHARS:
        content = content[:ASSIGNMENT_CONTENT_CHARS] + _("… (full text in the deputy's original)")
    rows = [
        (_("Title"), data.title),
        (_("Kind"), " / ".join(x for x in (data.kind, data.category) if x)),
        (_("Proposer"), signers),
        (_("Submitted on"), date_text(data.submitted_on)),
        (
            _("Key suggestion"),
            (_("yes, supervised by %(name)s") % {"name": data.supervising_leader})
            if data.is_key
            else _("no"),
        ),
        (_("Lead unit"), data.lead_unit),
        (_("Assisting units"), "、".join(data.assisting_units) or _("none")),
        (_("Responsible leader"), data.responsible_leader),
        (_("Assigned on"), date_text(data.assigned_on)),
        (_("Reply deadline"), date_text(data.deadline)),
    ]
    if data.round > 1:
        rows.append((_("Handling round"), _("second handling after the deputy was dissatisfied")))
    rows.append((_("Content"), content))
    rows.append(
        (
            _("Requirements"),
            _(
                "Please study and handle this item carefully, contact the deputy in person, and send "
                "the written reply (signed by the responsible leader and stamped by the unit) to "
                "%(office)s no later than %(deadline)s, stating the outcome class: A (solved or "
                "adopted), B (being solved or planned) or C (kept for reference because of present "
                "conditions)."
            )
            % {"office": organs.office, "deadline": date_text(data.deadline)},
        )
    )
    doc.table(None, rows, widths_mm=[32, 124], compact=True)
    doc.signature([organs.issuer], date_text=date_text(data.assigned_on))
    return doc.to_bytes()


def handling_report_docx(data: HandlingReportData) -> bytes:
    """办理情况报告: the year's handling of motions and suggestions, figures in the prose, every
    figure as of one cutoff (stated first); the tables' totals and the list of open items are the
    figures the prose gives; signed by the presidium (a 街道: its 人大工委) with the 成文日期."""
    organs = _organs(data)
    names = {"township": data.township, "year": data.year}
    doc = OfficialDocument(author=organs.office)
    doc.properties(
        title=_("Report on the handling of deputies' motions and suggestions of %(township)s in %(year)s")
        % names
    )
    doc.title(
        [
            pgettext("handling report title", "%(township)s on %(year)s") % names,
            pgettext("handling report title", "the handling of deputies' motions and suggestions"),
        ]
    )
    for section in (_handling_intro, _handling_results, _handling_categories, _handling_units):
        section(doc, data)
    _handling_open_items(doc, data, organs)
    dated = data.date
    doc.signature([organs.issuer], date_text=date_text(dated) if dated else _("(date to be set)"))
    return doc.to_bytes()


def _handling_intro(doc: OfficialDocument, data: HandlingReportData) -> None:
    """The cutoff, and what was received and carried over."""
    s = data.stats
    if data.cutoff:
        doc.paragraph(cutoff_sentence(data.cutoff, past=data.cutoff_is_past))
    kinds = "、".join(_("%(kind)s %(n)s items") % {"kind": k, "n": n} for k, n in data.kinds.items()) or _(
        "none"
    )
    figures = {
        "year": data.year,
        "received": s["received"],
        "kinds": kinds,
        "carried": s["carried_over"],
        "total": s["total"],
        "key": data.key_count,
    }
    if s["carried_over"]:
        doc.paragraph(
            _(
                "In %(year)s the township congress received %(received)s motions and suggestions from "
                "deputies (%(kinds)s); together with %(carried)s items carried over from earlier years, "
                "%(total)s items were handled this year, %(key)s of them key suggestions. The handling is "
                "reported as follows:"
            )
            % figures
        )
    else:
        doc.paragraph(
            _(
                "In %(year)s the township congress received %(received)s motions and suggestions from "
                "deputies (%(kinds)s), %(key)s of them key suggestions; no item was carried over from "
                "earlier years. The handling is reported as follows:"
            )
            % figures
        )


def _handling_results(doc: OfficialDocument, data: HandlingReportData) -> None:
    """一、总体情况: closed, replied (with outcome classes), evaluated."""
    doc.heading1(_("1. Overall results"))
    _handling_closed(doc, data.stats)
    _handling_replies(doc, data)


def _handling_closed(doc: OfficialDocument, s: dict[str, Any]) -> None:
    """How many were closed, this year's and (when there are any) those carried over."""
    closed = {
        "closed": s["closed"],
        "received": s["received"],
        "received_closed": s["received_closed"],
        "closed_rate": pct(s["closed_rate"]),
        "closed_on_time": s["closed_on_time"],
        "closed_on_time_rate": pct(s["closed_on_time_rate"]),
        "carried": s["carried_over"],
        "carried_closed": s["carried_closed"],
        "carried_rate": pct(s["carried_closed_rate"]),
    }
    if s["carried_over"]:
        doc.paragraph(
            _(
                "%(closed)s items have been closed. Of the %(received)s items received this year "
                "%(received_closed)s were closed, a completion rate of %(closed_rate)s, %(closed_on_time)s "
                "of them with the reply within its deadline (on-time completion rate "
                "%(closed_on_time_rate)s); of the %(carried)s items carried over from earlier years "
                "%(carried_closed)s were closed (%(carried_rate)s)."
            )
            % closed
        )
    else:
        doc.paragraph(
            _(
                "Of the %(received)s items received this year %(received_closed)s have been closed, a "
                "completion rate of %(closed_rate)s, %(closed_on_time)s of them with the reply within "
                "its deadline (on-time completion rate %(closed_on_time_rate)s)."
            )
            % closed
        )


def _handling_replies(doc: OfficialDocument, data: HandlingReportData) -> None:
    """The units' replies (on time, met in person, outcome classes) and the deputies' ratings."""
    s, o = data.stats, data.outcomes
    replies = _(
        "Handling units replied in writing on %(replied)s items, %(on_time)s of them within the "
        "deadline (on-time reply rate %(on_time_rate)s); units met the deputies in person on %(met)s "
        "items (meeting rate %(met_rate)s). Of the replies, %(a)s were class A (solved or adopted), "
        "%(b)s class B (being solved or planned) and %(c)s class C (kept for reference)."
    ) % {
        "replied": s["replied"],
        "on_time": s["on_time"],
        "on_time_rate": pct(s["on_time_rate"]),
        "met": s["met"],
        "met_rate": pct(s["met_rate"]),
        "a": o.get("A", 0),
        "b": o.get("B", 0),
        "c": o.get("C", 0),
    }
    if data.unclassified:
        replies += _("%(n)s replies gave no outcome class.") % {"n": data.unclassified}
    doc.paragraph(replies)
    doc.paragraph(
        _(
            "Deputies evaluated %(evaluated)s replies; %(satisfied)s were rated satisfied or basically "
            "satisfied, a satisfaction rate of %(satisfied_rate)s. %(rehandled)s items were handled a "
            "second time after the deputy was dissatisfied."
        )
        % {
            "evaluated": s["evaluated"],
            "satisfied": s["satisfied"],
            "satisfied_rate": pct(s["satisfied_rate"]),
            "rehandled": data.rehandled,
        }
    )


def _handling_categories(doc: OfficialDocument, data: HandlingReportData) -> None:
    """二、by category, with the totals of the prose."""
    s = data.stats
    doc.heading1(_("2. By category"))
    if data.by_category:
        rows = [(r.name, r.total, r.closed) for r in data.by_category]
        rows.append((_("Total"), s["total"], s["closed"]))
        doc.table([_("Category"), _("Items"), _("Closed")], rows, widths_mm=[80, 38, 38])
    else:
        doc.paragraph(_("No items this year."))


def _handling_units(doc: OfficialDocument, data: HandlingReportData) -> None:
    """三、the handling units, with the totals of the prose."""
    doc.heading1(_("3. Handling units"))
    if data.units:
        unit_rows = [(u.name, u.total, pct(u.on_time_rate), pct(u.satisfied_rate)) for u in data.units]
        t = data.units_total
        if t:
            unit_rows.append((_("Total"), t.total, pct(t.on_time_rate), pct(t.satisfied_rate)))
        doc.table(
            [_("Handling unit"), _("Items led"), _("On-time reply rate"), _("Satisfaction rate")],
            unit_rows,
            widths_mm=[62, 28, 33, 33],
        )
    else:
        doc.paragraph(_("No items were assigned this year."))
    if data.unassigned:
        doc.paragraph(
            _("%(n)s items have not been assigned to a handling unit yet.") % {"n": data.unassigned}
        )


def _handling_open_items(doc: OfficialDocument, data: HandlingReportData, organs: Organs) -> None:
    """四、the items not closed at the cutoff, and what comes next."""
    doc.heading1(_("4. Problems and next steps"))
    items = data.open_items
    overdue = pgettext("handling report", "overdue")
    if items:
        doc.paragraph(
            _(
                "%(open)s items are not yet closed (listed below), %(overdue)s of them past their "
                "deadline (marked “%(mark)s”); they will be carried over and supervised until they are "
                "closed:"
            )
            % {"open": len(items), "overdue": sum(1 for i in items if i.overdue), "mark": overdue}
        )
        doc.table(
            [_("Number"), _("Title"), _("Lead unit"), _("State"), _("Deadline")],
            [
                (
                    i.number,
                    i.title,
                    i.unit,
                    _("%(state)s (%(overdue)s)") % {"state": i.state, "overdue": overdue}
                    if i.overdue
                    else i.state,
                    short_date(i.deadline),
                )
                for i in items
            ],
            widths_mm=[36, 48, 26, 22, 24],
            font_size=SIZE_5,  # 五号: a date and a number on one line
        )
    else:
        doc.paragraph(_("Every item of the year has been closed."))
    doc.paragraph(
        _(
            "Next, %(organ)s will keep supervising the handling of every item, report progress to each "
            "of its meetings, and improve both the on-time reply rate and the deputies' satisfaction."
        )
        % {"organ": organs.issuer}
    )
