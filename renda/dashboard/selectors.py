"""Figures of the county dashboard, the workbench and the year-end documents, composed from what
the apps publish through renda.core.figures (this module reads no app's models).

Every provider answers for all the townships at once in a fixed number of aggregate queries, so
the figures of any number of townships cost the same number of queries. Township scoping: callers
pass townships from `access.townships()`.

Year membership (what a year's row counts):
- deputies: mandates active on the reference day (31 December, or today in the current year);
- sessions, presidium meetings, activities: dated in the year (start date);
- proposals: received in the year (`Proposal.year`, not-accepted ones excluded) for received /
  closed / the four rates; "overdue" counts every proposal of that year or earlier that is
  past its deadline today, so carried-over items stay visible;
- dormant deputies ("三不代表"): assessments.dormancy, the definition the assessment shares.
"""

import datetime as dt
from collections.abc import Iterator, Mapping

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core import figures as published
from renda.core import hooks, quotas
from renda.core.figures import (  # noqa: F401  (re-exported: the dashboard's names)
    PROPOSAL_KEYS,
    ChartSeries,
    DeputyStructure,
    TownshipFigures,
    reference_day,
)
from renda.core.models import County

from .report_data import DeputyCounts, WorkReportData

# How the work report names deputies of each level ("市人大代表2名"), in the levels' order.
LEVEL_PROSE = {
    "national": gettext_lazy("NPC deputies"),
    "provincial": gettext_lazy("provincial people's congress deputies"),
    "city": gettext_lazy("city people's congress deputies"),
    "county": gettext_lazy("county people's congress deputies"),
    "township": gettext_lazy("township people's congress deputies"),
}


def _provided(name, **kwargs):
    """The answer of the one function an app registered under `name`."""
    functions = hooks.get(name)
    if not functions:
        raise LookupError(f"no app provides {name!r} (renda.core.figures)")
    return functions[0](**kwargs)


# --------------------------------------------------------------------------- county figures
def county_figures(*, townships, year: int, today: dt.date | None = None) -> list[TownshipFigures]:
    """One TownshipFigures per township (in the given order), with traffic lights: every
    COUNTY_FIGURES provider fills its part of the rows. A constant number of queries whatever
    the number of townships."""
    today = today or timezone.localdate()
    rows = {t.pk: TownshipFigures(township=t, year=year) for t in townships}
    if not rows:
        return []
    cutoff = reference_day(year, today)
    for fill in hooks.get(published.COUNTY_FIGURES):
        fill(figures=rows, year=year, today=today, cutoff=cutoff)
    for row in rows.values():
        row.lights = lights_for(row, today=today)
    return list(rows.values())


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
    total = TownshipFigures(township=None, year=rows[0].year if rows else None)  # type: ignore[arg-type]
    for row in rows:
        for level, n in row.deputies_by_level.items():
            total.deputies_by_level[level] = total.deputies_by_level.get(level, 0) + n
        for attr in SUMMED:
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
        for i in range(4):
            total.presidium_per_quarter[i] += row.presidium_per_quarter[i]
            total.groups_active_per_quarter[i] += row.groups_active_per_quarter[i]
        for i in range(12):
            total.receptions_per_month[i] += row.receptions_per_month[i]
        for grade, n in row.grades.items():
            total.grades[grade] = total.grades.get(grade, 0) + n
    for add_up in hooks.get(published.COUNTY_TOTALS):
        add_up(total=total, rows=rows)
    return total


# The counts of TownshipFigures that the totals row sums.
SUMMED = (
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
)


# --------------------------------------------------------------------------- charts
def proposals_by_month(*, township_ids, year) -> list[ChartSeries]:
    """The year's proposals by month received, one series per current state."""
    return hooks.first(published.PROPOSALS_BY_MONTH, default=[], township_ids=township_ids, year=year)


def deputy_structure(*, township_ids, on) -> DeputyStructure | None:
    """The deputies serving on `on` by level, gender, affiliation and occupation."""
    return hooks.first(published.DEPUTY_STRUCTURE, township_ids=township_ids, on=on)


def score_grades() -> list[tuple[str, str]]:
    """(grade, label) of the score card, best first; none without an assessments app."""
    return hooks.first(published.SCORE_GRADES, default=[])


# --------------------------------------------------------------------------- due lists
def proposals_due(*, township_ids, today=None, soon_days=7):
    """Open proposals past their deadline or due within `soon_days`, across townships."""
    today = today or timezone.localdate()
    return _provided(published.PROPOSALS_DUE, township_ids=township_ids, today=today, soon_days=soon_days)


def decisions_due(*, township_ids, today=None, soon_days=7):
    """Open presidium decisions past their deadline or due within `soon_days`."""
    today = today or timezone.localdate()
    return _provided(published.DECISIONS_DUE, township_ids=township_ids, today=today, soon_days=soon_days)


# --------------------------------------------------------------------------- drill-down
class _Drill(Mapping):
    """{metric: DrillRecords} of every app's DRILL provider, read when asked (the apps register
    theirs when Django is ready, after this module is imported)."""

    def _metrics(self) -> dict[str, published.DrillRecords]:
        metrics: dict[str, published.DrillRecords] = {}
        for provider in hooks.get(published.DRILL):
            metrics.update(provider())
        return metrics

    def __getitem__(self, metric: str) -> published.DrillRecords:
        return self._metrics()[metric]

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics())

    def __len__(self) -> int:
        return len(self._metrics())


DRILL = _Drill()


def drill_records(*, metric, township_ids, year):
    """The records behind one dashboard number (a queryset), or None for an unknown metric."""
    build = DRILL.get(metric)
    return None if build is None else build(list(township_ids), year)


# --------------------------------------------------------------------------- workbench
def workbench_quarter(*, township, today=None):
    """This quarter's quotas of a township for the home page (constant query count): the
    presidium meeting, the groups not active yet, this month's receptions and the coming ones."""
    today = today or timezone.localdate()
    quarter = quotas.quarter_of(today)
    q_start = dt.date(today.year, 3 * quarter - 2, 1)
    q_end = dt.date(today.year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    figures = county_figures(townships=[township], year=today.year, today=today)[0]
    work: published.QuarterWork = _provided(
        published.WORKBENCH_QUARTER, township=township, today=today, quarter_start=q_start, quarter_end=q_end
    )
    return {
        "quarter": quarter,
        "quarter_start": q_start,
        "quarter_end": q_end,
        "figures": figures,
        "presidium_this_quarter": figures.presidium_per_quarter[quarter - 1],
        "receptions_this_month": figures.receptions_per_month[today.month - 1],
        "groups_idle": work.groups_idle,
        "on_duty_this_month": work.on_duty_this_month,
        "upcoming_receptions": work.upcoming_receptions,
        "session_held": figures.sessions > 0,
        "trainings": figures.trainings,
        "quotas": quotas.QUOTAS,
    }


# --------------------------------------------------------------------------- work report data
def work_report_data(*, township, year: int, texts=None, today: dt.date | None = None) -> WorkReportData:
    """Everything the year-end work report says, read from the database (typed plain data)."""
    return work_reports_data(townships=[township], year=year, texts={township.pk: texts or {}}, today=today)[
        township.pk
    ]


def work_reports_data(
    *, townships, year: int, texts=None, today: dt.date | None = None
) -> dict[int, WorkReportData]:
    """{township id: WorkReportData} for several townships in the same number of queries as one
    (the county's year-end bundle): the county figures, then every WORK_REPORT_PART provider's
    fields. `texts`: {township id: the secretary's texts}."""
    today = today or timezone.localdate()
    texts = texts or {}
    townships = list(townships)
    figures_of = {f.township.pk: f for f in county_figures(townships=townships, year=year, today=today)}
    cutoff = reference_day(year, today)
    quarters_elapsed = _quarters_elapsed(year, cutoff, today)
    parts: dict[int, dict] = {t.pk: {} for t in townships}
    for provider in hooks.get(published.WORK_REPORT_PART):
        answer = provider(
            townships=townships,
            figures=figures_of,
            year=year,
            cutoff=cutoff,
            today=today,
            quarters_elapsed=quarters_elapsed,
        )
        for pk, fields in answer.items():
            parts[pk].update(fields)
    county = County.current()
    return {
        t.pk: WorkReportData(
            **_report_heading(t, county, year, cutoff, today),
            **_report_texts(texts.get(t.pk) or {}),
            deputies=_deputy_counts(figures_of[t.pk]),
            **parts[t.pk],
        )
        for t in townships
    }


def _quarters_elapsed(year, cutoff, today) -> int:
    """The quarters of the year over by its cutoff (all four once the year is over)."""
    return 4 if cutoff.year < today.year or cutoff == dt.date(year, 12, 31) else quotas.quarter_of(cutoff) - 1


def _report_heading(township, county, year, cutoff, today) -> dict:
    return {
        "township_name": township.name,
        "township_code": township.code,
        "township_kind": township.kind,
        "county_name": county.name if county else "",
        "committee_name": county.committee_name if county else "",
        "year": year,
        "organ": _report_organ(township),
        "date": today,  # the day the report is written
        "cutoff": cutoff,  # the day its figures are counted to
        "cutoff_is_past": dt.date(year, 12, 31) < today,
    }


def _report_texts(texts) -> dict:
    """The secretary's own paragraphs."""
    return {key: texts.get(key, "") for key in ("opening", "problems", "plans")}


def _deputy_counts(figures: TownshipFigures) -> DeputyCounts:
    return DeputyCounts(
        total=figures.deputies_total,
        by_level=[
            (str(prose), figures.deputies_by_level[level])
            for level, prose in LEVEL_PROSE.items()
            if figures.deputies_by_level.get(level)
        ],
    )


def _report_organ(township) -> str:
    if township.has_presidium:
        return _("Presidium of the %(township)s People's Congress") % {"township": township.name}
    return _("People's Congress Working Committee of %(township)s") % {"township": township.name}
