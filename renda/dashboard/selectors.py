"""Figures of the county dashboard, the workbench and the year-end documents.

Everything is computed with a fixed number of aggregate queries for any number of townships
(`values("township_id", …).annotate(Count(…, filter=Q(…)))`), never a query per township or
per row. Township scoping: callers pass townships from `access.townships()`.

Year membership (what a year's row counts):
- deputies: mandates active on the reference day (31 December, or today in the current year);
- sessions, presidium meetings, activities: dated in the year (start date);
- proposals: received in the year (`Proposal.year`, not-accepted ones excluded) for received /
  closed / the four rates; "overdue" counts every proposal of that year or earlier that is
  past its deadline today, so carried-over items stay visible;
- dormant deputies ("三不代表"): assessments.dormancy, the definition the assessment shares.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy

from deputies.models import Deputy, DeputyGroup, LiaisonStation, Mandate
from deputies.selectors import (
    deputy_serving,
    deputy_serving_counts,
    group_member_counts,
    station_resident_counts,
)
from meetings.models import (
    ATTENDED,
    Activity,
    ActivityParticipation,
    Decision,
    DeputyContact,
    PresidiumMeeting,
    Session,
    SessionAttendance,
)
from meetings.selectors import appraisals_by_township
from proposals.models import Proposal
from renda.core import quotas
from renda.core.archive import choice_labels
from renda.core.models import Township

from .report_data import (
    ActivityFigures,
    ContactFigures,
    DeputyCounts,
    GroupLine,
    IssueFigures,
    KindCount,
    OtherKind,
    PlanFigures,
    PresidiumFigures,
    ProposalFigures,
    ScoreFigures,
    SessionLine,
    StationLine,
    WorkReportData,
)

# A join in an aggregate bypasses the participations' manager: leave out voided deputies here.
LIVE_PARTICIPATION = Q(participations__deputy__voided_at__isnull=True)


LEVELS = [c.value for c in Mandate.Level]
# How the work report names deputies of each level ("市人大代表2名").
LEVEL_PROSE = {
    "national": gettext_lazy("NPC deputies"),
    "provincial": gettext_lazy("provincial people's congress deputies"),
    "city": gettext_lazy("city people's congress deputies"),
    "county": gettext_lazy("county people's congress deputies"),
    "township": gettext_lazy("township people's congress deputies"),
}
SATISFIED = [Proposal.Rating.SATISFIED, Proposal.Rating.BASICALLY]


# The meetings and proposals selectors are imported when used, so this module loads even in a
# checkout where those apps' selectors are not there yet.
def compliance_for_townships(**kwargs):
    from meetings.selectors import compliance_for_townships as compliance

    return compliance(**kwargs)


def _meetings_selector(name):
    from meetings import selectors as meetings_selectors

    return getattr(meetings_selectors, name)


def contact_duty_counts(**kwargs):
    from meetings.selectors import contact_duty_counts as counts

    return counts(**kwargs)


def rota_counts(**kwargs):
    from meetings.selectors import rota_counts as counts

    return counts(**kwargs)


def plans_by_township(**kwargs):
    from meetings.selectors import plans_by_township as plans

    return plans(**kwargs)


def new_deputy_training_counts(**kwargs):
    from meetings.selectors import new_deputy_training_counts as counts

    return counts(**kwargs)


def proposal_stats_by_township(**kwargs):
    from proposals.selectors import proposal_stats_by_township as stats

    return stats(**kwargs)


def proposal_year_q(year, prefix=""):
    from proposals.selectors import proposal_year_q as year_q

    return year_q(year, prefix)


def _proposal_asof_q(**kwargs):
    from proposals.selectors import proposal_asof_q

    return proposal_asof_q(**kwargs)


def stats_finish(row):
    from proposals.selectors import stats_finish as finish

    return finish(row)


def reference_day(year: int, today: dt.date | None = None) -> dt.date:
    """The day the roster is read for a year: 31 December, or today during the year."""
    today = today or timezone.localdate()
    end = dt.date(year, 12, 31)
    return min(end, today) if today.year == year else end


def _score_models():
    """The assessments app's models, or (None, None) before that app has them."""
    try:
        return apps.get_model("assessments", "Assessment"), apps.get_model("assessments", "ScoreResult")
    except LookupError:
        return None, None


@dataclass
class TownshipFigures:
    """One township's row of the county dashboard for a year.

    `proposals` holds proposals.selectors figures (received, carried_over, total, closed,
    replied, on_time, met, evaluated, satisfied, overdue and the four rates)."""

    township: Township
    year: int
    deputies_by_level: dict = field(default_factory=dict)
    deputies_total: int = 0
    sessions: int = 0
    presidium_per_quarter: list = field(default_factory=lambda: [0, 0, 0, 0])
    groups: int = 0
    groups_active_per_quarter: list = field(default_factory=lambda: [0, 0, 0, 0])
    receptions_per_month: list = field(default_factory=lambda: [0] * 12)
    trainings: int = 0
    # 两联一述: presidium members who met both contact quotas, deputies who met the voter quota
    contact_members: int = 0
    contact_members_met: int = 0
    contact_deputies: int = 0
    contact_deputies_met: int = 0
    contact_lights: dict = field(default_factory=dict)
    # the reception rota of higher-level deputies at the stations: deputies on quota, turns
    rota_deputies: int = 0
    rota_met: int = 0
    rota_entries: int = 0
    rota_held: int = 0
    rota_light: object = None
    # yearly plans of the groups and stations: planned activities, held as planned, the light
    plans_planned: int = 0
    plans_held: int = 0
    plans_light: object = None
    plans_missed: int = 0
    plans_unplanned: int = 0
    plans_owners: list = field(default_factory=list)  # per group and station (the work report)
    # new deputies of the term (on the reference day) and those trained before their first session
    training_new: int = 0
    training_in_time: int = 0
    training_counts: dict = field(default_factory=dict)
    proposals: dict = field(default_factory=dict)
    dormant: int = 0
    score_state: str = ""
    score_average: object = None
    score_count: int = 0
    grades: dict = field(default_factory=dict)
    lights: dict = field(default_factory=dict)

    @property
    def presidium_meetings(self):
        return sum(self.presidium_per_quarter)

    @property
    def receptions(self):
        return sum(self.receptions_per_month)

    @property
    def reception_months(self):
        return sum(1 for n in self.receptions_per_month if n)

    def __getattr__(self, name):
        # received, closed, overdue, closed_rate … read from the proposal figures.
        if name in PROPOSAL_KEYS:
            proposals = self.__dict__.get("proposals") or {}
            return proposals.get(name, None if name.endswith("_rate") else 0)
        raise AttributeError(name)


PROPOSAL_KEYS = {
    "received",
    "carried_over",
    "total",
    "not_accepted",
    "closed",
    "received_closed",
    "carried_closed",
    "closed_on_time",
    "replied",
    "on_time",
    "met",
    "evaluated",
    "satisfied",
    "overdue",
    "closed_rate",
    "closed_on_time_rate",
    "carried_closed_rate",
    "on_time_rate",
    "met_rate",
    "satisfied_rate",
}


def dormant_deputies_q(*, year: int) -> Q:
    """Q on Deputy: the 三不代表 of the year, by the one definition the assessment uses too."""
    from assessments.dormancy import dormant_deputies_q as dormant_q

    return dormant_q(year=year)


def county_figures(*, townships, year: int, today: dt.date | None = None):
    """One TownshipFigures per township (in the given order), with traffic lights.

    Quotas come from meetings.selectors.compliance_for_townships and proposal figures from
    proposals.selectors.proposal_stats_by_township; deputies, dormant deputies and scores are
    aggregated here. A constant number of queries whatever the number of townships."""
    today = today or timezone.localdate()
    townships = list(townships)
    ids = [t.pk for t in townships]
    rows = {t.pk: TownshipFigures(township=t, year=year) for t in townships}
    if not ids:
        return []
    ref = reference_day(year, today)

    # Deputies by level (a person with two levels counts once per level) and in total: the
    # one definition of serving (deputies.serving), on the year's reference day.
    for tid, counts in deputy_serving_counts(township_ids=ids, on=ref).items():
        counts = dict(counts)
        rows[tid].deputies_total = counts.pop("total")
        rows[tid].deputies_by_level = counts

    for tid, c in compliance_for_townships(townships=ids, year=year).items():
        row = rows[tid]
        row.sessions = c.sessions
        row.presidium_per_quarter = list(c.presidium_by_quarter)
        row.groups = c.groups_total
        row.groups_active_per_quarter = list(c.groups_active_by_quarter)
        row.receptions_per_month = list(c.receptions_by_month)
        row.trainings = c.trainings

    for tid, c in contact_duty_counts(township_ids=ids, year=year, today=today).items():
        row = rows[tid]
        row.contact_members, row.contact_members_met = c.members, c.members_met
        row.contact_deputies, row.contact_deputies_met = c.deputies, c.deputies_met
        row.contact_lights = {"members": c.light_members, "deputies": c.light_deputies}

    for tid, r in rota_counts(township_ids=ids, year=year, today=today).items():
        row = rows[tid]
        row.rota_deputies, row.rota_met = r.deputies, r.met
        row.rota_entries, row.rota_held, row.rota_light = r.entries, r.held, r.light

    for tid, p in plans_by_township(township_ids=ids, year=year, today=today).items():
        row = rows[tid]
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

    for tid, t in new_deputy_training_counts(township_ids=ids, today=ref).items():
        rows[tid].training_new, rows[tid].training_in_time, rows[tid].training_counts = (
            t["new"],
            t["trained"],
            t,
        )

    for tid, figures in proposal_stats_by_township(townships=ids, year=year, today=today).items():
        rows[tid].proposals = figures

    for dormant in (
        Deputy.objects.filter(township_id__in=ids)
        .filter(dormant_deputies_q(year=year))
        .values("township_id")
        .annotate(n=Count("pk"))
    ):
        rows[dormant["township_id"]].dormant = dormant["n"]

    Assessment, ScoreResult = _score_models()
    if Assessment is not None:
        for a in Assessment.objects.filter(township_id__in=ids, year=year).values(
            "township_id", "state", "average", "deputy_count"
        ):
            row = rows[a["township_id"]]
            row.score_state, row.score_average, row.score_count = a["state"], a["average"], a["deputy_count"]
        for r in (
            ScoreResult.objects.filter(assessment__township_id__in=ids, assessment__year=year)
            .values("assessment__township_id", "grade")
            .annotate(n=Count("pk"))
        ):
            rows[r["assessment__township_id"]].grades[r["grade"]] = r["n"]

    result = [rows[i] for i in ids]
    for row in result:
        row.lights = lights_for(row, today=today)
    return result


def lights_for(row: TownshipFigures, *, today: dt.date):
    t = row.township
    q = quotas.QUOTAS
    return {
        "session": quotas.light_per_year(
            # a 街道 has no township congress, so no session is expected
            count=row.sessions,
            required=q["sessions_per_year"] if t.has_presidium else 0,
            year=row.year,
            today=today,
        ),
        "presidium": quotas.light_per_period(
            counts=row.presidium_per_quarter,
            required=q["presidium_per_quarter"] if t.has_presidium else 0,
            year=row.year,
            today=today,
        ),
        "groups": quotas.light_groups_per_quarter(
            groups_active=row.groups_active_per_quarter, group_count=row.groups, year=row.year, today=today
        ),
        "receptions": quotas.light_per_period(
            counts=row.receptions_per_month, required=q["receptions_per_month"], year=row.year, today=today
        ),
        "trainings": quotas.light_per_year(
            count=row.trainings, required=q["trainings_per_year"], year=row.year, today=today
        ),
        "overdue": quotas.light_overdue(overdue=row.overdue),
        "member_contacts": row.contact_lights.get("members") or quotas.Light(quotas.GREY),
        "voter_contacts": row.contact_lights.get("deputies") or quotas.Light(quotas.GREY),
        "rota": row.rota_light or quotas.Light(quotas.GREY),
        "plans": row.plans_light or quotas.Light(quotas.GREY),
        "training": quotas.light_training(**row.training_counts)
        if row.training_counts
        else quotas.Light(quotas.GREY),
    }


def county_totals(rows):
    """A totals row over the townships' figures (sums; rates recomputed from the sums)."""
    total = TownshipFigures(township=None, year=rows[0].year if rows else None)
    counts = {}
    for row in rows:
        for level, n in row.deputies_by_level.items():
            total.deputies_by_level[level] = total.deputies_by_level.get(level, 0) + n
        for attr in (
            "deputies_total",
            "sessions",
            "groups",
            "trainings",
            "dormant",
            "score_count",
            "contact_members",
            "contact_members_met",
            "contact_deputies",
            "contact_deputies_met",
            "rota_deputies",
            "rota_met",
            "rota_entries",
            "rota_held",
            "plans_planned",
            "plans_held",
            "training_new",
            "training_in_time",
        ):
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
        for i in range(4):
            total.presidium_per_quarter[i] += row.presidium_per_quarter[i]
            total.groups_active_per_quarter[i] += row.groups_active_per_quarter[i]
        for i in range(12):
            total.receptions_per_month[i] += row.receptions_per_month[i]
        for grade, n in row.grades.items():
            total.grades[grade] = total.grades.get(grade, 0) + n
        for key, value in row.proposals.items():
            if not key.endswith("_rate") and key != "total" and isinstance(value, int):
                counts[key] = counts.get(key, 0) + value
    if counts:
        total.proposals = stats_finish(counts)
    return total


# --------------------------------------------------------------------------- charts
def proposals_by_month(*, township_ids, year):
    """{state: [12 counts]} of the year's proposals by month received, one query."""
    out = defaultdict(lambda: [0] * 12)
    for r in (
        Proposal.objects.filter(township_id__in=township_ids, year=year, submitted_on__year=year)
        .annotate(m=ExtractMonth("submitted_on"))
        .values("state", "m")
        .annotate(n=Count("pk"))
    ):
        out[r["state"]][r["m"] - 1] += r["n"]
    return dict(out)


def deputy_structure(*, township_ids, on):
    """Counts of current deputies by gender, affiliation, education and occupation (4 queries)."""
    qs = deputy_serving(on=on, level=None).filter(township_id__in=township_ids)
    return {
        key: {r[key]: r["n"] for r in qs.values(key).annotate(n=Count("pk")).order_by(key)}
        for key in ("gender", "affiliation", "education", "occupation")
    }


# --------------------------------------------------------------------------- due lists
def proposals_due(*, township_ids, today=None, soon_days=7):
    """Open proposals past their deadline or due within `soon_days`, across townships."""
    today = today or timezone.localdate()
    return (
        Proposal.objects.filter(
            township_id__in=township_ids,
            state__in=Proposal.OPEN_HANDLING_STATES,
            deadline__lte=today + dt.timedelta(days=soon_days),
        )
        .select_related("township", "lead_unit", "lead_deputy")
        .order_by("deadline", "pk")
    )


def decisions_due(*, township_ids, today=None, soon_days=7):
    """Open presidium decisions past their deadline or due within `soon_days`."""
    today = today or timezone.localdate()
    return (
        Decision.objects.filter(
            township_id__in=township_ids,
            status__in=Decision.OPEN_STATUSES,
            deadline__lte=today + dt.timedelta(days=soon_days),
        )
        .select_related("township", "meeting", "term")
        .order_by("deadline", "pk")
    )


# --------------------------------------------------------------------------- drill-down
def _year_end(year):
    return min(dt.date(year, 12, 31), timezone.localdate())


def _activity_kind(kind):
    return lambda ids, year: Activity.objects.filter(township_id__in=ids, start_date__year=year, kind=kind)


DRILL = {
    "sessions": lambda ids, year: Session.objects.filter(
        township_id__in=ids, start_date__year=year
    ).select_related("term", "township"),
    "presidium": lambda ids, year: PresidiumMeeting.objects.filter(
        township_id__in=ids, date__year=year
    ).select_related("term", "township"),
    "group_activities": _activity_kind(Activity.Kind.GROUP),
    "receptions": _activity_kind(Activity.Kind.RECEPTION),
    "trainings": _activity_kind(Activity.Kind.TRAINING),
    "received": lambda ids, year: Proposal.objects.filter(township_id__in=ids, year=year).exclude(
        state=Proposal.State.NOT_ACCEPTED
    ),
    "total": lambda ids, year: Proposal.objects.filter(township_id__in=ids).filter(proposal_year_q(year)),
    "closed": lambda ids, year: (
        Proposal.objects.filter(township_id__in=ids)
        .filter(proposal_year_q(year))
        .filter(state=Proposal.State.CLOSED, closed_on__lte=_year_end(year))
    ),
    "overdue": lambda ids, year: (
        Proposal.objects.filter(township_id__in=ids)
        .filter(proposal_year_q(year))
        .filter(_proposal_asof_q(year=year)["overdue"])
    ),
    "member_contacts": lambda ids, year: _meetings_selector("member_contacts_behind")(
        township_ids=ids, year=year
    ),
    "voter_contacts": lambda ids, year: _meetings_selector("voter_contacts_behind")(
        township_ids=ids, year=year
    ),
    "rota": lambda ids, year: _meetings_selector("rota_behind")(township_ids=ids, year=year),
    "plans": lambda ids, year: _meetings_selector("plans_not_held")(township_ids=ids, year=year),
    "training": lambda ids, year: _meetings_selector("new_deputies_flagged")(
        township_ids=ids, today=reference_day(year)
    ),
    "dormant": lambda ids, year: Deputy.objects.filter(township_id__in=ids).filter(
        dormant_deputies_q(year=year)
    ),
    "deputies": lambda ids, year: deputy_serving(on=reference_day(year), level=None).filter(
        township_id__in=ids
    ),
}


def drill_records(*, metric, township_ids, year):
    """The records behind one dashboard number (a queryset), or None for an unknown metric."""
    build = DRILL.get(metric)
    if build is None:
        return None
    qs = build(township_ids, year)
    if qs.model is Activity:
        qs = qs.select_related("township", "group").annotate(
            participants=Count("participations", filter=LIVE_PARTICIPATION)
        )
    elif qs.model is Proposal:
        qs = qs.select_related("township", "lead_deputy", "lead_unit", "category")
    elif qs.model is Deputy:
        qs = qs.select_related("township")
    return qs


# --------------------------------------------------------------------------- workbench
def workbench_quarter(*, township, today=None):
    """This quarter's quotas of a township for the home page (constant query count): the
    presidium meeting, the groups not active yet, this month's receptions and the coming ones."""
    today = today or timezone.localdate()
    quarter = quotas.quarter_of(today)
    q_start = dt.date(today.year, 3 * quarter - 2, 1)
    q_end = dt.date(today.year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    figures = county_figures(townships=[township], year=today.year, today=today)[0]
    upcoming_receptions = Activity.objects.filter(
        township=township, kind=Activity.Kind.RECEPTION, start_date__gte=today, start_date__lte=q_end
    ).order_by("start_date")
    groups_idle = (
        DeputyGroup.objects.filter(township=township, term__start_date__lte=today, term__end_date__gte=today)
        .annotate(
            this_quarter=Count(
                "activities",
                filter=Q(
                    activities__kind=Activity.Kind.GROUP,
                    activities__start_date__gte=q_start,
                    activities__start_date__lte=q_end,
                ),
            )
        )
        .filter(this_quarter=0)
        .order_by("number")
    )
    return {
        "quarter": quarter,
        "quarter_start": q_start,
        "quarter_end": q_end,
        "figures": figures,
        "presidium_this_quarter": figures.presidium_per_quarter[quarter - 1],
        "receptions_this_month": figures.receptions_per_month[today.month - 1],
        "groups_idle": list(groups_idle.values("pk", "name")[:20]),
        "on_duty_this_month": ActivityParticipation.objects.filter(
            township=township,
            role=ActivityParticipation.Role.ON_DUTY,
            activity__kind=Activity.Kind.RECEPTION,
            activity__start_date__gte=today.replace(day=1),
            activity__start_date__lte=today,
        )
        .values("deputy_id")
        .distinct()
        .count(),
        "upcoming_receptions": list(
            upcoming_receptions.annotate(
                on_duty=Count(
                    "participations", filter=Q(participations__role=ActivityParticipation.Role.ON_DUTY)
                )
            ).values("pk", "start_date", "topic", "place", "notice_date", "on_duty")[:10]
        ),
        "session_held": figures.sessions > 0,
        "trainings": figures.trainings,
        "quotas": quotas.QUOTAS,
    }


# --------------------------------------------------------------------------- work report data
def _ordinal_session_name(session):
    from meetings.naming import chinese_number

    return session_name(chinese_number(session.term.number), chinese_number(session.number))


def session_name(term, number):
    from django.utils.translation import gettext as _

    return _("%(term)sth People's Congress, session %(number)s") % {"term": term, "number": number}


def work_report_data(*, township, year: int, texts=None, today: dt.date | None = None) -> WorkReportData:
    """Everything the year-end work report says, read from the database (typed plain data)."""
    return work_reports_data(townships=[township], year=year, texts={township.pk: texts or {}}, today=today)[
        township.pk
    ]


def work_reports_data(
    *, townships, year: int, texts=None, today: dt.date | None = None
) -> dict[int, WorkReportData]:
    """{township id: WorkReportData} for several townships in the same number of queries as one
    (the county's year-end bundle). `texts`: {township id: the secretary's texts}."""
    from renda.core.models import County

    today = today or timezone.localdate()
    texts = texts or {}
    townships = list(townships)
    ids = [t.pk for t in townships]
    figures_of = {f.township.pk: f for f in county_figures(townships=townships, year=year, today=today)}
    county = County.current()
    ref = reference_day(year, today)
    quarters_elapsed = (
        4 if ref.year < today.year or ref == dt.date(year, 12, 31) else quotas.quarter_of(ref) - 1
    )

    sessions_of = _report_sessions(ids, year)
    presidium_of = _report_presidium(ids, year)
    groups_of, stations_of = _report_groups_and_stations(ids, year, ref)
    kinds_of = _report_activity_kinds(ids, year)
    reporters_of = _report_reporting_deputies(ids, year)
    every_quarter_of = groups_active_all_quarters_by_township(
        township_ids=ids, year=year, upto_quarter=quarters_elapsed
    )
    contacts_of = _report_member_contacts(ids, year, ref)
    issues_of = _report_reception_issues(ids, year, ref)
    appraisals_of = appraisals_by_township(township_ids=ids, year=year)
    by_category_of, motions_of = _report_proposal_kinds(ids, year)

    out = {}
    for township in townships:
        pk = township.pk
        figures = figures_of[pk]
        kinds = kinds_of[pk]
        township_texts = texts.get(pk) or {}
        out[pk] = WorkReportData(
            township_name=township.name,
            township_code=township.code,
            township_kind=township.kind,
            county_name=county.name if county else "",
            committee_name=county.committee_name if county else "",
            year=year,
            organ=_report_organ(township),
            date=today,  # the day the report is written
            cutoff=ref,  # the day its figures are counted to
            cutoff_is_past=dt.date(year, 12, 31) < today,
            opening=township_texts.get("opening", ""),
            problems=township_texts.get("problems", ""),
            plans=township_texts.get("plans", ""),
            sessions=sessions_of[pk],
            presidium=_presidium_figures(township, figures, presidium_of, quarters_elapsed),
            deputies=DeputyCounts(
                total=figures.deputies_total,
                by_level=[
                    (str(LEVEL_PROSE[lv]), figures.deputies_by_level[lv])
                    for lv in LEVELS
                    if figures.deputies_by_level.get(lv)
                ],
            ),
            groups=groups_of[pk],
            stations=stations_of[pk],
            contact=_contact_figures(
                figures,
                kinds,
                reporters_of.get(pk, 0),
                contacts_of.get(pk, {}),
                issues_of.get(pk, IssueFigures()),
            ),
            activities=ActivityFigures(
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
                groups_every_quarter=every_quarter_of.get(pk, 0),
            ),
            proposals=_proposal_figures(figures, motions_of.get(pk, 0), by_category_of[pk]),
            scores=_score_figures(figures),
            appraisals=appraisals_of[pk],
            yearly_plans=PlanFigures(
                planned=figures.plans_planned,
                held=figures.plans_held,
                missed=figures.plans_missed,
                unplanned=figures.plans_unplanned,
                owners=[o for o in figures.plans_owners if o["planned"]],
            ),
        )
    return out


# Activity kinds the work report lists together after group activities and trainings.
REPORT_OTHER_KINDS = (
    Activity.Kind.INSPECTION,
    Activity.Kind.INVESTIGATION,
    Activity.Kind.LAW_CHECK,
    Activity.Kind.EVALUATION,
)


def _report_organ(township) -> str:
    from django.utils.translation import gettext as _

    if township.has_presidium:
        return _("Presidium of the %(township)s People's Congress") % {"township": township.name}
    return _("People's Congress Working Committee of %(township)s") % {"township": township.name}


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
                name=_ordinal_session_name(s),
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


def _report_groups_and_stations(ids, year, ref):
    """The year's deputy groups with their members, and the liaison stations with their resident
    deputies, both counted on the year's reference day, per township."""
    term_q = Q(term__start_date__lte=dt.date(year, 12, 31), term__end_date__gte=dt.date(year, 1, 1))
    groups_of: dict[int, list[GroupLine]] = defaultdict(list)
    year_groups = list(
        DeputyGroup.objects.filter(term_q, township_id__in=ids)
        .select_related("term")
        .order_by("number", "pk")
    )
    group_member_counts(groups=year_groups, today=ref)  # deputies.selectors: one definition
    for g in year_groups:
        groups_of[g.township_id].append(
            GroupLine(name=g.name, room=g.activity_room, villages=g.villages, members=g.member_count)
        )
    station_kind = choice_labels(LiaisonStation, "kind")
    stations_of: dict[int, list[StationLine]] = defaultdict(list)
    stations = list(LiaisonStation.objects.filter(township_id__in=ids).order_by("name", "pk"))
    # a former deputy still listed as resident is not counted
    residents = station_resident_counts(station_ids=[s.pk for s in stations], on=ref)
    for s in stations:
        stations_of[s.township_id].append(
            StationLine(
                name=s.name, kind=station_kind(s.kind), resident=residents.get(s.pk, 0), villages=s.villages
            )
        )
    return groups_of, stations_of


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


def _report_member_contacts(ids, year, ref) -> dict:
    """两联一述: the presidium's (a 街道: the 人大工委's) members' contacts with deputies, dated in
    the year up to its reference day."""
    return {
        r["township_id"]: r
        for r in DeputyContact.objects.filter(
            township_id__in=ids, date__gte=dt.date(year, 1, 1), date__lte=ref
        )
        .values("township_id")
        .annotate(
            n=Count("pk"), members=Count("member", distinct=True), deputies=Count("deputy", distinct=True)
        )
    }


def _report_reception_issues(ids, year, ref) -> dict[int, IssueFigures]:
    """{township id: IssueFigures} of the issues raised at the year's receptions up to its
    reference day, each step counted only if it was taken by then: a past year's figures stay
    what they were on 31 December (one query)."""
    from meetings.models import ReceptionIssue

    by_ref = Q(assigned_on__lte=ref)
    rows = (
        ReceptionIssue.objects.filter(
            township_id__in=ids, activity__start_date__gte=dt.date(year, 1, 1), activity__start_date__lte=ref
        )
        .values("township_id")
        .annotate(
            raised=Count("pk"),
            government=Count(
                "pk", filter=by_ref & Q(classification=ReceptionIssue.Classification.GOVERNMENT)
            ),
            redirected=Count("pk", filter=by_ref & Q(classification__in=ReceptionIssue.REDIRECTED)),
            replied=Count("pk", filter=Q(replied_on__lte=ref)),
            with_feedback=Count("pk", filter=Q(feedback_on__lte=ref) & ~Q(feedback="")),
            satisfied=Count(
                "pk",
                filter=Q(
                    feedback_on__lte=ref,
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


def _report_proposal_kinds(ids, year):
    """Accepted motions and suggestions of the year by category (largest first) and the motions
    among them, per township."""
    from django.utils.translation import gettext as _

    accepted = Proposal.objects.filter(township_id__in=ids, year=year).exclude(
        state=Proposal.State.NOT_ACCEPTED
    )
    by_category_of: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for r in (
        accepted.values("township_id", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    ):
        by_category_of[r["township_id"]].append((r["category__name"] or _("uncategorised"), r["n"]))
    motions_of = {
        r["township_id"]: r["n"]
        for r in accepted.filter(kind=Proposal.Kind.MOTION).values("township_id").annotate(n=Count("pk"))
    }
    return by_category_of, motions_of


def _proposal_figures(figures, motions, by_category) -> ProposalFigures:
    return ProposalFigures(
        received=figures.received,
        motions=motions,
        closed=figures.closed,
        received_closed=figures.received_closed,
        carried_closed=figures.carried_closed,
        closed_on_time_rate=figures.closed_on_time_rate,
        overdue=figures.overdue,
        replied=figures.replied,
        carried_over=figures.carried_over,
        total=figures.total,
        closing_rate=figures.closed_rate,
        on_time_rate=figures.on_time_rate,
        meeting_rate=figures.met_rate,
        satisfaction_rate=figures.satisfied_rate,
        by_category=by_category,
    )


def _score_figures(figures) -> ScoreFigures | None:
    if not figures.score_state:
        return None
    _assessment, score_result = _score_models()
    labels = dict(score_result.Grade.choices)
    return ScoreFigures(
        state=figures.score_state,
        count=figures.score_count,
        average=figures.score_average,
        grades=[(str(labels[g]), figures.grades[g]) for g in labels if figures.grades.get(g)],
        dormant=figures.dormant,
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
    counts = defaultdict(int)
    for township_id in qs.values_list(
        "township_id", flat=True
    ):  # one row per group (grouped by the annotation)
        counts[township_id] += 1
    return dict(counts)
