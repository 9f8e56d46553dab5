"""The minutes (会议纪要) of a presidium meeting as an official .docx. Plain data in, bytes out."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from renda.core.docx_official import OfficialDocument
from renda.core.figures import YearAppraisals

from .naming import chinese_number

SEP = "、"


@dataclass(frozen=True)
class Vote:
    votes_for: int
    against: int
    abstain: int
    passed: bool


@dataclass(frozen=True)
class MinutesItem:
    pk: int
    topic: str
    unit: str
    reporter: str
    rank: str
    text: str
    vote: Vote | None  # None: not put to the vote


@dataclass(frozen=True)
class MinutesDecision:
    number: int
    kind: str
    title: str
    text: str
    unit: str
    deadline: dt.date
    agenda_item: int | None  # None: decided outside the agenda items


@dataclass(frozen=True)
class ReportedDecision:
    """An earlier decision reported done at this meeting."""

    number: int
    title: str
    unit: str
    completed_on: dt.date | None


@dataclass(frozen=True)
class MinutesData:
    township: str
    title: str
    subtitle: str
    date: dt.date
    place: str
    chair: str
    member_count: int
    majority_needed: int
    present: list[str]
    absent: list[str]
    non_voting: list[str]
    summary: str
    items: list[MinutesItem]
    decisions: list[MinutesDecision]
    reported: list[ReportedDecision]


def _date(d):
    return f"{d.year}年{d.month}月{d.day}日"


def minutes_docx(data: MinutesData) -> bytes:
    doc = OfficialDocument()
    doc.title(data.title, subtitle=data.subtitle)
    _minutes_opening(doc, data)
    decisions_by_item: dict[int, list[MinutesDecision]] = {}
    loose: list[MinutesDecision] = []
    for d in data.decisions:
        (decisions_by_item.setdefault(d.agenda_item, []) if d.agenda_item else loose).append(d)
    for i, item in enumerate(data.items, start=1):
        _agenda_item(doc, i, item, data)
        for d in decisions_by_item.get(item.pk, []):
            _decision(doc, d)
    if loose:
        heading = _("Other decisions and review opinions")
        doc.heading1(f"{chinese_number(len(data.items) + 1)}、{heading}")
        for d in loose:
            _decision(doc, d)
    _follow_up_reported(doc, data.reported)
    doc.blank()
    doc.paragraph(_("Members attending: ") + (SEP.join(data.present) or _("none")), indent=False)
    if data.absent:
        doc.paragraph(_("Absent: ") + SEP.join(data.absent), indent=False)
    if data.non_voting:
        doc.paragraph(_("Attending without a vote: ") + SEP.join(data.non_voting), indent=False)
    doc.signature(
        [_("Presidium of the %(township)s People's Congress") % {"township": data.township}],
        date_text=_date(data.date),
    )
    return doc.to_bytes()


def _minutes_opening(doc, data: MinutesData):
    """Who met where and when, and how many of the members came; the meeting's summary."""
    opening = _(
        "On %(date)s the presidium of the %(township)s people's congress met at %(place)s, chaired by %(chair)s. "
        "The presidium has %(members)s members; %(present)s attended. The meeting discussed the following matters:"
    ) % {
        "date": _date(data.date),
        "township": data.township,
        "place": data.place or _("the township congress office"),
        "chair": data.chair or _("the chair"),
        "members": data.member_count,
        "present": len(data.present),
    }
    doc.paragraph(opening)
    if data.summary:
        doc.paragraph(data.summary)


def _agenda_item(doc, number, item: MinutesItem, data: MinutesData):
    """An agenda item's heading, who reported, its text and the vote on it."""
    doc.heading1(f"{chinese_number(number)}、{item.topic}")
    if item.unit or item.reporter:
        who = "".join(x for x in (item.unit, item.rank and f"（{item.rank}）", item.reporter) if x)
        doc.paragraph(_("Reported by %(who)s.") % {"who": who})
    if item.text:  # 议案建议办理情况通报: the figures as of the meeting date
        doc.paragraph(item.text)
    vote = item.vote
    if not vote:
        return
    verdict = _("adopted") if vote.passed else _("not adopted (fewer than a majority of all members)")
    doc.paragraph(
        _(
            "Vote: %(for)s for, %(against)s against, %(abstain)s abstaining; %(needed)s votes needed "
            "(a majority of all %(members)s members): %(verdict)s."
        )
        % {
            "for": vote.votes_for,
            "against": vote.against,
            "abstain": vote.abstain,
            "needed": data.majority_needed,
            "members": data.member_count,
            "verdict": verdict,
        }
    )


def _follow_up_reported(doc, reported: list[ReportedDecision]):
    """The earlier decisions reported done at this meeting."""
    if not reported:
        return
    doc.heading2(_("(Follow-up reported at this meeting)"))
    for d in reported:
        doc.paragraph(
            _("No. %(number)s %(title)s (%(unit)s): completed on %(date)s.")
            % {
                "number": d.number,
                "title": d.title,
                "unit": d.unit,
                "date": _date(d.completed_on) if d.completed_on else "",
            }
        )


def _decision(doc, d: MinutesDecision):
    doc.heading2(f"（{d.kind}第{d.number}号）{d.title}")
    doc.paragraph(d.text)
    doc.paragraph(
        _("Responsible unit: %(unit)s; to be completed by %(deadline)s.")
        % {"unit": d.unit, "deadline": _date(d.deadline)}
    )


def appraisals_workbook(yearly: YearAppraisals, *, title: str, author: str = "") -> bytes:
    """The year's appraisals and commendations (year-end bundle): two sheets."""
    from renda.core import xlsx

    wb = xlsx.new_workbook()
    ws = wb.active
    ws.title = _("Appraisals")
    xlsx.page_setup(ws, title_rows="2:2", freeze="A3")
    xlsx.append(ws, [title])
    xlsx.append(ws, [_("Appraised"), _("Kind"), _("Result"), _("Date"), _("Appraised by"), _("Remarks")])
    for a in yearly.appraisals:
        xlsx.append(ws, [a.name, a.subject_label, a.result, a.date.isoformat(), a.by, a.remarks])
    ws2 = wb.create_sheet(_("Commendations"))
    xlsx.page_setup(ws2, title_rows="2:2", freeze="A3")
    xlsx.append(ws2, [title])
    xlsx.append(ws2, [_("Commendation"), _("Commended"), _("Document no."), _("Date"), _("Remarks")])
    for c in yearly.commendations:
        xlsx.append(ws2, [c.kind_label, c.name, c.document_no, c.date.isoformat(), c.remarks])
    for sheet in (ws, ws2):
        for column, width in zip("ABCDEF", (24, 14, 18, 12, 24, 40)):
            sheet.column_dimensions[column].width = width
    return xlsx.save(wb, title=title, author=author)
