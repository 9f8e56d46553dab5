"""The meetings' part of the deputy archive (一人一档, composed by renda.core.archive): attendance
at sessions and presidium meetings with the floor speeches, activities, commendations, the
reception rota and a new deputy's training. Each provider answers for any number of deputies
in a fixed number of queries."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.archive import ArchiveSection, Link, choice_labels, date_text
from renda.core.links import pk_url

from .models import (
    Activity,
    ActivityParticipation,
    Commendation,
    FloorSpeech,
    PresidiumAttendance,
    ReceptionIssue,
    RotaEntry,
    SessionAttendance,
)
from .naming import session_full_name


def _ids(deputies):
    return [d.deputy_id for d in deputies]


def attendance_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """Sessions and presidium meetings of `year` and how the deputy attended; the floor speeches
    in the summary. Three queries."""
    ids = _ids(deputies)
    rows: dict[int, list] = {i: [] for i in ids}
    _session_attendance_rows(rows, ids, year)
    _meeting_attendance_rows(rows, ids, year)
    speeches: dict[int, list[str]] = {i: [] for i in ids}
    for deputy_id, topic in (
        FloorSpeech.objects.filter(
            deputy_id__in=ids, session__start_date__year=year, session__voided_at__isnull=True
        )
        .order_by("session__start_date", "pk")
        .values_list("deputy_id", "topic")
    ):
        speeches[deputy_id].append(topic)
    title, speech_text, separator = (
        _("Attendance at meetings"),
        _("Floor speeches at the session (%(n)s): %(topics)s."),
        _("; "),
    )
    headers = (_("Meeting"), _("Date"), _("Attendance"), _("Reason"))
    empty = _("No session attendance recorded in this year.")
    return {
        i: ArchiveSection(
            key="meetings.attendance",
            title=title,
            summary=speech_text % {"n": len(speeches[i]), "topics": separator.join(speeches[i])}
            if speeches[i]
            else "",
            headers=headers,
            rows=rows[i],
            widths=(66, 28, 26, 36),
            empty_text=empty,
        )
        for i in ids
    }


def _session_attendance_rows(rows: dict[int, list], ids: list[int], year: int) -> None:
    """Add each deputy's sessions of `year` to `rows`: (session, date, attendance, reason)."""
    status = choice_labels(SessionAttendance, "status")
    session_url = pk_url("meetings:session_detail")
    names: dict[int, str] = {}
    for a in (
        SessionAttendance.objects.filter(deputy_id__in=ids, session__start_date__year=year)
        .select_related("session__term")
        .order_by("session__start_date", "pk")
    ):
        if a.session_id not in names:
            names[a.session_id] = session_full_name(a.session)
        rows[a.deputy_id].append(
            (
                Link(names[a.session_id], session_url(a.session_id)),
                date_text(a.session.start_date),
                status(a.status),
                a.reason,
            )
        )


def _meeting_attendance_rows(rows: dict[int, list], ids: list[int], year: int) -> None:
    """Add each deputy's presidium meetings of `year` to `rows`, as the sessions."""
    status = choice_labels(PresidiumAttendance, "status")
    meeting_url = pk_url("meetings:meeting_detail")
    for m in (
        PresidiumAttendance.objects.filter(deputy_id__in=ids, meeting__date__year=year)
        .select_related("meeting__term")
        .order_by("meeting__date", "pk")
    ):
        rows[m.deputy_id].append(
            (
                Link(str(m.meeting.title), meeting_url(m.meeting_id)),
                date_text(m.meeting.date),
                status(m.status),
                m.reason,
            )
        )


def activities_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """The activities of `year` the deputy took part in. One query."""
    ids = _ids(deputies)
    rows: dict[int, list] = {i: [] for i in ids}
    kind, role = choice_labels(Activity, "kind"), choice_labels(ActivityParticipation, "role")
    activity_url = pk_url("meetings:activity_detail")
    for p in (
        ActivityParticipation.objects.filter(deputy_id__in=ids, activity__start_date__year=year)
        .select_related("activity")
        .order_by("activity__start_date", "pk")
    ):
        a = p.activity
        rows[p.deputy_id].append(
            (date_text(a.start_date), kind(a.kind), Link(a.topic, activity_url(a.pk)), role(p.role))
        )
    title = _("Activities")
    headers = (_("Date"), _("Kind"), _("Topic"), _("Role"))
    empty = _("No activity recorded in this year.")
    return {
        i: ArchiveSection(
            key="meetings.activities",
            title=title,
            summary=_("Activities in the year: %(n)s.") % {"n": len(rows[i])} if rows[i] else "",
            headers=headers,
            rows=rows[i],
            widths=(28, 30, 70, 28),
            empty_text=empty,
        )
        for i in ids
    }


def commendations_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """The deputy's commendations of `year`; no section for a deputy without one. One query."""
    ids = _ids(deputies)
    rows: dict[int | None, list] = {}
    kind = choice_labels(Commendation, "kind")
    for c in Commendation.objects.filter(deputy_id__in=ids, year=year).order_by("date", "pk"):
        rows.setdefault(c.deputy_id, []).append((kind(c.kind), c.document_no, date_text(c.date), c.remarks))
    title = _("Commendations")
    headers = (_("Commendation"), _("Document no."), _("Date"), _("Remarks"))
    return {
        i: ArchiveSection(
            key="meetings.commendations", title=title, headers=headers, rows=found, widths=(46, 40, 28, 42)
        )
        for i, found in rows.items()
        if i is not None
    }


def reception_issues_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """The issues voters raised with the deputy at the receptions of `year` (received_by), with
    their classification and step; no section for a deputy who received none. The voter and
    what they said are left out: the archive goes to the county with the year-end bundle. One
    query."""
    ids = _ids(deputies)
    rows: dict[int, list] = {}
    counts: dict[int, dict[str, int]] = {}
    classification, step = (
        choice_labels(ReceptionIssue, "classification"),
        choice_labels(ReceptionIssue, "state"),
    )
    issue_url = pk_url("meetings:issue_detail")
    for issue in (
        ReceptionIssue.objects.filter(received_by_id__in=ids, activity__start_date__year=year)
        .select_related("activity")
        .order_by("activity__start_date", "pk")
    ):
        rows.setdefault(issue.received_by_id, []).append(
            (
                Link(date_text(issue.activity.start_date), issue_url(issue.pk)),
                classification(issue.classification) if issue.classification else _("not sorted yet"),
                step(issue.state),
                date_text(issue.replied_on),
            )
        )
        c = counts.setdefault(issue.received_by_id, {"n": 0, "replied": 0})
        c["n"] += 1
        c["replied"] += issue.replied_on is not None
    title = _("Issues voters raised at receptions")
    headers = (_("Reception"), _("Classification"), _("Step"), _("Replied on"))
    return {
        i: ArchiveSection(
            key="meetings.issues",
            title=title,
            summary=_("Issues received from voters: %(n)s, of which %(replied)s replied to.") % counts[i],
            headers=headers,
            rows=found,
            widths=(28, 62, 36, 30),
        )
        for i, found in rows.items()
    }


def rota_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """A higher-level deputy's turns on the reception rota of the stations in `year`; no section
    for a deputy without one. One query."""
    ids = _ids(deputies)
    rows: dict[int, list] = {}
    state = choice_labels(RotaEntry, "state")
    entry_url, activity_url = pk_url("meetings:rota_entry"), pk_url("meetings:activity_detail")
    for e in (
        RotaEntry.objects.filter(deputy_id__in=ids, date__year=year)
        .select_related("station", "activity")
        .order_by("date", "pk")
    ):
        rows.setdefault(e.deputy_id, []).append(
            (
                Link(date_text(e.date), entry_url(e.pk)),
                e.station.name,
                state(e.current_state),
                # a voided reception is no longer linked (the turn itself stays)
                Link(e.activity.topic, activity_url(e.activity_id))
                if e.activity is not None and not e.activity.is_voided
                else "",
            )
        )
    title = _("Reception rota at the liaison stations")
    headers = (_("Date"), _("Liaison station"), _("State"), _("Activity"))
    return {
        i: ArchiveSection(
            key="meetings.rota", title=title, headers=headers, rows=found, widths=(28, 46, 28, 54)
        )
        for i, found in rows.items()
    }


def training_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    """A new deputy's training before their first session (the term covering the year's
    reference day: 31 December, or today during the year); no section for the others. Four
    queries."""
    from .selectors import new_deputy_training

    today = today or timezone.localdate()
    day = min(dt.date(year, 12, 31), today) if today.year == year else dt.date(year, 12, 31)
    ids = set(_ids(deputies))
    found = {
        r.deputy_id: r
        for rows in new_deputy_training(
            township_ids=sorted({d.township_id for d in deputies}), today=day, people=False
        ).values()
        for r in rows
        if r.deputy_id in ids
    }
    title = _("Training before the first session")
    text = _(
        "Newly elected in this term (mandate from %(start)s); first session: %(session)s; trained on: "
        "%(trained)s; %(status)s."
    )
    not_held, untrained = _("not yet held"), _("not trained")
    session_url, training_url = pk_url("meetings:session_detail"), reverse("meetings:training")
    out = {}
    for deputy_id, r in found.items():
        links = [Link(_("Training of new deputies"), training_url)]
        if r.first_session:
            links.insert(0, Link(_("First session"), session_url(r.first_session.pk)))
        out[deputy_id] = ArchiveSection(
            key="meetings.training",
            title=title,
            summary=text
            % {
                "start": date_text(r.start),
                "session": date_text(r.first_session.start_date) if r.first_session else not_held,
                "trained": date_text(r.trained_on) or untrained,
                "status": r.status_label,
            },
            links=links,
        )
    return out
