"""Where scoring counts come from. One aggregate query per source, for any number of townships:
`counts(township_ids, start, end) -> {deputy_id: count}`. `records(...)` lists the records behind
one deputy's count, for the score card (one deputy, so a query per source is fine there).
"""

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
    SessionAttendance,
)
from proposals.models import Proposal

from .models import ScoringItem

S = ScoringItem.Source
INSPECTION_KINDS = [Activity.Kind.INSPECTION, Activity.Kind.INVESTIGATION, Activity.Kind.LAW_CHECK]
# Counted only for the dormant ("三不代表") flag.
ANY_SESSION, ANY_ACTIVITY = "_any_session", "_any_activity"
DORMANT_SOURCES = (ANY_SESSION, ANY_ACTIVITY, S.PROPOSALS_ANY)


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
    S.REPORT_DONE: Source(
        S.REPORT_DONE, _activity_counter([Activity.Kind.REPORT], "reporter"), report_records
    ),
    S.REPORT_EXCELLENT: Source(S.REPORT_EXCELLENT, report_excellent, report_records),
    ANY_SESSION: Source(ANY_SESSION, session_attended, None),
    ANY_ACTIVITY: Source(ANY_ACTIVITY, _activity_counter(None), None),
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
