"""The proposals app's figures for the county dashboard and the work report
(renda.core.figures): received, closed, overdue and the four rates; the month chart; the
drill-downs to the proposals; the proposals due."""

import datetime as dt
from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.figures import ChartSeries, ReportParts
from renda.dashboard.report_data import ProposalFigures

from .models import Proposal
from .models import ProposalFigures as StoredFigures
from .selectors import proposal_asof_q, proposal_stats_by_township, proposal_year_q, stats_finish
from .summaries import proposal_figures_rows, proposal_figures_summed

D = StoredFigures.Dimension


def proposal_figures(*, figures, year, today, cutoff) -> None:
    for tid, stats in proposal_stats_by_township(townships=list(figures), year=year, today=today).items():
        figures[tid].proposals = stats


def proposal_totals(*, total, rows) -> None:
    """The county's proposal figures: the counts summed, the rates recomputed from the sums."""
    counts: dict[str, int] = {}
    for row in rows:
        for key, value in row.proposals.items():
            if not key.endswith("_rate") and key != "total" and isinstance(value, int):
                counts[key] = counts.get(key, 0) + value
    if counts:
        total.proposals = stats_finish(counts)


def proposals_by_month(*, township_ids, year) -> list[ChartSeries]:
    """The year's proposals by month received, one series per current state (the stored
    figures summed by the database: two queries, more for townships whose stored figures are
    missing or stale)."""
    by_state: dict[str, list[int]] = defaultdict(lambda: [0] * 12)
    for key, items in proposal_figures_summed(
        township_ids=township_ids, year=year, dimension=D.MONTH_STATE
    ).items():
        month, state = key.split(":", 1)
        by_state[state][int(month) - 1] += items
    return [
        ChartSeries(str(label), by_state[state])
        for state, label in Proposal.State.choices
        if state in by_state
    ]


def _year_end(year):
    return min(dt.date(year, 12, 31), timezone.localdate())


def _listed(qs):
    return qs.select_related("township", "lead_deputy", "lead_unit", "category")


def _of_year(ids, year):
    return Proposal.objects.filter(township_id__in=ids).filter(proposal_year_q(year))


def drill_metrics():
    return {
        "received": lambda ids, year: _listed(
            Proposal.objects.filter(township_id__in=ids, year=year).exclude(state=Proposal.State.NOT_ACCEPTED)
        ),
        "total": lambda ids, year: _listed(_of_year(ids, year)),
        "closed": lambda ids, year: _listed(
            _of_year(ids, year).filter(state=Proposal.State.CLOSED, closed_on__lte=_year_end(year))
        ),
        "overdue": lambda ids, year: _listed(
            _of_year(ids, year).filter(proposal_asof_q(year=year)["overdue"])
        ),
    }


def proposals_due(*, township_ids, today, soon_days):
    """Open proposals past their deadline or due within `soon_days`, across townships."""
    return (
        Proposal.objects.filter(
            township_id__in=township_ids,
            state__in=Proposal.OPEN_HANDLING_STATES,
            deadline__lte=today + dt.timedelta(days=soon_days),
        )
        .select_related("township", "lead_unit", "lead_deputy")
        .order_by("deadline", "pk")
    )


def work_report_part(*, townships, figures, year, cutoff, today, quarters_elapsed) -> ReportParts:
    """The work report's motions and suggestions: the year's figures, the motions among them and
    the accepted ones by category (largest first)."""
    ids = [t.pk for t in townships]
    by_category_of: dict[int, list[tuple[str, int]]] = defaultdict(list)
    motions_of: dict[int, int] = {}
    rows = proposal_figures_rows(township_ids=ids, year=year, today=today, dimensions=[D.ALL, D.CATEGORY])
    # largest first, then by name, uncategorised last among equals
    for row in sorted(rows, key=lambda r: (-r.received, r.key == "", r.key)):
        if row.dimension == D.ALL:
            motions_of[row.township_id] = row.motions
        elif row.received:
            by_category_of[row.township_id].append((row.key or _("uncategorised"), row.received))
    return {
        pk: {"proposals": _proposal_figures(figures[pk], motions_of.get(pk, 0), by_category_of[pk])}
        for pk in ids
    }


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
