"""Writes for sessions, presidium meetings, decisions and activities.

Every service follows the one contract (docs/development.md, tests/core/test_service_contract.py):
`by` (the acting user) is keyword-only and required, the access policy is asked first
(`authorize(by, row or township, "meetings.<perm>")`, the permission the view checks for the same
action), the change history names `by`, arguments are typed values (no forms, no unsaved
instances, no dicts of form data). A broken rule raises ApplicationError with a translated
message (and the field it concerns). What runs with no user is listed in SYSTEM_SERVICES.
"""

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy, DeputyGroup, LiaisonStation, PresidiumMembership
from deputies.selectors import (
    deputy_mandate_levels,
    deputy_serving,
    deputy_serving_during_q,
    not_serving_message,
    presidium_memberships_on,
)
from renda.core.access import authorize
from renda.core.exceptions import ApplicationError
from renda.core.history import history_actor
from renda.core.models import Term, Township
from renda.core.selectors import term_on
from renda.core.services import reminder_upsert
from renda.core.uploads import upload_check

from .models import (
    Activity,
    ActivityAttachment,
    ActivityParticipation,
    AgendaItem,
    Appraisal,
    AttendanceStatus,
    Commendation,
    Decision,
    DecisionProgress,
    DeputyContact,
    Election,
    FloorSpeech,
    NonVotingAttendee,
    PlannedActivity,
    PlanNote,
    PresidiumAttendance,
    PresidiumMeeting,
    ReceptionIssue,
    Resolution,
    RotaEntry,
    Session,
    SessionAttendance,
    SessionPrepItem,
    SessionReport,
    _quarter_of,
)
from .rules import proposal_progress_text, reception_warnings

# Run with no user (the daily beat); no view calls them.
SYSTEM_SERVICES = frozenset({"decisions_mark_overdue"})

CHAIR_ROLES = (PresidiumMembership.Role.CHAIR, PresidiumMembership.Role.VICE_CHAIR)
# Attendance of the whole list: {deputy_id: (status, reason)}.
AttendanceEntries = dict[int, tuple[str, str]]


def _term_on(township, day):
    term = term_on(township=township, on=day)
    if term is None:
        raise ApplicationError(
            _("No congress term of this township covers %(date)s; ask the administrator to record it.")
            % {"date": day.isoformat()},
            field="date",
        )
    return term


# --- Sessions ----------------------------------------------------------------------------


def _expected_store(session):
    """Store a session's expected list (应到) while it is not yet fixed: every township deputy
    serving on the session's first day (deputies.serving, the mandate timeline) has a row and
    nobody else; the attendance page shows the same list computed on read
    (selectors.session_attendance_rows_checked) and never writes. Once fixed (expected_fixed_at
    set) the list is a record and this does nothing. Called by the writes only: creating or
    re-dating a session, saving its attendance, changing its expected list."""
    if session.expected_fixed_at is not None:
        return
    serving = deputy_serving(township=session.township, on=session.start_date)
    have = SessionAttendance.objects.filter(session=session).values("deputy_id")
    missing = list(serving.exclude(pk__in=have).values_list("pk", flat=True))
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(township_id=session.township_id, session=session, deputy_id=pk) for pk in missing],
        ignore_conflicts=True,
    )
    SessionAttendance.objects.filter(session=session).exclude(deputy__in=serving.values("pk")).delete()


def _session_note(session, reason, by):
    """A row in the session's change history (who, when, why)."""
    history_actor(session, by)
    session._change_reason = reason[:100]
    session.save(update_fields=["expected_fixed_at", "updated_at"])


@transaction.atomic
def session_create(
    *,
    township: Township,
    number: int,
    start_date: dt.date,
    end_date: dt.date,
    place: str = "",
    notes: str = "",
    by,
) -> Session:
    authorize(by, township, "meetings.add_session")
    if not township.has_presidium:
        raise ApplicationError(
            _(
                "A subdistrict (街道) has no township people's congress: no congress sessions are "
                "recorded here; its people's congress working committee does this work."
            )
        )
    if end_date < start_date:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end_date")
    term = _term_on(township, start_date)
    if Session.objects.filter(term=term, number=number).exists():
        raise ApplicationError(
            _("Session %(number)s of this term is already recorded.") % {"number": number}, field="number"
        )
    session = Session(
        township=township,
        term=term,
        number=number,
        start_date=start_date,
        end_date=end_date,
        place=place,
        notes=notes,
    )
    history_actor(session, by)
    session.save()
    SessionPrepItem.objects.bulk_create(
        [
            SessionPrepItem(township=township, session=session, item=item)
            for item in SessionPrepItem.Item.values
        ]
    )
    _expected_store(session)
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    number: int,
    start_date: dt.date,
    end_date: dt.date,
    place: str = "",
    notes: str = "",
    by,
) -> Session:
    authorize(by, session, "meetings.change_session")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if end_date < start_date:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end_date")
    if Session.objects.filter(term=session.term, number=number).exclude(pk=session.pk).exists():
        raise ApplicationError(
            _("Session %(number)s of this term is already recorded.") % {"number": number}, field="number"
        )
    session.number, session.start_date, session.end_date = number, start_date, end_date
    session.place, session.notes = place, notes
    history_actor(session, by)
    session.save(update_fields=["number", "start_date", "end_date", "place", "notes", "updated_at"])
    _expected_store(session)  # a list not yet recorded follows the new date
    return session


def _clean_attendance(entries, valid_ids):
    """entries: {deputy_id: (status, reason)} → same, checked. Errors name the deputy ids."""
    errors = {}
    clean = {}
    for deputy_id, (status, reason) in entries.items():
        if deputy_id not in valid_ids:
            continue
        reason = (reason or "").strip()[:200]
        if status not in AttendanceStatus.values:
            errors[deputy_id] = _("Choose an attendance status.")
        elif status == AttendanceStatus.EXCUSED and not reason:
            errors[deputy_id] = _("An excused absence needs a reason.")
        clean[deputy_id] = (status, reason)
    if errors:
        raise ApplicationError(
            _("Some rows need correcting; see the marked deputies."), extra={"rows": errors}
        )
    return clean


@transaction.atomic
def session_attendance_save(*, session: Session, entries: AttendanceEntries, by) -> int:
    """Save the attendance of a whole session in one go (bulk update). Returns rows changed.

    The first save fixes the expected list (应到); saving again without changes changes nothing.
    Entries for deputies not on the list are ignored: adding someone is session_expected_add."""
    authorize(by, session, "meetings.change_sessionattendance")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.expected_fixed_at is None:
        _expected_store(session)
        session.expected_fixed_at = timezone.now()
        count = SessionAttendance.objects.filter(session=session).count()
        _session_note(session, _("expected list fixed: %(n)s deputies") % {"n": count}, by)
    rows = {a.deputy_id: a for a in SessionAttendance.objects.filter(session=session)}
    clean = _clean_attendance(entries, set(rows))
    changed = []
    now = timezone.now()
    for deputy_id, (status, reason) in clean.items():
        row = rows[deputy_id]
        if status == AttendanceStatus.PRESENT:
            reason = ""
        if row.status != status or row.reason != reason:
            row.status, row.reason, row.updated_at = status, reason, now
            changed.append(row)
    SessionAttendance.objects.bulk_update(changed, ["status", "reason", "updated_at"], batch_size=500)
    if changed:
        Session.objects.filter(pk=session.pk).update(updated_at=now)
    return len(changed)


def _reason_required(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reason for changing the expected list."), field="reason")
    return reason[:80]


@transaction.atomic
def session_expected_add(*, session: Session, deputy: Deputy, reason: str, by) -> None:
    """Add a deputy to a session's expected list (应到), with a reason, in the session's history.
    Only a township deputy serving at some time during the session can be added."""
    authorize(by, session, "meetings.change_sessionattendance")
    session = Session.objects.select_for_update().get(pk=session.pk)
    reason = _reason_required(reason)
    _expected_store(session)  # the list shown (computed on read) is the one changed
    if deputy.township_id != session.township_id:
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputy")
    if SessionAttendance.objects.filter(session=session, deputy=deputy).exists():
        raise ApplicationError(
            _("%(name)s is already on the expected list.") % {"name": deputy.name}, field="deputy"
        )
    served = (
        Deputy.objects.filter(pk=deputy.pk)
        .filter(deputy_serving_during_q(start=session.start_date, end=session.end_date))
        .exists()
    )
    if not served:
        raise ApplicationError(
            not_serving_message(deputy=deputy, on=session.start_date, township=session.township),
            field="deputy",
        )
    SessionAttendance.objects.create(township_id=session.township_id, session=session, deputy=deputy)
    if session.expected_fixed_at is None:
        session.expected_fixed_at = timezone.now()
    _session_note(
        session,
        _("added to the expected list: %(name)s (%(reason)s)")
        % {
            "name": deputy.name,
            "reason": reason,
        },
        by,
    )


@transaction.atomic
def session_expected_remove(*, session: Session, deputy: Deputy, reason: str, by) -> None:
    """Remove a deputy from a session's expected list, with a reason, in the session's history."""
    authorize(by, session, "meetings.change_sessionattendance")
    session = Session.objects.select_for_update().get(pk=session.pk)
    reason = _reason_required(reason)
    _expected_store(session)  # the list shown (computed on read) is the one changed
    deleted, _by_model = SessionAttendance.objects.filter(session=session, deputy=deputy).delete()
    if not deleted:
        raise ApplicationError(
            _("%(name)s is not on the expected list.") % {"name": deputy.name}, field="deputy"
        )
    if session.expected_fixed_at is None:
        session.expected_fixed_at = timezone.now()
    _session_note(
        session,
        _("removed from the expected list: %(name)s (%(reason)s)")
        % {
            "name": deputy.name,
            "reason": reason,
        },
        by,
    )


@transaction.atomic
def session_prep_item_mark(
    *, item: SessionPrepItem, done_by: str, done_on: dt.date | None, note: str = "", by
) -> SessionPrepItem:
    authorize(by, item, "meetings.change_session")
    item = SessionPrepItem.objects.select_for_update().get(pk=item.pk)
    if done_on is None:
        item.done_by, item.done_on = "", None
    else:
        if not (done_by or "").strip():
            raise ApplicationError(_("Say who did it."), field="done_by")
        item.done_by, item.done_on = done_by.strip(), done_on
    item.note = note
    history_actor(item, by)
    item.save(update_fields=["done_by", "done_on", "note", "updated_at"])
    return item


def _session_child_save(row, session, by):
    """Save a report, resolution, election or speech of a session (its fields already set)."""
    row.session = session
    row.township_id = session.township_id
    row.full_clean(exclude=["township", "session"])
    history_actor(row, by)
    row.save()
    return row


@transaction.atomic
def session_report_add(
    *,
    session: Session,
    kind: str,
    title: str,
    reporter: str = "",
    file: UploadedFile | None = None,
    by,
) -> SessionReport:
    """A report reviewed at the session, with its file (checked like every upload)."""
    authorize(by, session, "meetings.change_session")
    if kind not in SessionReport.Kind.values:
        raise ApplicationError(_("Choose the kind of report."), field="kind")
    if not (title or "").strip():
        raise ApplicationError(_("Enter the title."), field="title")
    if file:
        upload_check(file, field="file")
    report = SessionReport(kind=kind, title=title.strip(), reporter=(reporter or "").strip())
    if file:
        report.file = file
    return _session_child_save(report, session, by)


@transaction.atomic
def resolution_add(*, session: Session, number: int, title: str, text: str = "", by) -> Resolution:
    """A resolution (决议) passed at the session; its number is unique within the session."""
    authorize(by, session, "meetings.change_session")
    if not (title or "").strip():
        raise ApplicationError(_("Enter the title."), field="title")
    if Resolution.objects.filter(session=session, number=number).exists():
        raise ApplicationError(
            _("Resolution %(number)s of this session is already recorded.") % {"number": number},
            field="number",
        )
    return _session_child_save(Resolution(number=number, title=title.strip(), text=text or ""), session, by)


@transaction.atomic
def election_add(
    *,
    session: Session,
    kind: str,
    office: str,
    person: str,
    votes_for: int,
    votes_cast: int,
    elected: bool,
    by,
) -> Election:
    """An election or by-election held at the session."""
    authorize(by, session, "meetings.change_session")
    if kind not in Election.Kind.values:
        raise ApplicationError(_("Choose the kind of election."), field="kind")
    if votes_for > votes_cast:
        raise ApplicationError(_("Votes for cannot exceed the votes cast."), field="votes_for")
    election = Election(
        kind=kind,
        office=(office or "").strip(),
        person=(person or "").strip(),
        votes_for=votes_for,
        votes_cast=votes_cast,
        elected=elected,
    )
    return _session_child_save(election, session, by)


@transaction.atomic
def floor_speech_add(*, session: Session, deputy: Deputy, topic: str, by) -> FloorSpeech:
    """A deputy's floor speech in review (审议发言) at the session."""
    authorize(by, session, "meetings.change_session")
    if deputy.township_id != session.township_id:
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputy")
    return _session_child_save(FloorSpeech(deputy=deputy, topic=(topic or "").strip()), session, by)


# --- Presidium meetings ------------------------------------------------------------------


def _require_presidium(township):
    if not township.has_presidium:
        raise ApplicationError(
            _(
                "A subdistrict (街道) has a people's congress working committee, not a presidium: "
                "presidium meetings are not recorded here."
            )
        )


def _presidium_members_on(*, township, term, day):
    """Presidium memberships active on `day` whose member serves that day (the majority base)."""
    return presidium_memberships_on(township=township, term=term, day=day)


def _chair_check(chair, members, day):
    """Only the chair (主席) or a vice-chair (副主席) serving on the meeting's date chairs it."""
    if chair is None:
        return
    roles = {m.deputy_id: m.role for m in members}
    if chair.pk not in roles:
        raise ApplicationError(
            _("%(name)s was not a member of the presidium on %(date)s.")
            % {"name": chair.name, "date": day.isoformat()},
            field="chair",
        )
    if roles[chair.pk] not in CHAIR_ROLES:
        raise ApplicationError(
            _("%(name)s is a member of the presidium; only its chair or a vice-chair chairs a meeting.")
            % {"name": chair.name},
            field="chair",
        )


@transaction.atomic
def presidium_meeting_create(
    *,
    township: Township,
    date: dt.date,
    kind: str,
    chair: Deputy | None = None,
    place: str = "",
    summary: str = "",
    by,
) -> PresidiumMeeting:
    authorize(by, township, "meetings.add_presidiummeeting")
    _require_presidium(township)
    term = _term_on(township, date)
    Term.objects.select_for_update().get(pk=term.pk)  # serialise the numbering
    members = list(_presidium_members_on(township=township, term=term, day=date))
    if not members:
        raise ApplicationError(
            _(
                "No presidium members serving on %(date)s are recorded; record them on the "
                "Deputies › Presidium page first."
            )
            % {"date": date.isoformat()},
            field="date",
        )
    _chair_check(chair, members, date)
    number = (PresidiumMeeting.objects.filter(term=term).aggregate(n=Max("number"))["n"] or 0) + 1
    meeting = PresidiumMeeting(
        township=township,
        term=term,
        number=number,
        date=date,
        kind=kind,
        quarter=_quarter_of(date),
        chair=chair,
        place=place,
        summary=summary,
        member_count=len(members),
    )
    history_actor(meeting, by)
    meeting.save()
    PresidiumAttendance.objects.bulk_create(
        [PresidiumAttendance(township=township, meeting=meeting, deputy_id=m.deputy_id) for m in members]
    )
    return meeting


@transaction.atomic
def presidium_meeting_update(
    *,
    meeting: PresidiumMeeting,
    date: dt.date,
    kind: str,
    chair: Deputy | None = None,
    place: str = "",
    summary: str = "",
    by,
) -> PresidiumMeeting:
    authorize(by, meeting, "meetings.change_presidiummeeting")
    meeting = PresidiumMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not (meeting.term.start_date <= date <= meeting.term.end_date):
        raise ApplicationError(_("The date must fall within the meeting's term."), field="date")
    if chair is not None and chair.pk != meeting.chair_id:
        members = _presidium_members_on(township=meeting.township, term=meeting.term, day=date)
        _chair_check(chair, list(members), date)
    meeting.date, meeting.kind, meeting.chair = date, kind, chair
    meeting.quarter = _quarter_of(date)
    meeting.place, meeting.summary = place, summary
    history_actor(meeting, by)
    meeting.save(update_fields=["date", "kind", "chair", "quarter", "place", "summary", "updated_at"])
    # a report on proposal progress counts its figures to the (new) meeting date
    for item in meeting.agenda_items.filter(kind=AgendaItem.Kind.PROPOSAL_PROGRESS):
        _progress_fill(item, meeting)
        history_actor(item, by)
        item.save(update_fields=["topic", "text", "updated_at"])
    return meeting


@transaction.atomic
def presidium_attendance_save(*, meeting: PresidiumMeeting, entries: AttendanceEntries, by) -> int:
    authorize(by, meeting, "meetings.change_presidiumattendance")
    PresidiumMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    rows = {a.deputy_id: a for a in PresidiumAttendance.objects.filter(meeting=meeting)}
    clean = _clean_attendance(entries, set(rows))
    changed = []
    now = timezone.now()
    for deputy_id, (status, reason) in clean.items():
        row = rows[deputy_id]
        if status == AttendanceStatus.PRESENT:
            reason = ""
        if row.status != status or row.reason != reason:
            row.status, row.reason, row.updated_at = status, reason, now
            changed.append(row)
    PresidiumAttendance.objects.bulk_update(changed, ["status", "reason", "updated_at"])
    return len(changed)


def _progress_fill(item, meeting):
    """A report on the handling of motions and suggestions gets its topic (when none is given)
    and its text, the figures as of the meeting date; another item keeps no such text."""
    if item.kind == AgendaItem.Kind.PROPOSAL_PROGRESS:
        if not (item.topic or "").strip():
            item.topic = str(AgendaItem.Kind.PROPOSAL_PROGRESS.label)
        item.text = proposal_progress_text(township=meeting.township, on=meeting.date)
    else:
        item.kind, item.text = "", ""


def _agenda_fields_check(kind, topic, reporter_rank):
    if kind and kind not in AgendaItem.Kind.values:
        raise ApplicationError(_("Choose the kind of item from the list."), field="kind")
    if reporter_rank and reporter_rank not in AgendaItem.Rank.values:
        raise ApplicationError(_("Choose the rank from the list."), field="reporter_rank")
    if not (topic or "").strip() and kind != AgendaItem.Kind.PROPOSAL_PROGRESS:
        raise ApplicationError(_("Enter the topic."), field="topic")


@transaction.atomic
def agenda_item_add(
    *,
    meeting: PresidiumMeeting,
    topic: str,
    kind: str = "",
    order: int | None = None,
    reporting_unit: str = "",
    reporter: str = "",
    reporter_rank: str = "",
    by,
) -> AgendaItem:
    """Add an agenda item (at the end when no order is given). A report on the handling of
    motions and suggestions is filled with the figures as of the meeting date."""
    authorize(by, meeting, "meetings.change_presidiummeeting")
    _agenda_fields_check(kind, topic, reporter_rank)
    item = AgendaItem(
        meeting=meeting,
        township_id=meeting.township_id,
        kind=kind or "",
        topic=(topic or "").strip(),
        reporting_unit=reporting_unit or "",
        reporter=reporter or "",
        reporter_rank=reporter_rank or "",
    )
    item.order = order or (meeting.agenda_items.aggregate(n=Max("order"))["n"] or 0) + 1
    _progress_fill(item, meeting)
    history_actor(item, by)
    item.save()
    return item


def _meeting_note(meeting_id, reason, by):
    """A row in the meeting's change history, so that a change to one of its items shows on its page."""
    meeting = PresidiumMeeting.objects.get(pk=meeting_id)
    history_actor(meeting, by)
    meeting._change_reason = reason[:100]  # the history's reason column
    meeting.save(update_fields=["updated_at"])


@transaction.atomic
def agenda_item_update(
    *,
    item: AgendaItem,
    order: int,
    topic: str,
    kind: str = "",
    reporting_unit: str = "",
    reporter: str = "",
    reporter_rank: str = "",
    by,
) -> AgendaItem:
    """Correct an agenda item's order, topic or reporter (the vote is recorded separately)."""
    authorize(by, item, "meetings.change_agendaitem")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    _agenda_fields_check(kind, topic, reporter_rank)
    new = {
        "order": order,
        "topic": (topic or "").strip(),
        "kind": kind or "",
        "reporting_unit": reporting_unit or "",
        "reporter": reporter or "",
        "reporter_rank": reporter_rank or "",
    }
    before = {k: getattr(item, k) for k in (*new, "text")}
    for key, value in new.items():
        setattr(item, key, value)
    _progress_fill(item, item.meeting)  # the figures again, as of the meeting date
    changed = [k for k, v in before.items() if getattr(item, k) != v]
    if not changed:
        return item
    history_actor(item, by)
    item.save(update_fields=changed + ["updated_at"])
    _meeting_note(item.meeting_id, _("agenda item changed: %(topic)s") % {"topic": item.topic}, by)
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by) -> None:
    """Remove an agenda item recorded by mistake. An item that a decision or review opinion was
    adopted on stays: deleting it would cut the decision loose from what it decided."""
    authorize(by, item, "meetings.delete_agendaitem")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    adopted = [
        _("%(kind)s %(number)s") % {"kind": d.get_kind_display(), "number": d.number_label}
        for d in Decision.objects.filter(agenda_item=item).order_by("number")
    ]
    if adopted:
        raise ApplicationError(
            _(
                "The agenda item “%(topic)s” cannot be deleted: %(decisions)s was adopted on it. "
                "Correct the item instead of deleting it."
            )
            % {"topic": item.topic, "decisions": "、".join(adopted)}
        )
    topic, meeting_id = item.topic, item.meeting_id
    history_actor(item, by)
    item.delete()
    _meeting_note(meeting_id, _("agenda item deleted: %(topic)s") % {"topic": topic}, by)


@transaction.atomic
def agenda_vote_record(
    *,
    item: AgendaItem,
    votes_for: int | None,
    votes_against: int | None,
    votes_abstain: int | None,
    by,
) -> AgendaItem:
    """Record the vote on an item. The votes cannot exceed the members present; whether it passed
    is judged against ALL members (过半数), see AgendaItem.passed."""
    authorize(by, item, "meetings.change_agendaitem")
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    meeting = item.meeting
    history_actor(item, by)
    if votes_for is None and votes_against is None and votes_abstain is None:
        item.votes_for = item.votes_against = item.votes_abstain = None
        item.save(update_fields=["votes_for", "votes_against", "votes_abstain", "updated_at"])
        return item
    votes_for, votes_against, votes_abstain = votes_for or 0, votes_against or 0, votes_abstain or 0
    present = meeting.attendance.filter(
        status__in=[AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY]
    ).count()
    if votes_for + votes_against + votes_abstain > present:
        raise ApplicationError(
            _("%(total)s votes recorded but only %(present)s members attended.")
            % {"total": votes_for + votes_against + votes_abstain, "present": present},
            field="votes_for",
        )
    item.votes_for, item.votes_against, item.votes_abstain = votes_for, votes_against, votes_abstain
    item.save(update_fields=["votes_for", "votes_against", "votes_abstain", "updated_at"])
    return item


@transaction.atomic
def non_voting_add(
    *,
    meeting: PresidiumMeeting,
    kind: str,
    deputy: Deputy | None = None,
    name: str = "",
    post: str = "",
    by,
) -> NonVotingAttendee:
    """Someone attending the meeting without a vote (列席): a deputy, or an official by name."""
    authorize(by, meeting, "meetings.change_presidiummeeting")
    if kind not in NonVotingAttendee.Kind.values:
        raise ApplicationError(_("Choose who attends."), field="kind")
    if deputy is None and not (name or "").strip():
        raise ApplicationError(_("Give a name or choose a deputy."), field="name")
    if deputy is not None and deputy.township_id != meeting.township_id:
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputy")
    attendee = NonVotingAttendee(
        township_id=meeting.township_id,
        meeting=meeting,
        kind=kind,
        deputy=deputy,
        name=(name or "").strip(),
        post=(post or "").strip(),
    )
    history_actor(attendee, by)
    attendee.save()
    return attendee


# --- Decisions ---------------------------------------------------------------------------


def _decision_agenda_check(*, meeting, kind, agenda_item):
    """The majority rule, for 决定 and 审议意见 alike: an item put to the vote must have won more
    than half of ALL presidium members. A 决定 needs an agenda item that was put to the vote; a
    审议意见 may follow an item that was only discussed."""
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ApplicationError(_("That agenda item belongs to another meeting."), field="agenda_item")
    if agenda_item is not None:  # the vote as recorded now, not as the caller last saw it
        agenda_item = AgendaItem.objects.select_related("meeting").get(pk=agenda_item.pk)
    if kind == Decision.Kind.DECISION:
        if agenda_item is None:
            raise ApplicationError(
                _("A decision is adopted on an agenda item: choose the item it decides."), field="agenda_item"
            )
        if not agenda_item.was_voted:
            raise ApplicationError(
                _("The item “%(topic)s” was not put to the vote; record the vote before the decision.")
                % {"topic": agenda_item.topic},
                field="agenda_item",
            )
    if agenda_item is not None and agenda_item.passed is False:
        raise ApplicationError(
            _(
                "The item “%(topic)s” won %(votes)s votes, fewer than the %(needed)s needed "
                "(more than half of all %(members)s presidium members); nothing can be adopted on it."
            )
            % {
                "topic": agenda_item.topic,
                "votes": agenda_item.votes_for,
                "needed": meeting.majority_needed,
                "members": meeting.member_count,
            },
            field="agenda_item",
        )


@transaction.atomic
def decision_create(
    *,
    meeting: PresidiumMeeting,
    kind: str,
    title: str,
    text: str,
    responsible_unit: str,
    deadline: dt.date,
    agenda_item: AgendaItem | None = None,
    by,
) -> Decision:
    authorize(by, meeting, "meetings.add_decision")
    Term.objects.select_for_update().get(pk=meeting.term_id)
    if deadline < meeting.date:
        raise ApplicationError(_("The deadline cannot be before the meeting."), field="deadline")
    _decision_agenda_check(meeting=meeting, kind=kind, agenda_item=agenda_item)
    number = (Decision.objects.filter(term_id=meeting.term_id).aggregate(n=Max("number"))["n"] or 0) + 1
    decision = Decision(
        township_id=meeting.township_id,
        term_id=meeting.term_id,
        number=number,
        kind=kind,
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        text=text,
        responsible_unit=responsible_unit,
        deadline=deadline,
        status=Decision.Status.OPEN,
    )
    history_actor(decision, by)
    decision.save()
    return decision


@transaction.atomic
def decision_progress_add(*, decision: Decision, date: dt.date, note: str, by) -> Decision:
    authorize(by, decision, "meetings.change_decision")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == Decision.Status.DONE:
        raise ApplicationError(_("This follow-up is already done."))
    if not note.strip():
        raise ApplicationError(_("Describe the progress."), field="note")
    DecisionProgress.objects.create(
        township_id=decision.township_id, decision=decision, date=date, note=note.strip(), recorded_by=by
    )
    if decision.status == Decision.Status.OPEN:
        decision.status = Decision.Status.IN_PROGRESS
        history_actor(decision, by)
        decision.save(update_fields=["status", "updated_at"])
    return decision


@transaction.atomic
def decision_complete(
    *,
    decision: Decision,
    completed_on: dt.date,
    reported_at: PresidiumMeeting | None = None,
    note: str = "",
    by,
) -> Decision:
    authorize(by, decision, "meetings.change_decision")
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == Decision.Status.DONE:
        raise ApplicationError(_("This follow-up is already done."))
    if completed_on < decision.meeting.date:
        raise ApplicationError(
            _("Completion cannot be before the meeting that adopted it."), field="completed_on"
        )
    if reported_at is not None:
        if reported_at.township_id != decision.township_id:
            raise ApplicationError(_("Choose a meeting of this township."), field="reported_at")
        if reported_at.date <= decision.meeting.date:
            raise ApplicationError(
                _("Completion is reported at a later meeting than the one that adopted it."),
                field="reported_at",
            )
    if note.strip():
        DecisionProgress.objects.create(
            township_id=decision.township_id,
            decision=decision,
            date=completed_on,
            note=note.strip(),
            recorded_by=by,
        )
    decision.status = Decision.Status.DONE
    decision.completed_on = completed_on
    decision.reported_at = reported_at
    history_actor(decision, by)
    decision.save(update_fields=["status", "completed_on", "reported_at", "updated_at"])
    from renda.core.models import Reminder

    Reminder.objects.filter(township_id=decision.township_id, key=_reminder_key(decision)).update(done=True)
    return decision


def _reminder_key(decision):
    return f"meetings.decision.overdue.{decision.pk}"


def decisions_mark_overdue(*, today: dt.date | None = None) -> int:
    """Daily (a system service: no user): open / in-progress decisions past their deadline become
    overdue, and the township's staff get one reminder per overdue decision. Running it twice
    changes nothing more."""
    today = today or timezone.localdate()
    with transaction.atomic():
        marked = Decision.objects.filter(
            status__in=[Decision.Status.OPEN, Decision.Status.IN_PROGRESS], deadline__lt=today
        ).update(status=Decision.Status.OVERDUE, updated_at=timezone.now())
    overdue = (
        Decision.objects.filter(status=Decision.Status.OVERDUE)
        .select_related("township")
        .only("pk", "number", "title", "deadline", "responsible_unit", "township")
    )
    for decision in overdue.iterator(chunk_size=500):
        reminder_upsert(
            township=decision.township,
            key=_reminder_key(decision),
            text=_("Overdue follow-up No. %(number)s: %(title)s (%(unit)s, due %(date)s)")
            % {
                "number": decision.number,
                "title": decision.title,
                "unit": decision.responsible_unit,
                "date": decision.deadline.isoformat(),
            },
            url=reverse("meetings:decision_detail", args=[decision.pk]),
            due_date=decision.deadline,
        )
    return marked


# --- Activities --------------------------------------------------------------------------


RATING_FIELDS = {
    Activity.Kind.REPORT: ("rating_excellent", "rating_competent", "rating_incompetent"),
    Activity.Kind.EVALUATION: ("rating_satisfied", "rating_basically_satisfied", "rating_unsatisfied"),
}
# Kinds whose voter count is a head count of voters reached, with no ballot to add up to it.
VOTER_COUNT_KINDS = (Activity.Kind.VISIT, Activity.Kind.RECEPTION)
ALL_RATING_FIELDS = RATING_FIELDS[Activity.Kind.REPORT] + RATING_FIELDS[Activity.Kind.EVALUATION]


def _activity_check(activity, *, deputy_ids, duty_ids):
    kind = activity.kind
    if activity.end_date and activity.end_date < activity.start_date:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end_date")
    if kind == Activity.Kind.LAW_CHECK and not activity.law_name.strip():
        raise ApplicationError(_("Name the law whose enforcement was checked."), field="law_name")
    if kind == Activity.Kind.EVALUATION and not activity.target.strip():
        raise ApplicationError(_("Name the unit or official evaluated."), field="target")
    if kind == Activity.Kind.GROUP and activity.group_id is None:
        raise ApplicationError(_("Choose the deputy group."), field="group")
    if activity.group_id and activity.group.township_id != activity.township_id:
        raise ApplicationError(_("Choose a group of this township."), field="group")
    if activity.station_id and activity.station.township_id != activity.township_id:
        raise ApplicationError(_("Choose a liaison station of this township."), field="station")
    if kind == Activity.Kind.REPORT and not duty_ids:
        raise ApplicationError(_("Choose the deputy or deputies who reported."), field="on_duty")
    if not deputy_ids and not duty_ids:
        raise ApplicationError(_("Choose the participating deputies."), field="deputies")
    rating_fields = RATING_FIELDS.get(kind)
    for name in ALL_RATING_FIELDS:
        if not rating_fields or name not in rating_fields:
            setattr(activity, name, None)
    if rating_fields:
        counts = [getattr(activity, f) for f in rating_fields]
        if any(c is not None for c in counts) or activity.voter_count is not None:
            if activity.voter_count is None:
                raise ApplicationError(_("Give the number of voters taking part."), field="voter_count")
            total = sum(c or 0 for c in counts)
            if total != activity.voter_count:
                raise ApplicationError(
                    _(
                        "The ratings add up to %(total)s but %(voters)s voters took part; the counts must add up."
                    )
                    % {"total": total, "voters": activity.voter_count},
                    field=rating_fields[0],
                )
    elif kind not in VOTER_COUNT_KINDS:
        activity.voter_count = None
    if kind != Activity.Kind.VISIT:
        activity.households = None
    if kind != Activity.Kind.RECEPTION:
        activity.notice_date = None
    if kind != Activity.Kind.LAW_CHECK:
        activity.law_name = ""


@dataclass(frozen=True)
class _ActivityColumns:
    """The arguments of activity_save that are columns of the activity (text ones are stripped
    when they are set)."""

    kind: str
    start_date: dt.date
    end_date: dt.date | None
    place: str
    organiser: str
    group: DeputyGroup | None
    station: LiaisonStation | None
    topic: str
    law_name: str
    target: str
    invited_officials: str
    findings: str
    suggestions_count: int
    notice_date: dt.date | None
    voter_count: int | None
    households: int | None
    rating_excellent: int | None
    rating_competent: int | None
    rating_incompetent: int | None
    rating_satisfied: int | None
    rating_basically_satisfied: int | None
    rating_unsatisfied: int | None


STRIPPED_COLUMNS = ("place", "topic", "law_name", "target", "invited_officials")


def _activity_columns_set(activity, given: _ActivityColumns):
    """Check the kind, organiser and topic, then set every column (text stripped)."""
    if given.kind not in Activity.Kind.values:
        raise ApplicationError(_("Choose the kind of activity."), field="kind")
    if given.organiser not in Activity.Organiser.values:
        raise ApplicationError(_("Choose the organiser."), field="organiser")
    columns = {
        f.name: (getattr(given, f.name) or "").strip()
        if f.name in STRIPPED_COLUMNS
        else getattr(given, f.name)
        for f in fields(given)
    }
    if not columns["topic"]:
        raise ApplicationError(_("Enter the topic."), field="topic")
    columns["findings"] = columns["findings"] or ""
    columns["suggestions_count"] = columns["suggestions_count"] or 0
    for name, value in columns.items():
        setattr(activity, name, value)


def _activity_people(activity, deputies, on_duty):
    """({participant ids}, {on duty or reporting ids}), all of the activity's township."""
    deputies, on_duty = list(deputies), list(on_duty)
    if any(d.township_id != activity.township_id for d in deputies + on_duty):
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputies")
    return {d.pk for d in deputies}, {d.pk for d in on_duty}


def _activity_participations_set(activity, *, deputy_ids, duty_ids):
    """Make the activity's participations exactly these deputies, in these roles."""
    role = (
        ActivityParticipation.Role.REPORTER
        if activity.kind == Activity.Kind.REPORT
        else ActivityParticipation.Role.ON_DUTY
    )
    wanted = {pk: ActivityParticipation.Role.PARTICIPANT for pk in deputy_ids}
    wanted.update({pk: role for pk in duty_ids})
    existing = {p.deputy_id: p for p in ActivityParticipation.objects.filter(activity=activity)}
    ActivityParticipation.objects.filter(activity=activity).exclude(deputy_id__in=wanted).delete()
    new, changed = [], []
    for pk, r in wanted.items():
        if pk not in existing:
            new.append(
                ActivityParticipation(
                    township_id=activity.township_id, activity=activity, deputy_id=pk, role=r
                )
            )
        elif existing[pk].role != r:
            existing[pk].role = r
            changed.append(existing[pk])
    ActivityParticipation.objects.bulk_create(new)
    ActivityParticipation.objects.bulk_update(changed, ["role"])


@transaction.atomic
def activity_save(
    *,
    activity: Activity | None = None,
    township: Township,
    kind: str,
    start_date: dt.date,
    topic: str,
    deputies: Iterable[Deputy],
    on_duty: Iterable[Deputy] = (),
    end_date: dt.date | None = None,
    place: str = "",
    organiser: str = Activity.Organiser.PRESIDIUM,
    group: DeputyGroup | None = None,
    station: LiaisonStation | None = None,
    law_name: str = "",
    target: str = "",
    invited_officials: str = "",
    findings: str = "",
    suggestions_count: int = 0,
    notice_date: dt.date | None = None,
    voter_count: int | None = None,
    households: int | None = None,
    rating_excellent: int | None = None,
    rating_competent: int | None = None,
    rating_incompetent: int | None = None,
    rating_satisfied: int | None = None,
    rating_basically_satisfied: int | None = None,
    rating_unsatisfied: int | None = None,
    by,
) -> tuple[Activity, list[str]]:
    """Record a new activity (`activity` None) or correct one: `deputies` take part, `on_duty` are
    on duty (reception) or report (述职); fields its kind does not use are cleared. (activity, warnings)"""
    columns = _ActivityColumns(
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        place=place,
        organiser=organiser,
        group=group,
        station=station,
        topic=topic,
        law_name=law_name,
        target=target,
        invited_officials=invited_officials,
        findings=findings,
        suggestions_count=suggestions_count,
        notice_date=notice_date,
        voter_count=voter_count,
        households=households,
        rating_excellent=rating_excellent,
        rating_competent=rating_competent,
        rating_incompetent=rating_incompetent,
        rating_satisfied=rating_satisfied,
        rating_basically_satisfied=rating_basically_satisfied,
        rating_unsatisfied=rating_unsatisfied,
    )
    if activity is not None:
        authorize(by, activity, "meetings.change_activity")  # and a correction stays in `township`:
    authorize(by, township, "meetings.add_activity" if activity is None else "meetings.change_activity")
    return _activity_write(activity, township, columns, deputies=deputies, on_duty=on_duty, by=by)


def _activity_write(activity, township, columns, *, deputies, on_duty, by):
    """activity_save once authorized: the new or locked row, its columns and participants."""
    if activity is None:
        activity = Activity(township=township)
    else:
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _activity_columns_set(activity, columns)
    deputy_ids, duty_ids = _activity_people(activity, deputies, on_duty)
    _activity_check(activity, deputy_ids=deputy_ids, duty_ids=duty_ids)
    history_actor(activity, by)
    activity.save()
    _activity_participations_set(activity, deputy_ids=deputy_ids, duty_ids=duty_ids)
    if activity.kind != Activity.Kind.RECEPTION:
        return activity, []
    return activity, reception_warnings(
        start_date=activity.start_date, notice_date=activity.notice_date, on_duty_count=len(duty_ids)
    )


CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


@transaction.atomic
def activity_attachment_add(*, activity: Activity, upload: UploadedFile, by) -> ActivityAttachment:
    """Archive a photo or scan. Only JPEG, PNG and PDF up to 10 MB, checked by content too."""
    authorize(by, activity, "meetings.add_activityattachment")
    ext = upload_check(
        upload, allowed=ActivityAttachment.ALLOWED_EXTENSIONS, max_size=ActivityAttachment.MAX_SIZE
    )
    name = os.path.basename(upload.name or "")
    attachment = ActivityAttachment(
        township_id=activity.township_id,
        activity=activity,
        file=upload,
        name=name[:200],
        content_type=CONTENT_TYPES[ext],
        size=upload.size or 0,
        uploaded_by=by,
    )
    history_actor(attachment, by)
    attachment.save()
    return attachment


# --- 两联一述: presidium members' contacts with deputies ----------------------------------------


@transaction.atomic
def deputy_contact_create(
    *, township: Township, member: Deputy, deputy: Deputy, date: dt.date, method: str, note: str = "", by
) -> DeputyContact:
    """Record a presidium member's contact with a deputy. The member must sit on the presidium on
    that date; both are on this township's roster; the date is not in the future."""
    authorize(by, township, "meetings.add_deputycontact")
    if member.township_id != township.pk or deputy.township_id != township.pk:
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputy")
    if member.pk == deputy.pk:
        raise ApplicationError(_("A member cannot record a contact with themselves."), field="deputy")
    if date > timezone.localdate():
        raise ApplicationError(_("A contact cannot be dated in the future."), field="date")
    on_presidium = presidium_memberships_on(township=township, day=date).filter(deputy=member).exists()
    if not on_presidium:
        raise ApplicationError(
            _("%(name)s was not a member of the presidium on %(date)s.")
            % {"name": member.name, "date": date},
            field="member",
        )
    if method not in DeputyContact.Method.values:
        raise ApplicationError(_("Choose how the contact was made."), field="method")
    contact = DeputyContact(
        township=township, member=member, deputy=deputy, date=date, method=method, note=(note or "")[:300]
    )
    history_actor(contact, by)
    contact.save()
    return contact


# --- Reception issues (两簿两卡, the eight steps) ------------------------------------------------

ISSUE_PERM = "meetings.change_receptionissue"


def _issue_locked(issue, allowed):
    """The issue row locked for the transition, refused unless its step is one of `allowed`."""
    locked = ReceptionIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.state not in allowed:
        raise ApplicationError(
            _("This issue is at the step “%(step)s”: that cannot be done now.")
            % {"step": locked.get_state_display()}
        )
    return locked


def _issue_date(issue, on, *, after=None, field="on"):
    if on > timezone.localdate():
        raise ApplicationError(_("A step cannot be dated in the future."), field=field)
    floor = after or issue.activity.start_date
    if on < floor:
        raise ApplicationError(
            _("A step cannot be dated before %(date)s.") % {"date": floor.isoformat()}, field=field
        )


@transaction.atomic
def reception_issue_record(
    *,
    activity: Activity,
    voter_name: str,
    content: str,
    voter_phone: str = "",
    voter_address: str = "",
    received_by: Deputy | None = None,
    by,
) -> ReceptionIssue:
    """接待: record an issue a voter raised at a voter reception. The deputy who received it was
    on duty at (or took part in) that reception."""
    authorize(by, activity, "meetings.add_receptionissue")
    if activity.kind != Activity.Kind.RECEPTION:
        raise ApplicationError(_("Issues are recorded at a voter reception."), field="activity")
    voter_name = (voter_name or "").strip()
    content = (content or "").strip()
    if not voter_name:
        raise ApplicationError(_("Name the voter (or write 匿名)."), field="voter_name")
    if not content:
        raise ApplicationError(_("Write down the issue the voter raised."), field="content")
    if received_by is not None and not activity.participations.filter(deputy=received_by).exists():
        raise ApplicationError(
            _("%(name)s did not take part in this reception.") % {"name": received_by.name},
            field="received_by",
        )
    issue = ReceptionIssue(
        township_id=activity.township_id,
        activity=activity,
        voter_name=voter_name[:50],
        voter_phone=(voter_phone or "").strip()[:20],
        voter_address=(voter_address or "").strip()[:100],
        content=content,
        received_by=received_by,
    )
    history_actor(issue, by)
    issue.save()
    return issue


@transaction.atomic
def reception_issue_sort(
    *,
    issue: ReceptionIssue,
    classification: str,
    on: dt.date,
    handler: str = "",
    deadline: dt.date | None = None,
    reply: str = "",
    by,
) -> ReceptionIssue:
    """梳理 and 交办: classify the issue. A matter for the government goes to a handling unit with
    a reply deadline; any other is redirected, and what the voter was told is the reply."""
    authorize(by, issue, ISSUE_PERM)
    issue = _issue_locked(issue, [ReceptionIssue.State.RECEIVED])
    if classification not in ReceptionIssue.Classification.values:
        raise ApplicationError(_("Choose a classification."), field="classification")
    _issue_date(issue, on)
    fields = ["classification", "assigned_on", "state", "updated_at"]
    issue.classification = classification
    issue.assigned_on = on
    if classification == ReceptionIssue.Classification.GOVERNMENT:
        handler = (handler or "").strip()
        if not handler:
            raise ApplicationError(_("Name the unit or person who handles it."), field="handler")
        if deadline is None:
            raise ApplicationError(_("Give the date the reply is due."), field="deadline")
        if deadline < on:
            raise ApplicationError(
                _("The reply cannot be due before the issue is assigned."), field="deadline"
            )
        issue.handler, issue.deadline = handler[:100], deadline
        issue.state = ReceptionIssue.State.ASSIGNED
        fields += ["handler", "deadline"]
    else:
        reply = (reply or "").strip()
        if not reply:
            raise ApplicationError(
                _("Write what the voter was told (the channel to use): that is the reply."), field="reply"
            )
        issue.reply, issue.replied_on = reply, on
        issue.state = ReceptionIssue.State.REPLIED
        fields += ["reply", "replied_on"]
    history_actor(issue, by)
    issue.save(update_fields=fields)
    return issue


@transaction.atomic
def reception_issue_supervise(*, issue: ReceptionIssue, note: str, on: dt.date, by) -> ReceptionIssue:
    """督办: a follow-up with the handling unit; the latest note is kept, the history keeps all."""
    authorize(by, issue, ISSUE_PERM)
    issue = _issue_locked(issue, [ReceptionIssue.State.ASSIGNED, ReceptionIssue.State.SUPERVISED])
    note = (note or "").strip()
    if not note:
        raise ApplicationError(_("Write what was followed up."), field="note")
    _issue_date(issue, on, after=issue.assigned_on)
    issue.supervised_on, issue.supervision_note = on, note
    issue.state = ReceptionIssue.State.SUPERVISED
    history_actor(issue, by)
    issue.save(update_fields=["supervised_on", "supervision_note", "state", "updated_at"])
    return issue


@transaction.atomic
def reception_issue_reply(*, issue: ReceptionIssue, reply: str, on: dt.date, by) -> ReceptionIssue:
    """回复: the handling unit's answer, given to the voter."""
    authorize(by, issue, ISSUE_PERM)
    issue = _issue_locked(issue, [ReceptionIssue.State.ASSIGNED, ReceptionIssue.State.SUPERVISED])
    reply = (reply or "").strip()
    if not reply:
        raise ApplicationError(_("Write the reply given to the voter."), field="reply")
    _issue_date(issue, on, after=issue.assigned_on)
    issue.reply, issue.replied_on = reply, on
    issue.state = ReceptionIssue.State.REPLIED
    history_actor(issue, by)
    issue.save(update_fields=["reply", "replied_on", "state", "updated_at"])
    return issue


@transaction.atomic
def reception_issue_feedback(
    *, issue: ReceptionIssue, feedback: str, on: dt.date, note: str = "", by
) -> ReceptionIssue:
    """反馈: the voter's view of the reply."""
    authorize(by, issue, ISSUE_PERM)
    issue = _issue_locked(issue, [ReceptionIssue.State.REPLIED])
    if feedback not in ReceptionIssue.Feedback.values:
        raise ApplicationError(_("Choose the voter's feedback."), field="feedback")
    _issue_date(issue, on, after=issue.replied_on)
    issue.feedback, issue.feedback_note, issue.feedback_on = feedback, (note or "").strip()[:300], on
    issue.state = ReceptionIssue.State.FEEDBACK
    history_actor(issue, by)
    issue.save(update_fields=["feedback", "feedback_note", "feedback_on", "state", "updated_at"])
    return issue


@transaction.atomic
def reception_issue_archive(*, issue: ReceptionIssue, on: dt.date, by) -> ReceptionIssue:
    """归档: the record is complete (replied, with the voter's feedback when there was one)."""
    authorize(by, issue, ISSUE_PERM)
    issue = _issue_locked(issue, [ReceptionIssue.State.REPLIED, ReceptionIssue.State.FEEDBACK])
    _issue_date(issue, on, after=issue.feedback_on or issue.replied_on)
    issue.archived_on = on
    issue.state = ReceptionIssue.State.ARCHIVED
    history_actor(issue, by)
    issue.save(update_fields=["archived_on", "state", "updated_at"])
    return issue


# --- Year-end appraisals (评议) and commendations (表彰) --------------------------------------------


def _year_check(year, date, field="date"):
    if date > timezone.localdate():
        raise ApplicationError(_("This cannot be dated in the future."), field=field)
    if date.year not in (year, year + 1):
        raise ApplicationError(
            _("The appraisal or commendation of %(year)s is dated in %(year)s or early the next year.")
            % {"year": year},
            field=field,
        )


def _group_of_year(township, group, year, field="group"):
    if group is None:
        raise ApplicationError(_("Choose the deputy group."), field=field)
    if group.township_id != township.pk:
        raise ApplicationError(_("That group is not one of this township's."), field=field)
    if not (group.term.start_date.year <= year <= group.term.end_date.year):
        raise ApplicationError(
            _("%(group)s belongs to a term that does not cover %(year)s.")
            % {"group": group.name, "year": year},
            field=field,
        )


@transaction.atomic
def appraisal_save(
    *,
    appraisal: Appraisal | None = None,
    township: Township,
    year: int,
    subject: str,
    group: DeputyGroup | None = None,
    station: LiaisonStation | None = None,
    grade: str = "",
    score: Decimal | None = None,
    date: dt.date,
    appraised_by: str,
    remarks: str = "",
    by,
) -> Appraisal:
    """Record (or correct) the year-end appraisal of a group, a station or the presidium's work.
    It has a grade or a score (or both); a score is 0 to 100."""
    authorize(by, township, "meetings.add_appraisal" if appraisal is None else "meetings.change_appraisal")
    if appraisal is not None:
        authorize(by, appraisal, "meetings.change_appraisal")
    if subject not in Appraisal.Subject.values:
        raise ApplicationError(_("Choose what is appraised."), field="subject")
    if subject == Appraisal.Subject.GROUP:
        _group_of_year(township, group, year)
        station = None
    elif subject == Appraisal.Subject.STATION:
        if station is None:
            raise ApplicationError(_("Choose the liaison station."), field="station")
        if station.township_id != township.pk:
            raise ApplicationError(_("That station is not one of this township's."), field="station")
        group = None
    else:
        group = station = None
    if grade and grade not in Appraisal.Grade.values:
        raise ApplicationError(_("Choose a grade from the list."), field="grade")
    if not grade and score is None:
        raise ApplicationError(_("Give a grade or a score."), field="grade")
    if score is not None and not 0 <= score <= 100:
        raise ApplicationError(_("A score is between 0 and 100."), field="score")
    appraised_by = (appraised_by or "").strip()
    if not appraised_by:
        raise ApplicationError(_("Say who appraised it."), field="appraised_by")
    _year_check(year, date)
    if appraisal is None:
        appraisal = Appraisal(township=township)
    else:
        appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    appraisal.year, appraisal.subject, appraisal.group, appraisal.station = year, subject, group, station
    appraisal.grade, appraisal.score, appraisal.date = grade or "", score, date
    appraisal.appraised_by, appraisal.remarks = appraised_by[:100], (remarks or "").strip()
    history_actor(appraisal, by)
    appraisal.save()
    return appraisal


@transaction.atomic
def commendation_save(
    *,
    commendation: Commendation | None = None,
    township: Township,
    year: int,
    kind: str,
    group: DeputyGroup | None = None,
    deputy: Deputy | None = None,
    document_no: str = "",
    date: dt.date,
    remarks: str = "",
    by,
) -> Commendation:
    """Record (or correct) a commendation: 先进代表小组 (a group of the year's term) or 优秀代表 (a
    deputy who served in that year, deputies.serving); once a year for each group and deputy."""
    authorize(
        by, township, "meetings.add_commendation" if commendation is None else "meetings.change_commendation"
    )
    if commendation is not None:
        authorize(by, commendation, "meetings.change_commendation")
    if kind == Commendation.Kind.GROUP:
        _group_of_year(township, group, year)
        deputy = None
        same = Commendation.objects.filter(year=year, group=group)
    elif kind == Commendation.Kind.DEPUTY:
        if deputy is None:
            raise ApplicationError(_("Choose the deputy."), field="deputy")
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        served = Deputy.objects.filter(deputy_serving_during_q(start=start, end=end), township=township)
        if not served.filter(pk=deputy.pk).exists():
            raise ApplicationError(
                _("%(name)s was not a deputy of this township's congress in %(year)s.")
                % {"name": deputy.name, "year": year},
                field="deputy",
            )
        group = None
        same = Commendation.objects.filter(year=year, deputy=deputy)
    else:
        raise ApplicationError(_("Choose the commendation."), field="kind")
    if commendation is not None:
        same = same.exclude(pk=commendation.pk)
    if same.exists():
        raise ApplicationError(
            _("This commendation of %(year)s is already recorded.") % {"year": year},
            field="group" if kind == Commendation.Kind.GROUP else "deputy",
        )
    _year_check(year, date)
    if commendation is None:
        commendation = Commendation(township=township)
    else:
        commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
    commendation.year, commendation.kind, commendation.group, commendation.deputy = year, kind, group, deputy
    commendation.document_no = (document_no or "").strip()[:60]
    commendation.date, commendation.remarks = date, (remarks or "").strip()[:300]
    history_actor(commendation, by)
    commendation.save()
    return commendation


# --- Yearly plans of groups and stations ------------------------------------------------------


def _plan_owner_check(township, year, group, station) -> None:
    """A yearly plan is a deputy group's (of a term covering the year) or a station's, of the
    township."""
    if (group is None) == (station is None):
        raise ApplicationError(_("Choose either a deputy group or a liaison station."), field="group")
    if group is not None:
        _group_of_year(township, group, year)
    if station is not None and station.township_id != township.pk:
        raise ApplicationError(_("That station is not one of this township's."), field="station")


def _planned_fields_check(month, kind, subject) -> str:
    """A planned activity's month, kind and subject checked; the subject as stored."""
    if not (isinstance(month, int) and 1 <= month <= 12):
        raise ApplicationError(_("Choose a month from 1 to 12."), field="month")
    if kind not in Activity.Kind.values:
        raise ApplicationError(_("Choose the kind of activity."), field="kind")
    subject = (subject or "").strip()
    if not subject:
        raise ApplicationError(_("Write the subject of the activity."), field="subject")
    return subject


@transaction.atomic
def planned_activity_add(
    *,
    township: Township,
    year: int,
    month: int,
    kind: str,
    subject: str,
    group: DeputyGroup | None = None,
    station: LiaisonStation | None = None,
    note: str = "",
    by,
) -> PlannedActivity:
    """Add an activity to the yearly plan of a deputy group (of a term covering the year) or a
    liaison station of the township: the month, the kind, the subject and a note."""
    authorize(by, township, "meetings.add_plannedactivity")
    _plan_owner_check(township, year, group, station)
    subject = _planned_fields_check(month, kind, subject)
    item = PlannedActivity(
        township=township,
        year=year,
        month=month,
        kind=kind,
        subject=subject[:200],
        group=group,
        station=station,
        note=(note or "").strip(),
    )
    history_actor(item, by)
    item.save()
    return item


def planned_activity_update(
    *, item: PlannedActivity, month: int, kind: str, subject: str, note: str = "", by
) -> PlannedActivity:
    """Change a planned activity's month, kind, subject and note (its group or station and its
    year stay: another owner's or year's activity is added there)."""
    authorize(by, item, "meetings.change_plannedactivity")
    subject = _planned_fields_check(month, kind, subject)
    with transaction.atomic():
        item = PlannedActivity.objects.select_for_update().get(pk=item.pk)
        item.month, item.kind, item.subject, item.note = month, kind, subject[:200], (note or "").strip()
        history_actor(item, by)
        item.save(update_fields=["month", "kind", "subject", "note", "updated_at"])
    return item


@transaction.atomic
def plan_note_set(
    *,
    township: Township,
    year: int,
    text: str,
    group: DeputyGroup | None = None,
    station: LiaisonStation | None = None,
    by,
) -> PlanNote:
    """Write the note of a deputy group's or liaison station's yearly plan as a whole (kept
    apart from its planned activities, so voiding one of them leaves it); an empty text clears
    it."""
    authorize(by, township, "meetings.change_plannedactivity")
    _plan_owner_check(township, year, group, station)
    note = PlanNote.objects.select_for_update().filter(
        group=group, station=station, year=year
    ).first() or PlanNote(township=township, group=group, station=station, year=year)
    note.text = (text or "").strip()
    history_actor(note, by)
    note.save()
    return note


# --- Reception rota of higher-level deputies --------------------------------------------------

ROTA_LEVELS = ("provincial", "city", "county")


@transaction.atomic
def rota_entry_create(
    *, township: Township, deputy: Deputy, station: LiaisonStation, date: dt.date, note: str = "", by
) -> RotaEntry:
    """Plan a higher-level deputy's turn receiving voters at a liaison station of the township:
    the deputy must hold a provincial, city or county mandate on that date (deputies.serving)."""
    authorize(by, township, "meetings.add_rotaentry")
    if deputy.township_id != township.pk:
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputy")
    if station.township_id != township.pk:
        raise ApplicationError(_("That liaison station is not this township's."), field="station")
    levels = deputy_mandate_levels(deputy_ids=[deputy.pk], on=date).get(deputy.pk, [])
    if not set(levels) & set(ROTA_LEVELS):
        raise ApplicationError(
            _("%(name)s held no provincial, city or county mandate on %(date)s.")
            % {"name": deputy.name, "date": date.isoformat()},
            field="deputy",
        )
    entry = RotaEntry(township=township, deputy=deputy, station=station, date=date, note=(note or "")[:300])
    history_actor(entry, by)
    entry.save()
    return entry


@transaction.atomic
def rota_entry_record(
    *, entry: RotaEntry, state: str, activity: Activity | None = None, note: str = "", by
) -> RotaEntry:
    """Record whether a planned turn was held, and the voter reception activity it became."""
    authorize(by, entry, "meetings.change_rotaentry")
    entry = RotaEntry.objects.select_for_update().get(pk=entry.pk)
    if state not in RotaEntry.State.values:
        raise ApplicationError(_("Choose whether the reception was held."), field="state")
    if state != RotaEntry.State.PLANNED and entry.date > timezone.localdate():
        raise ApplicationError(
            _("A reception planned for %(date)s cannot be recorded before that day.")
            % {"date": entry.date.isoformat()},
            field="state",
        )
    if activity is not None:
        if activity.township_id != entry.township_id or activity.kind != Activity.Kind.RECEPTION:
            raise ApplicationError(_("Choose a voter reception of this township."), field="activity")
        if state != RotaEntry.State.HELD:
            raise ApplicationError(
                _("Only a reception that was held can be linked to a reception record."), field="activity"
            )
    entry.state, entry.activity, entry.note = state, activity, (note or "")[:300]
    history_actor(entry, by)
    entry.save()
    return entry
