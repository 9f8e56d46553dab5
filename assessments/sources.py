"""Where scoring counts come from. One aggregate query per source, for any number of townships:
`counts(township_ids, start, end) -> {deputy_id: count}`. `records(...)` lists the records behind
one deputy's count, for the score card (one deputy, so a query per source is fine there).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from meetings.models import (
    ATTENDED,
    Activity,
    ActivityParticipation,
    AttendanceStatus,
    FloorSpeech,
    NonVotingAttendee,
    PresidiumAttendance,
    PresidiumMeeting,
    Session,
    SessionAttendance,
)
from proposals.models import Proposal

from .models import ScoringItem

S = ScoringItem.Source
INSPECTION_KINDS = [Activity.Kind.INSPECTION, Activity.Kind.INVESTIGATION, Activity.Kind.LAW_CHECK]
FAILED_PRESIDIUM = (AttendanceStatus.UNEXCUSED, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


def _url(name, pk):
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _grouped(qs, *, key="deputy_id"):
    return {row[key]: row["n"] for row in qs.values(key).annotate(n=Count("pk")).order_by() if row[key]}


# --- sessions ----------------------------------------------------------------------------


def _session_rows(township_ids, start, end):
    return SessionAttendance.objects.filter(
        township_id__in=township_ids, session__start_date__gte=start, session__start_date__lte=end
    )


def session_perfect(township_ids, start, end):
    """1 when the deputy attended every session of the year present, without lateness or early leave."""
    rows = (
        _session_rows(township_ids, start, end)
        .values("deputy_id")
        .annotate(total=Count("pk"), ok=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)))
        .order_by()
    )
    return {r["deputy_id"]: 1 for r in rows if r["total"] and r["ok"] == r["total"]}


def session_attended(township_ids, start, end):
    return _grouped(_session_rows(township_ids, start, end).filter(status__in=ATTENDED))


def session_unexcused(township_ids, start, end):
    return _grouped(_session_rows(township_ids, start, end).filter(status=AttendanceStatus.UNEXCUSED))


def _session_records(deputy_id, start, end, statuses=None):
    qs = SessionAttendance.objects.filter(
        deputy_id=deputy_id, session__start_date__gte=start, session__start_date__lte=end
    ).select_related("session__term")
    if statuses:
        qs = qs.filter(status__in=statuses)
    return [
        {
            "date": a.session.start_date,
            "title": a.session.title,
            "note": a.get_status_display(),
            "url": _url("meetings:session_detail", a.session_id),
        }
        for a in qs.order_by("session__start_date")
    ]


def speeches(township_ids, start, end):
    return _grouped(
        FloorSpeech.objects.filter(
            township_id__in=township_ids, session__start_date__gte=start, session__start_date__lte=end
        )
    )


def speakers(township_ids, start, end):
    """1 when the deputy made a floor speech in the year: a deputy is one speaker, however many
    times they spoke (seed 003 gives +5 per further speaker, not per further speech)."""
    return {deputy_id: 1 for deputy_id in speeches(township_ids, start, end)}


def speeches_records(deputy_id, start, end):
    qs = FloorSpeech.objects.filter(
        deputy_id=deputy_id, session__start_date__gte=start, session__start_date__lte=end
    ).select_related("session__term")
    return [
        {
            "date": s.session.start_date,
            "title": s.session.title,
            "note": s.topic,
            "url": _url("meetings:session_detail", s.session_id),
        }
        for s in qs.order_by("session__start_date", "pk")
    ]


# --- presidium ---------------------------------------------------------------------------


def _presidium_rows(township_ids, start, end):
    return PresidiumAttendance.objects.filter(
        township_id__in=township_ids, meeting__date__gte=start, meeting__date__lte=end
    )


def presidium_perfect(township_ids, start, end):
    """1 when the deputy was called to presidium meetings (member, or invited to attend without a
    vote) and never missed one, came late or left early."""
    rows = (
        _presidium_rows(township_ids, start, end)
        .values("deputy_id")
        .annotate(total=Count("pk"), ok=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)))
        .order_by()
    )
    result = {r["deputy_id"]: 1 for r in rows if r["total"] and r["ok"] == r["total"]}
    imperfect = {r["deputy_id"] for r in rows if r["ok"] != r["total"]}
    invited = (
        NonVotingAttendee.objects.filter(
            township_id__in=township_ids,
            meeting__date__gte=start,
            meeting__date__lte=end,
            deputy__isnull=False,
        )
        .values_list("deputy_id", flat=True)
        .distinct()
    )
    for deputy_id in invited:
        if deputy_id not in imperfect:
            result[deputy_id] = 1
    return result


def _presidium_called_and_failed(township_ids, start, end, failing):
    """({deputies called to a meeting: member or invited to attend}, {deputies who failed})."""
    rows = (
        _presidium_rows(township_ids, start, end)
        .values("deputy_id")
        .annotate(total=Count("pk"), failed=Count("pk", filter=Q(status__in=failing)))
        .order_by()
    )
    called, failed = set(), set()
    for r in rows:
        called.add(r["deputy_id"])
        if r["failed"]:
            failed.add(r["deputy_id"])
    invited = NonVotingAttendee.objects.filter(
        township_id__in=township_ids, meeting__date__gte=start, meeting__date__lte=end, deputy__isnull=False
    ).values_list("deputy_id", flat=True)
    called.update(invited)
    return called, failed


def presidium_ok(township_ids, start, end):
    """1 when the deputy was called to presidium meetings and never missed one without leave, came
    late or left early (seed 003: "按通知要求参加主席团会议，做到不无故缺席迟到早退"); an excused
    absence keeps the points."""
    called, failed = _presidium_called_and_failed(township_ids, start, end, FAILED_PRESIDIUM)
    return {deputy_id: 1 for deputy_id in called - failed}


def presidium_unexcused(township_ids, start, end):
    return _grouped(_presidium_rows(township_ids, start, end).filter(status=AttendanceStatus.UNEXCUSED))


def _presidium_records(deputy_id, start, end, statuses=None):
    qs = PresidiumAttendance.objects.filter(
        deputy_id=deputy_id, meeting__date__gte=start, meeting__date__lte=end
    ).select_related("meeting__term")
    if statuses:
        qs = qs.filter(status__in=statuses)
    records = [
        {
            "date": a.meeting.date,
            "title": a.meeting.title,
            "note": a.get_status_display(),
            "url": _url("meetings:meeting_detail", a.meeting_id),
        }
        for a in qs
    ]
    if not statuses:
        invited = NonVotingAttendee.objects.filter(
            deputy_id=deputy_id, meeting__date__gte=start, meeting__date__lte=end
        ).select_related("meeting__term")
        records += [
            {
                "date": n.meeting.date,
                "title": n.meeting.title,
                "note": str(n.get_kind_display()),
                "url": _url("meetings:meeting_detail", n.meeting_id),
            }
            for n in invited
        ]
    return sorted(records, key=lambda r: r["date"])


# --- activities --------------------------------------------------------------------------


def _participations(township_ids, start, end, kinds=None, role=None):
    qs = ActivityParticipation.objects.filter(
        township_id__in=township_ids, activity__start_date__gte=start, activity__start_date__lte=end
    )
    if kinds:
        qs = qs.filter(activity__kind__in=kinds)
    if role:
        qs = qs.filter(role=role)
    return qs


def _activity_counter(kinds, role=None):
    return lambda township_ids, start, end: _grouped(_participations(township_ids, start, end, kinds, role))


def _activity_records(kinds, role=None):
    def records(deputy_id, start, end):
        qs = ActivityParticipation.objects.filter(
            deputy_id=deputy_id, activity__start_date__gte=start, activity__start_date__lte=end
        ).select_related("activity")
        if kinds:
            qs = qs.filter(activity__kind__in=kinds)
        if role:
            qs = qs.filter(role=role)
        return [
            {
                "date": p.activity.start_date,
                "title": p.activity.topic,
                "note": p.activity.get_kind_display(),
                "url": _url("meetings:activity_detail", p.activity_id),
            }
            for p in qs.order_by("activity__start_date", "pk")
        ]

    return records


def _report_tallies(qs):
    return qs.values(
        "deputy_id",
        "activity__rating_excellent",
        "activity__rating_competent",
        "activity__rating_incompetent",
    ).order_by()


def report_excellent(township_ids, start, end):
    """1 when, at a 述职 in the year, more than half of the ballots rated the deputy 优秀."""
    rows = _report_tallies(_participations(township_ids, start, end, [Activity.Kind.REPORT], "reporter"))
    result = {}
    for r in rows:
        votes = [
            r["activity__rating_excellent"] or 0,
            r["activity__rating_competent"] or 0,
            r["activity__rating_incompetent"] or 0,
        ]
        if sum(votes) and votes[0] * 2 > sum(votes):
            result[r["deputy_id"]] = 1
    return result


def report_records(deputy_id, start, end):
    qs = ActivityParticipation.objects.filter(
        deputy_id=deputy_id,
        role="reporter",
        activity__kind=Activity.Kind.REPORT,
        activity__start_date__gte=start,
        activity__start_date__lte=end,
    ).select_related("activity")
    out = []
    for p in qs.order_by("activity__start_date"):
        a = p.activity
        tally = _("voters' rating: excellent %(e)s, competent %(c)s, incompetent %(i)s") % {
            "e": a.rating_excellent or 0,
            "c": a.rating_competent or 0,
            "i": a.rating_incompetent or 0,
        }
        out.append(
            {
                "date": a.start_date,
                "title": a.topic,
                "note": tally,
                "url": _url("meetings:activity_detail", a.pk),
            }
        )
    return out


# --- proposals ---------------------------------------------------------------------------


def _proposals(township_ids, year):
    return Proposal.objects.filter(township_id__in=township_ids, year=year).exclude(
        state=Proposal.State.NOT_ACCEPTED
    )


def proposals_lead(township_ids, start, end):
    return _grouped(_proposals(township_ids, start.year), key="lead_deputy_id")


def proposals_cosigned(township_ids, start, end):
    through = Proposal.co_signers.through
    qs = through.objects.filter(proposal__township_id__in=township_ids, proposal__year=start.year).exclude(
        proposal__state=Proposal.State.NOT_ACCEPTED
    )
    return {r["deputy_id"]: r["n"] for r in qs.values("deputy_id").annotate(n=Count("pk")).order_by()}


def proposals_any(township_ids, start, end):
    """Proposals the deputy led or co-signed (each proposal once per deputy)."""
    counts = proposals_lead(township_ids, start, end)
    through = Proposal.co_signers.through
    qs = (
        through.objects.filter(proposal__township_id__in=township_ids, proposal__year=start.year)
        .exclude(proposal__state=Proposal.State.NOT_ACCEPTED)
        .exclude(proposal__lead_deputy_id=F("deputy_id"))
    )
    for r in qs.values("deputy_id").annotate(n=Count("pk")).order_by():
        counts[r["deputy_id"]] = counts.get(r["deputy_id"], 0) + r["n"]
    return counts


def _proposal_records(mode):
    def records(deputy_id, start, end):
        qs = Proposal.objects.filter(year=start.year).exclude(state=Proposal.State.NOT_ACCEPTED)
        if mode == "lead":
            qs = qs.filter(lead_deputy_id=deputy_id)
        elif mode == "cosigned":
            qs = qs.filter(co_signers__id=deputy_id)
        else:
            qs = qs.filter(Q(lead_deputy_id=deputy_id) | Q(co_signers__id=deputy_id)).distinct()
        return [
            {
                "date": p.submitted_on,
                "title": f"{p.number} {p.title}",
                "note": p.get_kind_display(),
                "url": _url("proposals:detail", p.pk),
            }
            for p in qs.order_by("submitted_on", "pk")
        ]

    return records


# --- registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    counts: object
    records: object


SOURCES = {
    S.SESSION_PERFECT: Source(S.SESSION_PERFECT, session_perfect, _session_records),
    S.SESSION_ATTENDED: Source(
        S.SESSION_ATTENDED, session_attended, lambda d, s, e: _session_records(d, s, e, ATTENDED)
    ),
    S.SESSION_UNEXCUSED: Source(
        S.SESSION_UNEXCUSED,
        session_unexcused,
        lambda d, s, e: _session_records(d, s, e, [AttendanceStatus.UNEXCUSED]),
    ),
    S.PRESIDIUM_PERFECT: Source(S.PRESIDIUM_PERFECT, presidium_perfect, _presidium_records),
    S.PRESIDIUM_UNEXCUSED: Source(
        S.PRESIDIUM_UNEXCUSED,
        presidium_unexcused,
        lambda d, s, e: _presidium_records(d, s, e, [AttendanceStatus.UNEXCUSED]),
    ),
    S.GROUP_ACTIVITIES: Source(
        S.GROUP_ACTIVITIES, _activity_counter([Activity.Kind.GROUP]), _activity_records([Activity.Kind.GROUP])
    ),
    S.INSPECTIONS: Source(
        S.INSPECTIONS, _activity_counter(INSPECTION_KINDS), _activity_records(INSPECTION_KINDS)
    ),
    S.RECEPTIONS: Source(
        S.RECEPTIONS,
        _activity_counter([Activity.Kind.RECEPTION], "on_duty"),
        _activity_records([Activity.Kind.RECEPTION], "on_duty"),
    ),
    S.VOTER_CONTACTS: Source(
        S.VOTER_CONTACTS, _activity_counter([Activity.Kind.VISIT]), _activity_records([Activity.Kind.VISIT])
    ),
    S.TRAININGS: Source(
        S.TRAININGS, _activity_counter([Activity.Kind.TRAINING]), _activity_records([Activity.Kind.TRAINING])
    ),
    S.PROPOSALS_LEAD: Source(S.PROPOSALS_LEAD, proposals_lead, _proposal_records("lead")),
    S.PROPOSALS_COSIGNED: Source(S.PROPOSALS_COSIGNED, proposals_cosigned, _proposal_records("cosigned")),
    S.PROPOSALS_ANY: Source(S.PROPOSALS_ANY, proposals_any, _proposal_records("any")),
    S.SPEECHES: Source(S.SPEECHES, speeches, speeches_records),
    S.SPEAKERS: Source(S.SPEAKERS, speakers, speeches_records),
    S.PRESIDIUM_NO_UNEXCUSED: Source(S.PRESIDIUM_NO_UNEXCUSED, presidium_ok, _presidium_records),
    S.EVALUATIONS: Source(
        S.EVALUATIONS,
        _activity_counter([Activity.Kind.EVALUATION]),
        _activity_records([Activity.Kind.EVALUATION]),
    ),
    S.REPORT_DONE: Source(
        S.REPORT_DONE, _activity_counter([Activity.Kind.REPORT], "reporter"), report_records
    ),
    S.REPORT_EXCELLENT: Source(S.REPORT_EXCELLENT, report_excellent, report_records),
}


def source_counts(keys, *, township_ids, start, end) -> dict:
    """{source key: {deputy_id: count}} for the given sources: one query per source."""
    return {key: SOURCES[key].counts(township_ids, start, end) for key in keys if key in SOURCES}


def source_records(key, *, deputy_id, start, end) -> list:
    source = SOURCES.get(key)
    if source is None or source.records is None:
        return []
    return source.records(deputy_id, start, end)


def group_activity_counts(*, township_ids, start, end) -> dict:
    """{group_id: group activities held} — a group's own activities in the year."""
    qs = Activity.objects.filter(
        township_id__in=township_ids,
        kind=Activity.Kind.GROUP,
        start_date__gte=start,
        start_date__lte=end,
        group__isnull=False,
    )
    return _grouped(qs, key="group_id")


# --- groups ------------------------------------------------------------------------------
# A group's count of a source, for the items scored for groups. `members` maps each scored
# deputy to their group. Seed 003's rules read for a group: every member attended the session;
# the group's written items (each proposal once, however many members signed it); its members
# who spoke; no member missed a presidium meeting without leave. Other sources: the members'
# counts added up, except group activities, which are the group's own activities held.


def _group_all_members(township_ids, start, end, members, rows_of, failing):
    """1 for a group when some member has rows and no member failed."""
    called, failed = set(), set()
    for deputy_id, ok in rows_of(township_ids, start, end, failing):
        if deputy_id in members:
            called.add(members[deputy_id])
            if not ok:
                failed.add(members[deputy_id])
    return {group_id: 1 for group_id in called - failed}


def _session_ok_rows(township_ids, start, end, failing):
    rows = (
        _session_rows(township_ids, start, end)
        .values("deputy_id")
        .annotate(total=Count("pk"), ok=Count("pk", filter=Q(status=AttendanceStatus.PRESENT)))
        .order_by()
    )
    return [(r["deputy_id"], r["ok"] == r["total"]) for r in rows]


def _presidium_ok_rows(failing):
    def rows(township_ids, start, end, _failing):
        called, failed = _presidium_called_and_failed(township_ids, start, end, failing)
        return [(deputy_id, deputy_id not in failed) for deputy_id in called]

    return rows


def _group_proposals(township_ids, start, end, members, lead_only=False):
    pairs = set()
    base = _proposals(township_ids, start.year)
    for pk, lead in base.values_list("pk", "lead_deputy_id"):
        if lead in members:
            pairs.add((members[lead], pk))
    if not lead_only:
        through = Proposal.co_signers.through.objects.filter(
            proposal__township_id__in=township_ids, proposal__year=start.year
        ).exclude(proposal__state=Proposal.State.NOT_ACCEPTED)
        for pk, deputy_id in through.values_list("proposal_id", "deputy_id"):
            if deputy_id in members:
                pairs.add((members[deputy_id], pk))
    out = {}
    for group_id, _pk in pairs:
        out[group_id] = out.get(group_id, 0) + 1
    return out


def _summed(deputy_counts, members):
    out = {}
    for deputy_id, n in deputy_counts.items():
        if deputy_id in members and n:
            out[members[deputy_id]] = out.get(members[deputy_id], 0) + n
    return out


GROUP_SOURCES = {
    S.SESSION_PERFECT: lambda t, s, e, m: _group_all_members(t, s, e, m, _session_ok_rows, None),
    S.PRESIDIUM_PERFECT: lambda t, s, e, m: _group_all_members(
        t, s, e, m, _presidium_ok_rows([x for x in AttendanceStatus if x != AttendanceStatus.PRESENT]), None
    ),
    S.PRESIDIUM_NO_UNEXCUSED: lambda t, s, e, m: _group_all_members(
        t, s, e, m, _presidium_ok_rows(FAILED_PRESIDIUM), None
    ),
    S.PROPOSALS_ANY: lambda t, s, e, m: _group_proposals(t, s, e, m),
    S.PROPOSALS_LEAD: lambda t, s, e, m: _group_proposals(t, s, e, m, lead_only=True),
    S.SPEAKERS: lambda t, s, e, m: _summed(speakers(t, s, e), m),
    S.GROUP_ACTIVITIES: lambda t, s, e, m: group_activity_counts(township_ids=t, start=s, end=e),
}


def group_source_counts(keys, *, township_ids, start, end, members) -> dict:
    """{source key: {group_id: count}} for the items scored for groups: one or two queries each."""
    out = {}
    for key in keys:
        if key in GROUP_SOURCES:
            out[key] = GROUP_SOURCES[key](township_ids, start, end, members)
        elif key in SOURCES:
            out[key] = _summed(SOURCES[key].counts(township_ids, start, end), members)
    return out


# --- records changed after locking -------------------------------------------------------
# The records the sources read, for one township and year: each model with the filter that
# puts a row in the year. A row counts as changed when it was saved after `since` (its
# `updated_at`: created or edited) or, for models keeping a change history, when a history
# entry is dated after `since` (created, edited or deleted). Attendance rows keep no history of
# their own; editing them saves the session or meeting, whose history records the change.


def _fed_models(year):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    session = Q(session__start_date__gte=start, session__start_date__lte=end)
    meeting = Q(meeting__date__gte=start, meeting__date__lte=end)
    return [
        (Session, Q(start_date__gte=start, start_date__lte=end)),
        (SessionAttendance, session),
        (FloorSpeech, session),
        (PresidiumMeeting, Q(date__gte=start, date__lte=end)),
        (PresidiumAttendance, meeting),
        (NonVotingAttendee, meeting),
        (Activity, Q(start_date__gte=start, start_date__lte=end)),
        (ActivityParticipation, Q(activity__start_date__gte=start, activity__start_date__lte=end)),
        (Proposal, Q(year=year)),
    ]


def records_changed_since(*, township_id, year, since) -> int:
    """How many records that feed the year's scores were created, changed or deleted after
    `since` (the moment the year was locked)."""
    total = 0
    for model, in_year in _fed_models(year):
        ids = set(
            model.objects.filter(in_year, township_id=township_id, updated_at__gt=since).values_list(
                "pk", flat=True
            )
        )
        history = getattr(model, "history", None)
        if history is not None:
            ids |= set(
                history.filter(in_year, township_id=township_id, history_date__gt=since).values_list(
                    "id", flat=True
                )
            )
        total += len(ids)
    return total
