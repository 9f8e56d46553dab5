"""Writes for sessions, presidium meetings, decisions and activities.

Every service runs in a transaction, checks the rules and raises ApplicationError with a
translated message (and the field it concerns) when one is broken.
"""

import os

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import PresidiumMembership
from deputies.selectors import deputy_current
from renda.core.exceptions import ApplicationError
from renda.core.history import history_actor
from renda.core.models import Term
from renda.core.services import reminder_upsert
from renda.core.uploads import upload_check
from renda.core.workdays import workdays_between

from .models import (
    Activity,
    ActivityAttachment,
    ActivityParticipation,
    AgendaItem,
    AttendanceStatus,
    Decision,
    DecisionProgress,
    PresidiumAttendance,
    PresidiumMeeting,
    Session,
    SessionAttendance,
    SessionPrepItem,
    _quarter_of,
)

RECEPTION_NOTICE_WORKDAYS = 3
RECEPTION_MIN_ON_DUTY = 2


def _term_on(township, day):
    term = Term.objects.filter(township=township, start_date__lte=day, end_date__gte=day).first()
    if term is None:
        raise ApplicationError(
            _("No congress term of this township covers %(date)s; ask the administrator to record it.")
            % {"date": day.isoformat()},
            field="date",
        )
    return term


# --- Sessions ----------------------------------------------------------------------------


def session_attendance_sync(*, session):
    """Give every deputy current on the session's first day an attendance row (present)."""
    have = SessionAttendance.objects.filter(session=session).values("deputy_id")
    missing = deputy_current(township=session.township, on=session.start_date).exclude(pk__in=have)
    rows = [
        SessionAttendance(township_id=session.township_id, session=session, deputy_id=pk)
        for pk in missing.values_list("pk", flat=True)
    ]
    SessionAttendance.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


@transaction.atomic
def session_create(*, township, number, start_date, end_date, place="", notes="", by=None):
    if end_date < start_date:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end_date")
    term = _term_on(township, start_date)
    if Session.objects.filter(term=term, number=number).exists():
        raise ApplicationError(
            _("Session %(number)s of this term is already recorded.") % {"number": number}, field="number"
        )
    session = Session.objects.create(
        township=township,
        term=term,
        number=number,
        start_date=start_date,
        end_date=end_date,
        place=place,
        notes=notes,
    )
    SessionPrepItem.objects.bulk_create(
        [
            SessionPrepItem(township=township, session=session, item=item)
            for item in SessionPrepItem.Item.values
        ]
    )
    session_attendance_sync(session=session)
    return session


@transaction.atomic
def session_update(*, session, number, start_date, end_date, place="", notes="", by=None):
    session = Session.objects.select_for_update().get(pk=session.pk)
    if end_date < start_date:
        raise ApplicationError(_("The end date cannot be before the start date."), field="end_date")
    if Session.objects.filter(term=session.term, number=number).exclude(pk=session.pk).exists():
        raise ApplicationError(
            _("Session %(number)s of this term is already recorded.") % {"number": number}, field="number"
        )
    session.number, session.start_date, session.end_date = number, start_date, end_date
    session.place, session.notes = place, notes
    session.save(update_fields=["number", "start_date", "end_date", "place", "notes", "updated_at"])
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
def session_attendance_save(*, session, entries, by=None):
    """Save the attendance of a whole session in one go (bulk update). Returns rows changed."""
    Session.objects.select_for_update().filter(pk=session.pk).first()
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


@transaction.atomic
def session_prep_item_mark(*, item, done_by, done_on, note="", by=None):
    item = SessionPrepItem.objects.select_for_update().get(pk=item.pk)
    if done_on is None:
        item.done_by, item.done_on = "", None
    else:
        if not (done_by or "").strip():
            raise ApplicationError(_("Say who did it."), field="done_by")
        item.done_by, item.done_on = done_by.strip(), done_on
    item.note = note
    item.save(update_fields=["done_by", "done_on", "note", "updated_at"])
    return item


def session_child_add(*, session, instance):
    """Attach a report, resolution, election or speech (a validated unsaved model instance)."""
    instance.session = session
    instance.township_id = session.township_id
    deputy = getattr(instance, "deputy", None) if hasattr(instance, "deputy_id") else None
    if deputy is not None and deputy.township_id != session.township_id:
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputy")
    instance.full_clean(exclude=["township", "session"])
    instance.save()
    return instance


# --- Presidium meetings ------------------------------------------------------------------


def _require_presidium(township):
    if not township.has_presidium:
        raise ApplicationError(
            _(
                "A subdistrict (街道) has a people's congress working committee, not a presidium: "
                "presidium meetings are not recorded here."
            )
        )


def presidium_members_on(*, township, term, day):
    """Presidium memberships active on `day` (the majority rule counts these)."""
    return PresidiumMembership.objects.filter(township=township, term=term, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gt=day)
    )


@transaction.atomic
def presidium_meeting_create(*, township, date, kind, chair=None, place="", summary="", by=None):
    _require_presidium(township)
    term = _term_on(township, date)
    Term.objects.select_for_update().get(pk=term.pk)  # serialise the numbering
    members = list(presidium_members_on(township=township, term=term, day=date))
    if not members:
        raise ApplicationError(
            _("No presidium members are recorded for this term; record them on the deputies pages first.")
        )
    if chair is not None and chair.pk not in {m.deputy_id for m in members}:
        raise ApplicationError(_("The chair must be a member of the presidium."), field="chair")
    number = (PresidiumMeeting.objects.filter(term=term).aggregate(n=Max("number"))["n"] or 0) + 1
    meeting = PresidiumMeeting.objects.create(
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
    PresidiumAttendance.objects.bulk_create(
        [PresidiumAttendance(township=township, meeting=meeting, deputy_id=m.deputy_id) for m in members]
    )
    return meeting


@transaction.atomic
def presidium_meeting_update(*, meeting, date, kind, chair=None, place="", summary="", by=None):
    meeting = PresidiumMeeting.objects.select_for_update().get(pk=meeting.pk)
    if not (meeting.term.start_date <= date <= meeting.term.end_date):
        raise ApplicationError(_("The date must fall within the meeting's term."), field="date")
    if chair is not None and not meeting.attendance.filter(deputy=chair).exists():
        raise ApplicationError(_("The chair must be a member of the presidium."), field="chair")
    meeting.date, meeting.kind, meeting.chair = date, kind, chair
    meeting.quarter = _quarter_of(date)
    meeting.place, meeting.summary = place, summary
    meeting.save(update_fields=["date", "kind", "chair", "quarter", "place", "summary", "updated_at"])
    return meeting


@transaction.atomic
def presidium_attendance_save(*, meeting, entries, by=None):
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


@transaction.atomic
def agenda_item_save(*, meeting, instance, by=None):
    """Add or change an agenda item (an unsaved or changed instance from a form)."""
    instance.meeting = meeting
    instance.township_id = meeting.township_id
    if instance.pk is None and not instance.order:
        instance.order = (meeting.agenda_items.aggregate(n=Max("order"))["n"] or 0) + 1
    instance.save()
    return instance


AGENDA_ITEM_FIELDS = ("order", "topic", "reporting_unit", "reporter", "reporter_rank")


def _meeting_note(meeting_id, reason, by):
    """A row in the meeting's change history, so that a change to one of its items shows on its page."""
    meeting = PresidiumMeeting.objects.get(pk=meeting_id)
    history_actor(meeting, by)
    meeting._change_reason = reason[:100]  # the history's reason column
    meeting.save(update_fields=["updated_at"])


@transaction.atomic
def agenda_item_update(*, item, data, by=None):
    """Correct an agenda item's order, topic or reporter (the vote is recorded separately)."""
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    data = {k: v for k, v in data.items() if k in AGENDA_ITEM_FIELDS}
    if not (data.get("topic", item.topic) or "").strip():
        raise ApplicationError(_("Enter the topic."), field="topic")
    changed = [k for k, v in data.items() if getattr(item, k) != v]
    if not changed:
        return item
    for key in changed:
        setattr(item, key, data[key])
    history_actor(item, by)
    item.save(update_fields=changed + ["updated_at"])
    _meeting_note(item.meeting_id, _("agenda item changed: %(topic)s") % {"topic": item.topic}, by)
    return item


@transaction.atomic
def agenda_item_delete(*, item, by=None):
    """Remove an agenda item recorded by mistake. An item that a decision or review opinion was
    adopted on stays: deleting it would cut the decision loose from what it decided."""
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
def agenda_vote_record(*, item, votes_for, votes_against, votes_abstain, by=None):
    """Record the vote on an item. The votes cannot exceed the members present; whether it passed
    is judged against ALL members (过半数), see AgendaItem.passed."""
    item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    meeting = item.meeting
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
def non_voting_add(*, meeting, instance, by=None):
    if instance.deputy_id is None and not instance.name.strip():
        raise ApplicationError(_("Give a name or choose a deputy."), field="name")
    if instance.deputy_id and instance.deputy.township_id != meeting.township_id:
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputy")
    instance.meeting = meeting
    instance.township_id = meeting.township_id
    instance.save()
    return instance


# --- Decisions ---------------------------------------------------------------------------


@transaction.atomic
def decision_create(*, meeting, kind, title, text, responsible_unit, deadline, agenda_item=None, by=None):
    Term.objects.select_for_update().get(pk=meeting.term_id)
    if deadline < meeting.date:
        raise ApplicationError(_("The deadline cannot be before the meeting."), field="deadline")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ApplicationError(_("That agenda item belongs to another meeting."), field="agenda_item")
    if kind == Decision.Kind.DECISION and agenda_item is not None and agenda_item.passed is False:
        raise ApplicationError(
            _("This item did not win a majority of all presidium members; no decision can be recorded."),
            field="agenda_item",
        )
    number = (Decision.objects.filter(term_id=meeting.term_id).aggregate(n=Max("number"))["n"] or 0) + 1
    return Decision.objects.create(
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


@transaction.atomic
def decision_progress_add(*, decision, date, note, by=None):
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
        decision.save(update_fields=["status", "updated_at"])
    return decision


@transaction.atomic
def decision_complete(*, decision, completed_on, reported_at=None, note="", by=None):
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
    decision.save(update_fields=["status", "completed_on", "reported_at", "updated_at"])
    from renda.core.models import Reminder

    Reminder.objects.filter(township_id=decision.township_id, key=_reminder_key(decision)).update(done=True)
    return decision


def _reminder_key(decision):
    return f"meetings.decision.overdue.{decision.pk}"


def decisions_mark_overdue(*, today=None):
    """Daily: open / in-progress decisions past their deadline become overdue, and the township's
    staff get one reminder per overdue decision. Running it twice changes nothing more."""
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


def reception_warnings(*, start_date, notice_date, on_duty_count):
    """The reception rules: public notice ≥ 3 working days ahead, ≥ 2 deputies on duty.
    Returns translated warnings (empty when the rules are kept)."""
    warnings = []
    if notice_date is None:
        warnings.append(
            _("No public notice date recorded: the notice must go out at least 3 working days ahead.")
        )
    else:
        days = workdays_between(notice_date, start_date)
        if days < RECEPTION_NOTICE_WORKDAYS:
            warnings.append(
                _(
                    "The notice was published only %(days)s working day(s) before the reception; "
                    "at least %(min)s are required."
                )
                % {"days": days, "min": RECEPTION_NOTICE_WORKDAYS}
            )
    if on_duty_count < RECEPTION_MIN_ON_DUTY:
        warnings.append(
            _("Only %(n)s deputy(ies) on duty; at least %(min)s are required.")
            % {"n": on_duty_count, "min": RECEPTION_MIN_ON_DUTY}
        )
    return warnings


RATING_FIELDS = {
    Activity.Kind.REPORT: ("rating_excellent", "rating_competent", "rating_incompetent"),
    Activity.Kind.EVALUATION: ("rating_satisfied", "rating_basically_satisfied", "rating_unsatisfied"),
}
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
    else:
        activity.voter_count = None
    if kind != Activity.Kind.RECEPTION:
        activity.notice_date = None
    if kind != Activity.Kind.LAW_CHECK:
        activity.law_name = ""


@transaction.atomic
def activity_save(*, activity, deputies, on_duty=(), by=None):
    """Create or update an activity with its participants.

    `deputies`: participating deputies; `on_duty`: deputies on duty (reception) or reporting
    (述职). Returns (activity, warnings)."""
    deputy_ids = {d.pk for d in deputies}
    duty_ids = {d.pk for d in on_duty}
    foreign = [d for d in list(deputies) + list(on_duty) if d.township_id != activity.township_id]
    if foreign:
        raise ApplicationError(_("That deputy is not on this township's roster."), field="deputies")
    _activity_check(activity, deputy_ids=deputy_ids, duty_ids=duty_ids)
    if activity.pk:
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
    activity.save()
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
    warnings = []
    if activity.kind == Activity.Kind.RECEPTION:
        warnings = reception_warnings(
            start_date=activity.start_date, notice_date=activity.notice_date, on_duty_count=len(duty_ids)
        )
    return activity, warnings


CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}


@transaction.atomic
def activity_attachment_add(*, activity, upload, by=None):
    """Archive a photo or scan. Only JPEG, PNG and PDF up to 10 MB, checked by content too."""
    ext = upload_check(
        upload, allowed=ActivityAttachment.ALLOWED_EXTENSIONS, max_size=ActivityAttachment.MAX_SIZE
    )
    name = os.path.basename(upload.name)
    return ActivityAttachment.objects.create(
        township_id=activity.township_id,
        activity=activity,
        file=upload,
        name=name[:200],
        content_type=CONTENT_TYPES[ext],
        size=upload.size,
        uploaded_by=by,
    )
