"""The meetings app's figures for the county dashboard, the workbench and the work report
(renda.core.figures): sessions, presidium meetings, groups, receptions, trainings, contacts, the
rota, the yearly plans; their drill-downs; the workbench's quarter; the decisions due."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from deputies.models import DeputyGroup
from renda.core import quotas
from renda.core.figures import QuarterWork, ReportParts, reference_day
from renda.dashboard.report_data import (
    ActivityFigures,
    ContactFigures,
    IssueFigures,
    KindCount,
    OtherKind,
    PlanFigures,
    PresidiumFigures,
    SessionLine,
)

from . import selectors
from .models import (
    ATTENDED,
    Activity,
    ActivityParticipation,
    Decision,
    DeputyContact,
    PresidiumMeeting,
    ReceptionIssue,
    Session,
    SessionAttendance,
)
from .naming import session_full_name

# A join in an aggregate bypasses the participations' manager: leave out voided deputies here.
LIVE_PARTICIPATION = Q(participations__deputy__voided_at__isnull=True)

# Activity kinds the work report lists together after group activities and trainings.
REPORT_OTHER_KINDS = (
    Activity.Kind.INSPECTION,
    Activity.Kind.INVESTIGATION,
    Activity.Kind.LAW_CHECK,
    Activity.Kind.EVALUATION,
)


# ---------------------------------------------------------------------------- county figures
def quota_figures(*, figures, year, today, cutoff) -> None:
    """Sessions, presidium meetings, active groups, receptions and trainings against their quotas."""
    for tid, c in selectors.compliance_for_townships(townships=list(figures), year=year).items():
        row = figures[tid]
        row.sessions = c.sessions
        row.presidium_per_quarter = list(c.presidium_by_quarter)
        row.groups = c.groups_total
        row.groups_active_per_quarter = list(c.groups_active_by_quarter)
        row.receptions_per_month = list(c.receptions_by_month)
        row.trainings = c.trainings


def duty_figures(*, figures, year, today, cutoff) -> None:
    """两联一述 contacts, the reception rota of higher-level deputies, new deputies' training."""
    ids = list(figures)
    for tid, c in selectors.contact_duty_counts(township_ids=ids, year=year, today=today).items():
        row = figures[tid]
        row.contact_members, row.contact_members_met = c.members, c.members_met
        row.contact_deputies, row.contact_deputies_met = c.deputies, c.deputies_met
        row.contact_lights = {"members": c.light_members, "deputies": c.light_deputies}
    for tid, r in selectors.rota_counts(township_ids=ids, year=year, today=today).items():
        row = figures[tid]
        row.rota_deputies, row.rota_met = r.deputies, r.met
        row.rota_entries, row.rota_held, row.rota_light = r.entries, r.held, r.light
    for tid, t in selectors.new_deputy_training_counts(township_ids=ids, today=cutoff).items():
        row = figures[tid]
        row.training_new, row.training_in_time, row.training_counts = t["new"], t["trained"], t


def plan_figures(*, figures, year, today, cutoff) -> None:
    """The groups' and stations' yearly plans against what they held."""
    for tid, p in selectors.plans_by_township(
        township_ids=list(figures), year=year, today=today, detail=False
    ).items():
        row = figures[tid]
        row.plans_planned, row.plans_held, row.plans_light = p["planned"], p["held"], p["light"]
        row.plans_missed, row.plans_unplanned = p["missed"], p["unplanned"]
        row.plans_owners = [
            {
                "kind": o.kind,
                "name": o.owner.name,
                "planned": o.planned,
                "held": o.held,
                "missed": o.missed,
                "unplanned": len(o.unplanned),
            }
            for o in p["owners"]
        ]


# ---------------------------------------------------------------------------- drill-down
def _activities(kind):
    return lambda ids, year: (
        Activity.objects.filter(township_id__in=ids, start_date__year=year, kind=kind)
        .select_related("township", "group")
        .annotate(participants=Count("participations", filter=LIVE_PARTICIPATION))
    )


def _deputies(qs):
    return qs.select_related("township")


def drill_metrics():
    return {
        "sessions": lambda ids, year: Session.objects.filter(
            township_id__in=ids, start_date__year=year
        ).select_related("term", "township"),
        "presidium": lambda ids, year: PresidiumMeeting.objects.filter(
            township_id__in=ids, date__year=year
        ).select_related("term", "township"),
        "group_activities": _activities(Activity.Kind.GROUP),
        "receptions": _activities(Activity.Kind.RECEPTION),
        "trainings": _activities(Activity.Kind.TRAINING),
        "member_contacts": lambda ids, year: _deputies(
            selectors.member_contacts_behind(township_ids=ids, year=year)
        ),
        "voter_contacts": lambda ids, year: _deputies(
            selectors.voter_contacts_behind(township_ids=ids, year=year)
        ),
        "rota": lambda ids, year: _deputies(selectors.rota_behind(township_ids=ids, year=year)),
        "plans": lambda ids, year: selectors.plans_not_held(township_ids=ids, year=year),
        "training": lambda ids, year: _deputies(
            selectors.new_deputies_flagged(township_ids=ids, today=reference_day(year))
        ),
    }


# ---------------------------------------------------------------------------- workbench, due lists
def workbench_quarter(*, township, today, quarter_start, quarter_end) -> QuarterWork:
    """The groups with no activity yet this quarter, the deputies on duty at this month's
    receptions and the receptions coming this quarter."""
    groups_idle = (
        DeputyGroup.objects.filter(township=township, term__start_date__lte=today, term__end_date__gte=today)
        .annotate(
            this_quarter=Count(
                "activities",
                filter=Q(
                    activities__kind=Activity.Kind.GROUP,
                    activities__start_date__gte=quarter_start,
                    activities__start_date__lte=quarter_end,
                ),
            )
        )
        .filter(this_quarter=0)
        .order_by("number")
    )
    on_duty = ActivityParticipation.objects.filter(
        township=township,
        role=ActivityParticipation.Role.ON_DUTY,
        activity__kind=Activity.Kind.RECEPTION,
        activity__start_date__gte=today.replace(day=1),
        activity__start_date__lte=today,
    )
    upcoming = (
        Activity.objects.filter(
            township=township,
            kind=Activity.Kind.RECEPTION,
            start_date__gte=today,
            start_date__lte=quarter_end,
        )
        .order_by("start_date")
        .annotate(
            on_duty=Count("participations", filter=Q(participations__role=ActivityParticipation.Role.ON_DUTY))
        )
    )
    return QuarterWork(
        groups_idle=list(groups_idle.values("pk", "name")[:20]),
        on_duty_this_month=on_duty.values("deputy_id").distinct().count(),
        upcoming_receptions=list(
            upcoming.values("pk", "start_date", "topic", "place", "notice_date", "on_duty")[:10]
        ),
    )


def decisions_due(*, township_ids, today, soon_days):
    """Open presidium decisions past their deadline or due within `soon_days`."""
    return (
        Decision.objects.filter(
            township_id__in=township_ids,
            status__in=Decision.OPEN_STATUSES,
            deadline__lte=today + dt.timedelta(days=soon_days),
        )
        .select_related("township", "meeting", "term")
        .order_by("deadline", "pk")
    )


# ---------------------------------------------------------------------------- work report
def work_report_part(*, townships, figures, year, cutoff, today, quarters_elapsed) -> ReportParts:
    """The work report's sessions, presidium, contacts, activities, appraisals and yearly plans."""
    ids = [t.pk for t in townships]
    sessions_of = _report_sessions(ids, year)
    presidium_of = _report_presidium(ids, year)
    kinds_of = _report_activity_kinds(ids, year)
    reporters_of = _report_reporting_deputies(ids, year)
    every_quarter_of = groups_active_all_quarters_by_township(
        township_ids=ids, year=year, upto_quarter=quarters_elapsed
    )
    contacts_of = _report_member_contacts(ids, year, cutoff)
    issues_of = _report_reception_issues(ids, year, cutoff)
    appraisals_of = selectors.appraisals_by_township(township_ids=ids, year=year)
    out: ReportParts = {}
    for township in townships:
        pk, row, kinds = township.pk, figures[township.pk], kinds_of[township.pk]
        out[pk] = {
            "sessions": sessions_of[pk],
            "presidium": _presidium_figures(township, row, presidium_of, quarters_elapsed),
            "contact": _contact_figures(
                row,
                kinds,
                reporters_of.get(pk, 0),
                contacts_of.get(pk, {}),
                issues_of.get(pk, IssueFigures()),
            ),
            "activities": _activity_figures(row, kinds, every_quarter_of.get(pk, 0)),
            "appraisals": appraisals_of[pk],
            "yearly_plans": PlanFigures(
                planned=row.plans_planned,
                held=row.plans_held,
                missed=row.plans_missed,
                unplanned=row.plans_unplanned,
                owners=[o for o in row.plans_owners if o["planned"]],
            ),
        }
    return out


def _report_sessions(ids, year) -> dict[int, list[SessionLine]]:
    """The sessions held in the year with their attendance, per township (two queries)."""
    attendance = {
        r["session_id"]: r
        for r in SessionAttendance.objects.filter(
            session__township_id__in=ids, session__start_date__year=year
        )
        .values("session_id")
        .annotate(
            expected=Count("pk"),
            present=Count("pk", filter=Q(status__in=ATTENDED)),
            excused=Count("pk", filter=Q(status="excused")),
            unexcused=Count("pk", filter=Q(status="unexcused")),
        )
    }
    sessions_of: dict[int, list[SessionLine]] = defaultdict(list)
    for s in (
        Session.objects.filter(township_id__in=ids, start_date__year=year)
        .select_related("term")
        .prefetch_related("reports")
        .annotate(
            n_resolutions=Count("resolutions", distinct=True),
            n_elections=Count("elections", distinct=True),
            n_speeches=Count("speeches", distinct=True),
        )
        .order_by("start_date", "pk")
    ):
        att = attendance.get(s.pk, {"expected": 0, "present": 0, "excused": 0, "unexcused": 0})
        sessions_of[s.township_id].append(
            SessionLine(
                pk=s.pk,
                name=session_full_name(s),
                start=s.start_date,
                end=s.end_date,
                reports=[r.title for r in s.reports.all()],
                resolutions=s.n_resolutions,
                elections=s.n_elections,
                speeches=s.n_speeches,
                expected=att["expected"],
                present=att["present"],
                excused=att["excused"],
                unexcused=att["unexcused"],
                attendance_rate=quotas.rate(att["present"], att["expected"]),
            )
        )
    return sessions_of


def _report_presidium(ids, year) -> dict[str, dict]:
    """The presidium meetings' agenda subjects, ad hoc meetings and decisions per township."""
    meetings = PresidiumMeeting.objects.filter(township_id__in=ids, date__year=year)
    topics: dict[int, list[str]] = defaultdict(list)
    for township_id, topic in (
        meetings.values_list("township_id", "agenda_items__topic")
        .exclude(agenda_items__topic=None)
        .order_by("date", "agenda_items__order", "agenda_items__pk")
    ):
        topics[township_id].append(topic)
    adhoc = {
        r["township_id"]: r["n"]
        for r in meetings.filter(kind=PresidiumMeeting.Kind.AD_HOC)
        .values("township_id")
        .annotate(n=Count("pk"))
    }
    decisions = {
        r["meeting__township_id"]: r
        for r in Decision.objects.filter(meeting__township_id__in=ids, meeting__date__year=year)
        .values("meeting__township_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(status=Decision.Status.DONE)))
    }
    return {"topics": topics, "adhoc": adhoc, "decisions": decisions}


def _presidium_figures(township, figures, presidium_of, quarters_elapsed) -> PresidiumFigures:
    topics = presidium_of["topics"][township.pk]
    decisions = presidium_of["decisions"].get(township.pk, {"n": 0, "done": 0})
    return PresidiumFigures(
        applicable=township.has_presidium,
        count=figures.presidium_meetings,
        per_quarter=figures.presidium_per_quarter,
        adhoc=presidium_of["adhoc"].get(township.pk, 0),
        topics=topics,
        items=len(topics),
        decisions=decisions["n"],
        decisions_done=decisions["done"],
        quarters_elapsed=quarters_elapsed,
    )


def _report_activity_kinds(ids, year) -> dict[int, dict[str, KindCount]]:
    """{township id: {activity kind: KindCount}} of the year (one query)."""
    kinds_of: dict[int, dict[str, KindCount]] = defaultdict(dict)
    for r in (
        Activity.objects.filter(township_id__in=ids, start_date__year=year)
        .values("township_id", "kind")
        .annotate(
            count=Count("pk", distinct=True), person_times=Count("participations", filter=LIVE_PARTICIPATION)
        )
    ):
        kinds_of[r["township_id"]][r["kind"]] = KindCount(count=r["count"], person_times=r["person_times"])
    return kinds_of


def _activity_figures(figures, kinds, groups_every_quarter) -> ActivityFigures:
    return ActivityFigures(
        group=kinds.get(Activity.Kind.GROUP, KindCount()),
        training=kinds.get(Activity.Kind.TRAINING, KindCount()),
        new_deputies=figures.training_counts
        or {"new": 0, "trained": 0, "late": 0, "untrained": 0, "pending": 0},
        others=[
            OtherKind(
                kind=k,
                label=str(Activity.Kind(k).label),
                count=kinds.get(k, KindCount()).count,
                person_times=kinds.get(k, KindCount()).person_times,
            )
            for k in REPORT_OTHER_KINDS
        ],
        groups_every_quarter=groups_every_quarter,
    )


def _report_reporting_deputies(ids, year) -> dict[int, int]:
    """Deputies who reported on their work to their voters (述职) in the year, per township."""
    return {
        r["activity__township_id"]: r["n"]
        for r in ActivityParticipation.objects.filter(
            activity__township_id__in=ids,
            activity__start_date__year=year,
            activity__kind=Activity.Kind.REPORT,
        )
        .values("activity__township_id")
        .annotate(n=Count("deputy", distinct=True))
    }


def _report_member_contacts(ids, year, cutoff) -> dict:
    """两联一述: the presidium's (a 街道: the 人大工委's) members' contacts with deputies, dated in
    the year up to its cutoff."""
    return {
        r["township_id"]: r
        for r in DeputyContact.objects.filter(
            township_id__in=ids, date__gte=dt.date(year, 1, 1), date__lte=cutoff
        )
        .values("township_id")
        .annotate(
            n=Count("pk"), members=Count("member", distinct=True), deputies=Count("deputy", distinct=True)
        )
    }


def _report_reception_issues(ids, year, cutoff) -> dict[int, IssueFigures]:
    """{township id: IssueFigures} of the issues raised at the year's receptions up to its
    cutoff, each step counted only if it was taken by then: a past year's figures stay what they
    were on 31 December (one query)."""
    by_cutoff = Q(assigned_on__lte=cutoff)
    rows = (
        ReceptionIssue.objects.filter(
            township_id__in=ids,
            activity__start_date__gte=dt.date(year, 1, 1),
            activity__start_date__lte=cutoff,
        )
        .values("township_id")
        .annotate(
            raised=Count("pk"),
            government=Count(
                "pk", filter=by_cutoff & Q(classification=ReceptionIssue.Classification.GOVERNMENT)
            ),
            redirected=Count("pk", filter=by_cutoff & Q(classification__in=ReceptionIssue.REDIRECTED)),
            replied=Count("pk", filter=Q(replied_on__lte=cutoff)),
            with_feedback=Count("pk", filter=Q(feedback_on__lte=cutoff) & ~Q(feedback="")),
            satisfied=Count(
                "pk",
                filter=Q(
                    feedback_on__lte=cutoff,
                    feedback__in=[ReceptionIssue.Feedback.SATISFIED, ReceptionIssue.Feedback.BASICALLY],
                ),
            ),
        )
    )
    return {r.pop("township_id"): IssueFigures(**r) for r in rows}


def _contact_figures(figures, kinds, report_deputies, contacts, issues) -> ContactFigures:
    reception = kinds.get(Activity.Kind.RECEPTION, KindCount())
    visit = kinds.get(Activity.Kind.VISIT, KindCount())
    return ContactFigures(
        receptions=reception.count,
        reception_person_times=reception.person_times,
        reception_months=figures.reception_months,
        visits=visit.count,
        visit_person_times=visit.person_times,
        reports=kinds.get(Activity.Kind.REPORT, KindCount()).count,
        report_deputies=report_deputies,
        member_contacts=contacts.get("n", 0),
        contact_members=contacts.get("members", 0),
        contacted_deputies=contacts.get("deputies", 0),
        rota_deputies=figures.rota_deputies,
        rota_met=figures.rota_met,
        rota_entries=figures.rota_entries,
        rota_held=figures.rota_held,
        issues=issues,
    )


def groups_active_all_quarters_by_township(*, township_ids, year, upto_quarter):
    """{township id: how many of its groups had an activity in every quarter 1..upto_quarter}
    (with no quarter over yet: all its groups). One query."""
    if upto_quarter <= 0:
        return {
            r["township_id"]: r["n"]
            for r in DeputyGroup.objects.filter(township_id__in=township_ids)
            .values("township_id")
            .annotate(n=Count("pk"))
        }
    quarter_filters = {
        f"q{q}": Count(
            "activities",
            filter=Q(
                activities__kind=Activity.Kind.GROUP,
                activities__start_date__year=year,
                activities__start_date__month__gte=3 * q - 2,
                activities__start_date__month__lte=3 * q,
            ),
        )
        for q in range(1, upto_quarter + 1)
    }
    qs = DeputyGroup.objects.filter(
        township_id__in=township_ids,
        term__start_date__lte=dt.date(year, 12, 31),
        term__end_date__gte=dt.date(year, 1, 1),
    ).annotate(**quarter_filters)
    for q in range(1, upto_quarter + 1):
        qs = qs.filter(**{f"q{q}__gt": 0})
    counts: dict[int, int] = defaultdict(int)
    for township_id in qs.values_list("township_id", flat=True):  # one row per group
        counts[township_id] += 1
    return dict(counts)
