"""Dashboard documents: the year-end work report, the deputy archive, the dashboard workbook
and the year-end bundle. Plain data in, bytes out: no ORM access here (the selectors gather
the data first), so they are fast to test.
"""

import copy
import io
import re
import zipfile

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from docx.oxml.ns import qn
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from renda.core import xlsx
from renda.core.archive import DeputyArchive
from renda.core.cutoff import cutoff_sentence
from renda.core.docx_official import OfficialDocument
from renda.core.figures import YearAppraisals
from renda.core.organs import Organs, township_organs

from .report_data import (
    ActivityFigures,
    ContactFigures,
    IssueFigures,
    PlanFigures,
    ProposalFigures,
    ScoreFigures,
    WorkReportData,
)

CN_NUMERALS = "零一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for section numbers)."""
    if n <= 10:
        return CN_NUMERALS[n]
    tens, ones = divmod(n, 10)
    return (CN_NUMERALS[tens] if tens > 1 else "") + "十" + (CN_NUMERALS[ones] if ones else "")


def h1(n, text):
    return _("%(number)s. %(text)s") % {"number": cn_number(n), "text": text}


def h2(n, text):
    return _("(%(number)s) %(text)s") % {"number": cn_number(n), "text": text}


def point(n):
    """一是 / 二是 …"""
    return _("%(number)s is that ") % {"number": cn_number(n)}


def day_text(d):
    return _("%(month)s/%(day)s") % {"month": d.month, "day": d.day} if d else ""


def date_text(d):
    return _("%(year)s/%(month)s/%(day)s") % {"year": d.year, "month": d.month, "day": d.day}


def join_list(items):
    """A、B和C"""
    items = [str(i) for i in items if i]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return _(", ").join(items[:-1]) + _(" and ") + items[-1]


TOPICS_LISTED = 6  # presidium agenda subjects named in the report
CATEGORIES_LISTED = 5  # proposal categories named in the report


def _organs_of(data: WorkReportData) -> Organs:
    """The organ names of the report's township (data.organs, or from its name)."""
    return data.organs or township_organs(name=data.township_name, kind=data.township_kind)


def quarters_text(quarters):
    """Meetings per quarter in words, equal quarters together: "每季度各1次", "第一、二、四季度各1次，
    第三季度2次". Quarters without a meeting are left out (the report says so on its own), and so
    are quarters still to come."""
    counted = [(i, n) for i, n in enumerate(quarters) if n]
    if not counted:
        return ""
    if len(counted) == 4 and len({n for _i, n in counted}) == 1:
        return _("%(n)s in each quarter") % {"n": counted[0][1]}
    by_count: dict = {}
    for i, n in counted:
        by_count.setdefault(n, []).append(cn_number(i + 1))
    parts = []
    for n, names in by_count.items():
        label = _("quarter %(quarters)s") % {"quarters": _(", ").join(names)}
        if len(names) > 1:
            parts.append(_("%(quarters)s %(n)s each") % {"quarters": label, "n": n})
        else:
            parts.append(_("%(quarters)s %(n)s") % {"quarters": label, "n": n})
    return pgettext("between quarter counts", "; ").join(parts)


def pct(value):
    return _("no data") if value is None else f"{value:.1f}%"


# Lines the secretary types: "（一）…" or "(一)…" at the start makes a level-2 heading.
_SUBHEADING = re.compile(r"^\s*[（(][一二三四五六七八九十]+[)）]")


def _free_text(doc, text):
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if _SUBHEADING.match(line) and len(line) <= 40:
            doc.heading2(line)
        else:
            doc.paragraph(line)


# --------------------------------------------------------------------------- work report
def work_report_title(data: WorkReportData) -> str:
    return _("%(township)s %(year)s People's Congress Work Summary") % {
        "township": data.township_name,
        "year": data.year,
    }


def work_report_is_draft(data: WorkReportData) -> bool:
    return not (data.problems or "").strip() or not (data.plans or "").strip() or not data.date


def _section_session(doc: OfficialDocument, data: WorkReportData) -> None:
    sessions = data.sessions
    organs = data.organs
    if not sessions and organs is not None and not organs.has_congress:
        doc.paragraph(
            _(
                "As a subdistrict, %(township)s holds no people's congress session of its own; "
                "%(organ)s organised the county deputies elected here to attend the county people's "
                "congress and to perform their duties."
            )
            % {"township": data.township_name, "organ": organs.congress}
        )
        return
    if not sessions:
        doc.paragraph(
            _(
                "No people's congress session was held in %(year)s; the session required by law "
                "at least once a year is still to be convened."
            )
            % {"year": data.year}
        )
        return
    for s in sessions:
        text = _("On %(date)s we convened the %(session)s.") % {
            "date": day_text(s.start),
            "session": s.name,
        }
        if s.end and s.end != s.start:
            text = _("From %(start)s to %(end)s we convened the %(session)s.") % {
                "start": day_text(s.start),
                "end": day_text(s.end),
                "session": s.name,
            }
        if s.reports:
            text += _(" The session heard, reviewed and approved %(reports)s.") % {
                "reports": join_list(s.reports)
            }
        if s.resolutions:
            text += _(" It passed %(n)s resolutions.") % {"n": s.resolutions}
        if s.elections:
            text += _(" It held %(n)s elections or by-elections according to law.") % {"n": s.elections}
        doc.paragraph(text)
        if s.expected:
            att = _(
                "Of %(expected)s deputies expected, %(present)s attended (attendance %(rate)s); "
                "%(excused)s were absent with leave and %(unexcused)s without leave."
            ) % {
                "expected": s.expected,
                "present": s.present,
                "rate": pct(s.attendance_rate),
                "excused": s.excused,
                "unexcused": s.unexcused,
            }
            if s.speeches:
                att += _(
                    " Deputies took the floor %(n)s times during the review, exercising their "
                    "powers earnestly."
                ) % {"n": s.speeches}
            doc.paragraph(att)


def _section_presidium(doc: OfficialDocument, data: WorkReportData) -> None:
    p = data.presidium
    if not p.applicable:
        doc.paragraph(
            _(
                "As a subdistrict, %(township)s has a people's congress working committee instead "
                "of a presidium; the committee organised the supervision and deputy work described below."
            )
            % {"township": data.township_name}
        )
        return
    quarters = p.per_quarter
    text = _(
        "We kept to the rule of at least one presidium meeting a quarter. In %(year)s the "
        "presidium met %(n)s times"
    ) % {"year": data.year, "n": p.count}
    inner = [quarters_text(quarters)] if p.count else []
    if p.adhoc:
        inner.append(_("including %(n)s ad hoc meetings") % {"n": p.adhoc})
    inner = [part for part in inner if part]
    if inner:
        text += _(" (%(details)s)") % {"details": pgettext("between meeting details", "; ").join(inner)}
    text += _(".")
    missed = [cn_number(i + 1) for i, n in enumerate(quarters) if n == 0 and i < p.quarters_elapsed]
    if missed:
        text += _(" No meeting was held in quarter(s) %(quarters)s, which must be corrected.") % {
            "quarters": _(", ").join(missed)
        }
    doc.paragraph(text)
    if p.items:
        subjects = list(dict.fromkeys(t.strip() for t in p.topics if t and t.strip()))
        if len(subjects) <= TOPICS_LISTED:
            text = _("The meetings dealt with %(n)s agenda items: %(topics)s.") % {
                "n": p.items,
                "topics": pgettext("between agenda subjects", "; ").join(subjects),
            }
        else:
            text = _(
                "The meetings dealt with %(n)s agenda items on %(k)s subjects, among them %(topics)s."
            ) % {
                "n": p.items,
                "k": len(subjects),
                "topics": pgettext("between agenda subjects", "; ").join(subjects[:TOPICS_LISTED]),
            }
        doc.paragraph(text)
    if p.decisions and p.decisions_done < p.decisions:
        doc.paragraph(
            _(
                "The presidium made %(n)s decisions and review opinions; %(done)s have been "
                "carried out and reported back, %(open)s are being followed up."
            )
            % {"n": p.decisions, "done": p.decisions_done, "open": p.decisions - p.decisions_done}
        )
    elif p.decisions:
        doc.paragraph(
            _("The presidium made %(n)s decisions and review opinions, all carried out and reported back.")
            % {"n": p.decisions}
        )


def _section_contact(doc: OfficialDocument, data: WorkReportData) -> None:
    paragraphs = _contact_organ_paragraphs(data) + _contact_voter_paragraphs(data.contact)
    if not paragraphs:
        doc.paragraph(
            _(
                "No contact with deputies, liaison station, voter reception or deputy report to voters "
                "was recorded this year."
            )
        )
    for n, text in enumerate(paragraphs, start=1):
        doc.paragraph(text, lead=point(n) if len(paragraphs) > 1 else None)


def _contact_organ_paragraphs(data: WorkReportData) -> list[str]:
    """The members' contacts with deputies and the liaison stations."""
    c = data.contact
    stations = data.stations
    paragraphs = []
    if c.member_contacts:
        organs = _organs_of(data)
        paragraphs.append(
            (
                _(
                    "Presidium members kept in touch with deputies: %(members)s members contacted "
                    "%(deputies)s deputies %(n)s times in the year."
                )
                if organs.has_presidium
                else _(
                    "Members of the working committee kept in touch with deputies: %(members)s "
                    "members contacted %(deputies)s deputies %(n)s times in the year."
                )
            )
            % {
                "members": c.contact_members,
                "deputies": c.contacted_deputies,
                "n": c.member_contacts,
            }
        )
    if stations:
        names = join_list([s.name for s in stations[:5]])
        paragraphs.append(
            _(
                "We strengthened the deputy liaison stations: %(n)s stations, homes and points "
                "(%(names)s) with %(deputies)s resident deputies"
            )
            % {"n": len(stations), "names": names, "deputies": sum(s.resident for s in stations)}
            + _(".")
        )
    return paragraphs


def _contact_voter_paragraphs(c: ContactFigures) -> list[str]:
    """Receptions, the issues raised there, the rota, visits and reports to voters."""
    paragraphs = []
    if c.receptions:
        paragraphs.append(
            _(
                "Deputies received voters %(n)s times in %(months)s months of the year, "
                "%(pt)s person-times of deputies on duty, listening to the people's concerns "
                "and passing them on for handling."
            )
            % {"n": c.receptions, "months": c.reception_months, "pt": c.reception_person_times}
        )
    if c.issues.raised:
        paragraphs.append(issues_sentence(c.issues))
    if c.rota_entries or c.rota_deputies:
        paragraphs.append(
            _(
                "Higher-level deputies received voters at the liaison stations by rota: %(held)s of "
                "%(planned)s planned turns were held, and %(met)s of %(n)s provincial, city and "
                "county deputies kept to their rota."
            )
            % {
                "held": c.rota_held,
                "planned": c.rota_entries,
                "met": c.rota_met,
                "n": c.rota_deputies,
            }
        )
    if c.visits:
        paragraphs.append(
            _("Deputies visited voters %(n)s times, %(pt)s person-times.")
            % {"n": c.visits, "pt": c.visit_person_times}
        )
    if c.reports:
        paragraphs.append(
            _(
                "In %(n)s report meetings, %(deputies)s deputies reported on their work to the "
                "voters of their original constituencies and were rated by them."
            )
            % {"n": c.reports, "deputies": c.report_deputies}
        )
    return paragraphs


def issues_sentence(issues: IssueFigures) -> str:
    """The work report's sentence on the issues voters raised at receptions, step by step."""
    text = _(
        "Voters raised %(n)s issues at the receptions: %(government)s were passed to the township "
        "government and its departments and %(redirected)s were redirected to the proper channels; "
        "%(replied)s voters have had a reply"
    ) % {
        "n": issues.raised,
        "government": issues.government,
        "redirected": issues.redirected,
        "replied": issues.replied,
    }
    if issues.with_feedback:
        text += _(
            ", and %(satisfied)s of the %(feedback)s who gave their feedback were satisfied or basically satisfied"
        ) % {
            "satisfied": issues.satisfied,
            "feedback": issues.with_feedback,
        }
    return text + _(".")


def _section_activities(doc: OfficialDocument, data: WorkReportData) -> None:
    n = _section_groups(doc, data)
    n += 1
    doc.heading2(h2(n, _("Active deputy activities")))
    _activity_points(doc, data)
    if data.scores:
        n += 1
        doc.heading2(h2(n, _("Assessment of deputies' performance")))
        doc.paragraph(scores_sentence(data.scores))
    yearly = data.appraisals
    if yearly.appraisals or yearly.commendations:
        n += 1
        doc.heading2(h2(n, _("Appraisals and commendations")))
        doc.paragraph(appraisal_sentence(yearly))


def _section_groups(doc: OfficialDocument, data: WorkReportData) -> int:
    """The deputies and their groups, then the groups' activity rooms: the subheadings used."""
    d = data.deputies
    groups = data.groups
    n = 1
    doc.heading2(h2(n, _("Sound organisation of deputy groups")))
    levels = join_list([_("%(label)s: %(n)s") % {"label": label, "n": count} for label, count in d.by_level])
    text = _("%(township)s has %(total)s deputies (%(levels)s)") % {
        "township": data.township_name,
        "total": d.total,
        "levels": levels,
    }
    level_sum = sum(count for _label, count in d.by_level)
    if level_sum > d.total:
        text += _(
            "; as some deputies sit in congresses at several levels, the levels add up to %(sum)s "
            "seats held by %(total)s people"
        ) % {"sum": level_sum, "total": d.total}
    if groups:
        text += _(", organised into %(n)s deputy groups, each with a leader") % {"n": len(groups)}
    text += _(".")
    doc.paragraph(text)
    rooms = [g for g in groups if g.room]
    if rooms:
        n += 1
        doc.heading2(h2(n, _("Activity rooms for every group")))
        for g in rooms:
            text = _("%(group)s has its activity room at %(room)s") % {"group": g.name, "room": g.room}
            if g.villages:
                text += _("; its deputies come mainly from %(villages)s") % {"villages": g.villages}
            text += _("; %(n)s members.") % {"n": g.members}
            doc.paragraph(text)
    return n


def _activity_points(doc: OfficialDocument, data: WorkReportData) -> None:
    """一是 … 二是 …: the groups' activities, the yearly plans, trainings and the other kinds."""
    groups = data.groups
    a = data.activities
    points = 0
    ga = a.group
    if ga.count:
        points += 1
        doc.paragraph(
            _(
                "Deputy groups held %(n)s activities with %(pt)s person-times of deputies; "
                "%(ok)s of %(groups)s groups were active in every quarter so far."
            )
            % {
                "n": ga.count,
                "pt": ga.person_times,
                "ok": a.groups_every_quarter,
                "groups": len(groups),
            },
            lead=point(points),
        )
    plans = data.yearly_plans
    if plans.planned:
        points += 1
        doc.paragraph(plans_sentence(plans), lead=point(points))
    points += 1
    _training_paragraphs(doc, a, lead=point(points))
    others = [k for k in a.others if k.count]
    if others:
        points += 1
        parts = [
            _("%(label)s %(n)s times (%(pt)s person-times)")
            % {"label": k.label, "n": k.count, "pt": k.person_times}
            for k in others
        ]
        doc.paragraph(_("Deputies took part in %(parts)s.") % {"parts": join_list(parts)}, lead=point(points))


def _training_paragraphs(doc: OfficialDocument, a: ActivityFigures, *, lead: str) -> None:
    tr = a.training
    if tr.count:
        doc.paragraph(
            _("We organised %(n)s training sessions, attended by %(pt)s person-times of deputies.")
            % {"n": tr.count, "pt": tr.person_times},
            lead=lead,
        )
    else:
        doc.paragraph(_("No deputy training was recorded this year."), lead=lead)
    nd = a.new_deputies
    if nd.get("new"):
        doc.paragraph(
            _(
                "Of the %(new)s deputies newly elected in this term, %(trained)s were trained before "
                "their first session, %(late)s only after it, and %(untrained)s have not been trained yet."
            )
            % {k: nd[k] for k in ("new", "trained", "late", "untrained")}
        )


def scores_sentence(s: ScoreFigures) -> str:
    """The work report's sentence on the year's assessment of the deputies."""
    grades = join_list(
        [_("%(label)s: %(n)s deputies") % {"label": label, "n": count} for label, count in s.grades]
    )
    text = _("We assessed %(n)s deputies' performance for the year; the average score was %(avg)s") % {
        "n": s.count,
        "avg": s.average,
    }
    if grades:
        text += _(", graded %(grades)s") % {"grades": grades}
    text += _(".")
    if s.dormant:
        text += _(
            " %(n)s deputies attended no meeting, took part in no activity and made no "
            "suggestion; we will talk with them and urge them to perform their duties."
        ) % {"n": s.dormant}
    return text


def plans_sentence(plans: PlanFigures) -> str:
    """The work report's sentence on the groups' and stations' yearly plans: planned against held,
    in total and for each group and station that planned, the planned activities not held and
    those held outside the plans."""
    text = _(
        "The deputy groups and liaison stations drew up yearly activity plans: %(planned)s activities "
        "were planned and %(held)s of them were held as planned"
    ) % {"planned": plans.planned, "held": plans.held}
    owners = plans.owners
    if owners:
        text += _("; by group and station: %(owners)s") % {
            "owners": join_list(
                [
                    _("%(name)s %(held)s of %(planned)s")
                    % {"name": o["name"], "held": o["held"], "planned": o["planned"]}
                    for o in owners
                ]
            )
        }
    if plans.missed:
        text += _("; %(n)s planned activities were not held in their month") % {"n": plans.missed}
    if plans.unplanned:
        text += _("; %(n)s further activities were held beyond the plans") % {"n": plans.unplanned}
    return text + _(".")


def appraisal_sentence(yearly: YearAppraisals) -> str:
    """The work report's sentence on the year-end appraisals and the commendations: who was
    appraised with what result, and who was commended (with the document number)."""
    sentences = []
    if yearly.appraisals:
        parts = [_("%(name)s: %(result)s") % {"name": a.name, "result": a.result} for a in yearly.appraisals]
        sentences.append(
            _(
                "At the end of the year we appraised the work of %(n)s deputy groups, liaison stations and the presidium (%(parts)s)."
            )
            % {"n": len(parts), "parts": join_list(parts)}
        )
    by_kind: dict[str, list[str]] = {}
    for c in yearly.commendations:
        by_kind.setdefault(c.kind_label, []).append(
            c.name + (f"（{c.document_no}）" if c.document_no else "")
        )
    if by_kind:
        parts = [
            _("%(n)s %(kind)s: %(names)s") % {"n": len(names), "kind": kind, "names": join_list(names)}
            for kind, names in by_kind.items()
        ]
        sentences.append(_("We commended %(parts)s.") % {"parts": _("; ").join(parts)})
    return "".join(sentences)


def _section_proposals(doc: OfficialDocument, data: WorkReportData) -> None:
    p = data.proposals
    if not p.received:
        doc.paragraph(_("No motion or suggestion was received this year."))
        return
    doc.paragraph(proposals_received_sentence(p))
    _proposal_handling_paragraphs(doc, p)


def proposals_received_sentence(p: ProposalFigures) -> str:
    """The proposals received (the motions among them), those carried over, the subjects."""
    text = _("This year we received %(n)s motions and suggestions from deputies") % {"n": p.received}
    if p.motions:
        text += _(", of which %(n)s motions") % {"n": p.motions}
    if p.carried_over:
        text += _(
            "; together with %(n)s items carried over from earlier years, %(total)s items were handled"
        ) % {
            "n": p.carried_over,
            "total": p.total,
        }
    text += _(".")
    if p.by_category:
        shown = p.by_category[:CATEGORIES_LISTED]
        cats = join_list([_("%(label)s: %(n)s items") % {"label": c, "n": n} for c, n in shown])
        rest = p.by_category[CATEGORIES_LISTED:]
        if rest:
            text += _(
                " By subject, the largest %(k)s are %(cats)s; the other %(others)s subjects have "
                "%(n)s items together."
            ) % {"k": len(shown), "cats": cats, "others": len(rest), "n": sum(n for _c, n in rest)}
        else:
            text += _(" By subject: %(cats)s.") % {"cats": cats}
    return text


def _proposal_handling_paragraphs(doc: OfficialDocument, p: ProposalFigures) -> None:
    doc.paragraph(
        _(
            "%(closed)s have been closed, a closing rate of %(closing)s; %(replied)s received a "
            "written reply, %(on_time)s of them on time; the handling units met the deputies in "
            "%(meeting)s of cases; deputies were satisfied or basically satisfied with %(satisfaction)s "
            "of the replies they evaluated."
        )
        % {
            "closed": p.received_closed,
            "closing": pct(p.closing_rate),
            "replied": p.replied,
            "on_time": pct(p.on_time_rate),
            "meeting": pct(p.meeting_rate),
            "satisfaction": pct(p.satisfaction_rate),
        }
    )
    if p.carried_over:
        doc.paragraph(
            _(
                "On-time completion rate %(on_time)s. Of the %(carried)s items carried over from "
                "earlier years, %(closed)s were closed."
            )
            % {
                "on_time": pct(p.closed_on_time_rate),
                "carried": p.carried_over,
                "closed": p.carried_closed,
            }
        )
    else:
        doc.paragraph(_("On-time completion rate %(on_time)s.") % {"on_time": pct(p.closed_on_time_rate)})
    if p.overdue:
        doc.paragraph(
            _("%(n)s items are past their deadline and are being supervised until they are done.")
            % {"n": p.overdue}
        )


def work_report_docx(data: WorkReportData) -> bytes:
    """The year-end work report (seed 002 structure) in the official layout. A draft (problems or
    plans not written yet, or no 成文日期 chosen for a past year) says so under its title."""
    doc = OfficialDocument(author=data.author)
    draft = work_report_is_draft(data)
    doc.title(work_report_title(data), subtitle=_("(draft)") if draft else None)
    organs = _organs_of(data)
    doc.paragraph(_opening(data, organs))
    sections = [
        (
            _("Holding the people's congress session according to law")
            if organs.has_congress
            else _("Deputies at the county people's congress session"),
            _section_session,
        ),
        (
            _("Regular presidium meetings")
            if data.presidium.applicable
            else _("Regular work of the people's congress working committee"),
            _section_presidium,
        ),
        (_("The “two contacts and one report” work"), _section_contact),
        (_("Organising deputy activities"), _section_activities),
        (_("Handling deputies' suggestions"), _section_proposals),
    ]
    for i, (title, build) in enumerate(sections, start=1):
        doc.heading1(h1(i, title))
        build(doc, data)
    for n, title, key in (
        (6, _("Existing problems"), "problems"),
        (7, _("Plans for the next stage"), "plans"),
    ):
        doc.heading1(h1(n, title))
        if (getattr(data, key) or "").strip():
            _free_text(doc, getattr(data, key))
        else:  # a draft: the township has not written this section yet
            doc.paragraph(_("[To be written by the township before the final version.]"))
    dated = data.date
    doc.signature([data.organ], date_text=date_text(dated) if dated else _("(date to be set)"))
    return doc.to_bytes()


def _opening(data: WorkReportData, organs: Organs) -> str:
    """The opening paragraph: the secretary's (or the default one), the figures' cutoff, the lead-in."""
    names = {"year": data.year, "committee": data.committee_name, "party": organs.party}
    names["congress"] = organs.congress
    if data.committee_name:
        default_opening = _(
            "In %(year)s, under the guidance of %(committee)s and the leadership of %(party)s, "
            "%(congress)s performed the duties given by the Constitution and the law, kept close "
            "contact with deputies and the people, and supported the township's development."
        )
    else:  # no county committee named: no "guidance of" an empty name
        default_opening = _(
            "In %(year)s, under the leadership of %(party)s, %(congress)s performed the duties given "
            "by the Constitution and the law, kept close contact with deputies and the people, and "
            "supported the township's development."
        )
    opening = (data.opening or "").strip() or default_opening % names
    lead_in = _("We report on our work as follows:")
    opening = opening.removesuffix(lead_in).rstrip("。.:： ") + _(". ")
    if data.cutoff:  # the cutoff of every figure, said before the figures
        opening += _("The figures of this report: %(cutoff)s.") % {
            "cutoff": cutoff_sentence(data.cutoff, past=data.cutoff_is_past)
        }
    return opening + lead_in


# --------------------------------------------------------------------------- deputy archive
_W_T = qn("w:t")
_W_TR = qn("w:tr")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _set_text(t, text):
    """Give a run the text `text` exactly as python-docx's `Run.text` does, `t` being the run's
    only w:t (a copy of a prototype's): one w:t, `xml:space="preserve"` only around outer
    spaces, none at all for an empty text."""
    if not text:
        t.getparent().remove(t)
    elif "\t" in text or "\n" in text or "\r" in text:
        t.getparent().text = text  # python-docx's own w:tab / w:br handling (CT_R.text)
    else:
        t.text = text
        if len(text.strip()) < len(text):
            t.set(_XML_SPACE, "preserve")


class DeputyArchiveWriter:
    """Writes deputy archives (一人一档) one after another, sharing what is the same in all of them.

    A bundle holds one archive per deputy. Building each with a fresh OfficialDocument costs the
    default template, the page setup and styles, a style lookup by name per table, python-docx's
    run-by-run formatting of every heading and cell, and serialising and compressing every part
    (styles.xml and stylesWithEffects.xml alone are 800 KB). Here the OfficialDocument is built
    once; every heading, paragraph kind and table head is built once through it and copied
    afterwards with new text; and the parts other than word/document.xml are zipped once, the
    archives after the first appending only their word/document.xml (as the zip's last member).
    The document is the one OfficialDocument makes: same parts, same XML."""

    def __init__(self):
        self._official = OfficialDocument(_("Deputy performance archive"))
        self._body = self._official.doc.element.body
        self._sect_pr = self._body[-1]  # the body's last child: page setup of the section
        self._fixed = len(self._body) - 1  # the title and its blank line stay in every archive
        self._prototypes = {}
        self._first = None  # the first archive, as python-docx saved it
        self._package = None  # its parts but word/document.xml, for the archives after it

    # ---- building blocks: made once through OfficialDocument, then copied
    def _prototype(self, key, build):
        element = self._prototypes.get(key)
        if element is None:
            element = build()
            element.getparent().remove(element)
            self._prototypes[key] = element
        return copy.deepcopy(element)

    def _add(self, element):
        self._sect_pr.addprevious(element)
        return element

    def heading1(self, text):
        self._add(self._prototype(("h1", text), lambda: self._official.heading1(text)._p))

    def paragraph(self, text, **kwargs):
        key = ("p", tuple(sorted(kwargs.items())))
        p = self._add(self._prototype(key, lambda: self._official.paragraph("-", **kwargs)._p))
        _set_text(next(p.iter(_W_T)), text)

    def table(self, headers, rows, widths_mm=None):
        """OfficialDocument.table(headers, rows, widths_mm=…), every data row a copy of one."""
        key = ("table", tuple(str(h) for h in headers), tuple(widths_mm or ()))
        prototype = self._prototypes.get(key)
        if prototype is None:
            tbl = self._official.table(headers, [["-"] * len(headers)], widths_mm=widths_mm)._tbl
            tbl.getparent().remove(tbl)
            row = tbl.findall(_W_TR)[-1]
            tbl.remove(row)
            prototype = self._prototypes[key] = (tbl, row)
        tbl = self._add(copy.deepcopy(prototype[0]))
        for values in rows:
            tr = copy.deepcopy(prototype[1])
            for t, value in zip(list(tr.iter(_W_T)), values):  # one w:t a cell
                _set_text(t, "" if value is None else str(value))
            tbl.append(tr)

    # ---- one archive
    def write(self, archive: DeputyArchive) -> bytes:
        """The profile, then every section of the document numbered: title, summary, table (or
        what the section says when it has no row)."""
        for element in list(self._body)[self._fixed : -1]:
            self._body.remove(element)
        heading = {"township": archive.township_name, "name": archive.name, "year": archive.year}
        self.paragraph(_("%(township)s · %(name)s · %(year)s") % heading, align="center", indent=False)
        self.heading1(h1(1, _("Profile")))
        self.table([_("Item"), _("Content")], archive.profile, widths_mm=(40, 116))
        for n, section in enumerate(archive.document_sections, start=2):
            self.heading1(h1(n, section.title))
            if section.summary:
                self.paragraph(section.summary)
            if section.rows:
                self.table(section.headers, section.rows, widths_mm=section.widths or None)
            elif section.empty_message:
                self.paragraph(section.empty_message)
        return self._to_bytes()

    def _to_bytes(self):
        """The first archive as python-docx saves it; from the second on, the first one's other
        parts (zipped again once) with this archive's word/document.xml appended."""
        if self._first is None:
            self._first = self._official.to_bytes()
            return self._first
        document = self._official.doc.part
        name = document.partname.membername
        if self._package is None:
            buf = io.BytesIO()
            with (
                zipfile.ZipFile(io.BytesIO(self._first)) as saved,
                zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as package,
            ):
                for info in saved.infolist():
                    if info.filename != name:
                        package.writestr(info, saved.read(info))
            self._package = buf.getvalue()
        buf = io.BytesIO(self._package)
        with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as package:
            package.writestr(name, document.blob)
        return buf.getvalue()


def deputy_archive_docx(archive: DeputyArchive, *, writer: DeputyArchiveWriter | None = None) -> bytes:
    """一人一档: one deputy's year. Pass one DeputyArchiveWriter for many archives."""
    return (writer or DeputyArchiveWriter()).write(archive)


# --------------------------------------------------------------------------- dashboard workbook
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


DASHBOARD_FILLS = {
    "green": PatternFill("solid", fgColor="C7EFCF"),
    "yellow": PatternFill("solid", fgColor="FFE8B0"),
    "red": PatternFill("solid", fgColor="F8C4C4"),
}
DASHBOARD_FORMATS = {"percent": xlsx.PERCENT, "score": "0.0"}


def dashboard_workbook(data) -> bytes:
    """The county dashboard table: one row per township, one figure a cell, with the light of
    every quota; rates are numbers shown as percentages. Written write-only, row by row."""
    wb = xlsx.new_workbook(write_only=True)
    ws = wb.create_sheet(str(data["year"]))
    headers = data["headers"]
    formats = data.get("formats") or [None] * len(headers)
    xlsx.page_setup(ws, title_rows="1:2", freeze="B3")
    ws.column_dimensions["A"].width = 14
    for col in range(2, len(headers) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 8
    ws.row_dimensions[2].height = 60
    styles = xlsx.StyleCache()  # each style set on one cell, copied to the others
    title = styles.apply(
        xlsx.cell(ws, data["title"]),
        "title",
        font=Font(bold=True, size=14),
        alignment=Alignment(horizontal="center"),
    )
    ws.append([title])
    xlsx.merge(ws, start_row=1, start_column=1, end_row=1, end_column=len(headers))
    header_style = {
        "font": Font(bold=True),
        "border": BORDER,
        "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
    }
    ws.append([styles.apply(xlsx.cell(ws, h), "header", **header_style) for h in headers])
    looks: dict = {}  # (light, number format): (StyleCache key, attributes)
    for values, colours in zip(data["rows"], data["colours"]):
        row_looks = [looks.get(k) or looks.setdefault(k, _dashboard_look(*k)) for k in zip(colours, formats)]
        ws.append(_dashboard_row(ws, styles.cell, values, row_looks))
    if data.get("legend"):
        ws.append([])
        ws.append([xlsx.cell(ws, data["legend"])])
    return xlsx.save(wb, title=data["title"], author=data.get("author", ""))


def _dashboard_look(colour, fmt):
    """The StyleCache key and attributes of a figure cell with this light and number format."""
    if colour in DASHBOARD_FILLS:
        key, attrs = (colour, fmt), {"border": BORDER, "fill": DASHBOARD_FILLS[colour]}
    else:
        key, attrs = ("plain", fmt), {"border": BORDER}
    if fmt:
        attrs["number_format"] = DASHBOARD_FORMATS[fmt]
    return key, attrs


def _dashboard_row(ws, styled, values, looks):
    """A township's cells: each of the first len(looks) cells with its look (`_dashboard_look`),
    also when empty; a value past them plain."""
    cells = [styled(ws, value, key, attrs) for value, (key, attrs) in zip(values, looks)]
    cells += [styled(ws, None, key, attrs) for key, attrs in looks[len(values) :]]
    cells += [xlsx.cell(ws, value) for value in values[len(looks) :]]
    return cells


# Members that are zip packages already: deflating them again takes most of the zipping time
# of a bundle and saves 7 % of its size.
_COMPRESSED = (".docx", ".xlsx", ".zip")


def zip_write(files, fileobj) -> None:
    """Write files (an iterable of (path inside the zip, bytes)) to a zip in `fileobj`, one member
    at a time: only the member being written is held in memory."""
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files:
            zf.writestr(
                name, content, compress_type=zipfile.ZIP_STORED if name.endswith(_COMPRESSED) else None
            )


def zip_bytes(files) -> bytes:
    """files: iterable of (path inside the zip, bytes)."""
    buf = io.BytesIO()
    zip_write(files, buf)
    return buf.getvalue()
