"""The stored figures of a township's year (ProposalFigures), kept by the services.

Every service that changes what a proposal counts as (a workflow step, a correction, a void or
restore, the demo data, a township restored from its backup) calls `refresh_proposal_figures`
for each year the proposal may count in, inside its own transaction: the rows of that
township-year are deleted and written again from three aggregate queries, so a county page
reads a few stored rows per township instead of aggregating a year of proposals.

Figures that move with the calendar (overdue: an open item whose deadline has passed; the
current year's cutoff; the year ending) are stored with `valid_until`, the first day on which
they could differ; a reader treats a township-year whose rows are missing or past it as stale
and computes it live without writing (a GET never writes), and the daily beat task
(`proposal_figures_refresh_due`) writes them again.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Min, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from .counting import _aggregates, proposal_count_keys, proposal_cutoff_is_past, proposal_year_q
from .models import Proposal, ProposalFigures

S = Proposal.State
D = ProposalFigures.Dimension
# The counts of proposals.counting, stored per dimension, plus the received motions.
FIGURE_KEYS = (*proposal_count_keys(), "motions")
# ... and the items of the register's and the month chart's dimensions: what proposal_figures_totals sums.
TOTAL_KEYS = (*FIGURE_KEYS, "items")


def _year_rows(township_ids, year):
    """The proposals a year's figures are counted over: its members and its refused ones."""
    return Proposal.objects.filter(township_id__in=township_ids).filter(
        proposal_year_q(year) | Q(year=year, state=S.NOT_ACCEPTED)
    )


def _row(acc, tid, year, dimension, key):
    return acc.setdefault(
        (tid, dimension, key), ProposalFigures(township_id=tid, year=year, dimension=dimension, key=key)
    )


def _add(row, values):
    for name in FIGURE_KEYS:
        setattr(row, name, getattr(row, name) + values[name])


def _grouped_figures(acc, township_ids, year, today, dimensions) -> dict:
    """The figures per township (and category, lead unit when asked for) rolled up into the
    "all", "category" and "unit" rows; returns {township: the first day a time-dependent figure
    moves}. One query."""
    aggregates = _aggregates(year=year, today=today)
    aggregates["motions"] = Count(
        "pk", filter=~Q(state=S.NOT_ACCEPTED) & Q(year=year, kind=Proposal.Kind.MOTION)
    )
    moves = {}
    if not proposal_cutoff_is_past(year, today):
        # today's figures count deadlines before today and dates up to today
        aggregates["next_deadline"] = Min(
            "deadline", filter=Q(state__in=Proposal.OPEN_HANDLING_STATES, deadline__gte=today)
        )
        for name in ("closed_on", "replied_on", "evaluated_on"):
            aggregates[f"next_{name}"] = Min(name, filter=Q(**{f"{name}__gt": today}))
    groups = {D.CATEGORY: "category__name", D.UNIT: "lead_unit"}
    fields = ["township", *(field for dim, field in groups.items() if dim in dimensions)]
    rows = _year_rows(township_ids, year).order_by().values(*fields).annotate(**aggregates)
    for r in rows:
        tid = r["township"]
        _add(_row(acc, tid, year, D.ALL, ""), r)
        if D.CATEGORY in dimensions:
            _add(_row(acc, tid, year, D.CATEGORY, r["category__name"] or ""), r)
        if D.UNIT in dimensions:
            _add(_row(acc, tid, year, D.UNIT, str(r["lead_unit"] or "")), r)
        if "next_deadline" in r:
            days = [r["next_deadline"] and r["next_deadline"] + dt.timedelta(days=1)]
            days += [r[f"next_{name}"] for name in ("closed_on", "replied_on", "evaluated_on")]
            moves[tid] = min([d for d in days if d] + [moves.get(tid, dt.date.max)])
    return moves


def _month_and_state_items(acc, township_ids, year):
    """The register's count per state, the items received per month and state, and received
    (accepted) per month: one query grouped by state, year, and month and year received."""
    rows = (
        _year_rows(township_ids, year)
        .annotate(m=ExtractMonth("submitted_on"), y=ExtractYear("submitted_on"))
        .order_by()
        .values("township", "state", "year", "m", "y")
        .annotate(n=Count("pk"))
    )
    for r in rows:
        tid, state, n = r["township"], r["state"], r["n"]
        _row(acc, tid, year, D.STATE, state).items += n
        if r["year"] != year:
            continue
        if state != S.NOT_ACCEPTED:
            _row(acc, tid, year, D.MONTH, str(r["m"])).received += n
        if r["y"] == year:
            _row(acc, tid, year, D.MONTH_STATE, f"{r['m']}:{state}").items += n


def _month_closed(acc, township_ids, year):
    """The year's members closed in the year, per month closed. One query."""
    rows = (
        Proposal.objects.filter(township_id__in=township_ids)
        .filter(proposal_year_q(year), state=S.CLOSED, closed_on__year=year)
        .annotate(m=ExtractMonth("closed_on"))
        .order_by()
        .values("township", "m")
        .annotate(n=Count("pk"))
    )
    for r in rows:
        _row(acc, r["township"], year, D.MONTH, str(r["m"])).closed += r["n"]


def proposal_figures_compute(
    *, township_ids: Iterable[int], year: int, today=None, dimensions: Iterable[str] | None = None
) -> list[ProposalFigures]:
    """The figure rows (unsaved) of the townships' year as of `today`, of every dimension or of
    those asked for: an "all" row for every township (zeros when it has no proposal), the other
    dimensions where there is something to count. At most three queries whatever the number of
    townships; one for the "all" rows alone, or the "state" or "month_state" ones."""
    today = today or timezone.localdate()
    ids = list(township_ids)
    wanted = set(D.values if dimensions is None else dimensions)
    acc: dict = {}
    for tid in ids:
        _row(acc, tid, year, D.ALL, "")
    moves = {}
    if wanted & {D.ALL, D.CATEGORY, D.UNIT}:
        moves = _grouped_figures(acc, ids, year, today, wanted)
    if wanted & {D.STATE, D.MONTH, D.MONTH_STATE}:
        _month_and_state_items(acc, ids, year)
    if D.MONTH in wanted:
        _month_closed(acc, ids, year)
    year_ends = None if proposal_cutoff_is_past(year, today) else dt.date(year + 1, 1, 1)
    rows = [row for row in acc.values() if row.dimension in wanted]
    for row in rows:
        row.computed_on = today
        row.valid_until = year_ends and min(year_ends, moves.get(row.township_id, year_ends))
    return rows


def _lock(township_id, year):
    """Refreshes of one township-year run one after the other (delete + insert of the same keys)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [-township_id, year])


def refresh_proposal_figures(township_id: int, year: int, *, today=None) -> None:
    """Write the township-year's figure rows again. Runs in the caller's transaction."""
    _lock(township_id, year)
    ProposalFigures.objects.filter(township_id=township_id, year=year).delete()
    ProposalFigures.objects.bulk_create(
        proposal_figures_compute(township_ids=[township_id], year=year, today=today)
    )


def proposal_years(proposal, *, today=None) -> range:
    """The years a proposal's figures may count in: from the year it was received to this one
    (carried over while open; a past year's figures read its dated history)."""
    today = today or timezone.localdate()
    return range(proposal.year, max(proposal.year, today.year) + 1)


def refresh_for_proposal(proposal, *, also_years: Iterable[int] = ()) -> None:
    """Refresh every township-year the proposal counts in (after any change to it)."""
    for year in sorted({*proposal_years(proposal), *also_years}):
        refresh_proposal_figures(proposal.township_id, year)


def refresh_for_record(*, obj) -> None:
    """The `record_changed` hook: a proposal, or a reply / evaluation / attachment of one, was
    voided, restored or deleted."""
    if isinstance(obj, Proposal):
        refresh_for_proposal(obj)
    elif getattr(obj, "void_parent", None) == "proposal":
        proposal = Proposal.all_objects.filter(pk=obj.proposal_id).first()
        if proposal is not None:
            refresh_for_proposal(proposal)


def proposal_figures_rebuild(*, township_ids: Iterable[int], years: Iterable[int], today=None) -> int:
    """Write the figure rows of many townships' years at once (the demo data, a restored
    township): three queries a year. Returns the number of rows written."""
    ids = list(township_ids)
    written = 0
    for year in years:
        ProposalFigures.objects.filter(township_id__in=ids, year=year).delete()
        written += len(
            ProposalFigures.objects.bulk_create(
                proposal_figures_compute(township_ids=ids, year=year, today=today), batch_size=2000
            )
        )
    return written


def township_years(township_ids: Iterable[int], *, today=None) -> list[int]:
    """The years the townships' figures exist for: from the oldest proposal's to this one."""
    today = today or timezone.localdate()
    first = Proposal.all_objects.filter(township_id__in=list(township_ids)).order_by("year").first()
    return list(range(first.year if first else today.year, today.year + 1))


def refresh_for_township(*, township) -> None:
    """The `township_restored` hook: a township loaded from its backup gets its figures."""
    ids = [township.pk]
    proposal_figures_rebuild(township_ids=ids, years=township_years(ids))


def proposal_figures_refresh_due(*, today=None) -> int:
    """Daily (beat): write again the township-years whose figures have moved with the calendar
    (past `valid_until`), and write those missing (a new year; the years of data older than the
    stored figures, on the first run). Returns the number of township-years written."""
    today = today or timezone.localdate()
    stored = ProposalFigures.objects.filter(dimension=D.ALL)
    due = set(stored.filter(valid_until__lte=today).values_list("township_id", "year"))
    have = set(stored.values_list("township_id", "year"))
    for r in Proposal.all_objects.order_by().values("township_id").annotate(first=Min("year")):
        due |= {(r["township_id"], y) for y in range(r["first"], today.year + 1)} - have
    by_year = defaultdict(list)
    for tid, year in due:
        by_year[year].append(tid)
    for year, ids in by_year.items():
        proposal_figures_rebuild(township_ids=ids, years=[year], today=today)
    return len(due)


# ---------------------------------------------------------------- reading


def _fresh(row, today) -> bool:
    return _holds(row.year, row.computed_on, row.valid_until, today)


def _holds(year, computed_on, valid_until, today) -> bool:
    """A past year's rows hold for any day after the year (they are its figures as of 31
    December); a current year's from the day they were computed until `valid_until`."""
    if valid_until is None:
        return proposal_cutoff_is_past(year, today)
    return computed_on <= today < valid_until


def proposal_figures_rows(
    *, township_ids: Iterable[int], year: int, today=None, dimensions: Iterable[str] | None = None
) -> list[ProposalFigures]:
    """The figure rows of the townships' year as of `today`: the stored ones where they hold,
    the others computed live (and not saved: a page never writes), only the dimensions asked
    for. One query when all are stored; one to three more for the ones that are not."""
    today = today or timezone.localdate()
    ids = list(township_ids)
    wanted = set(dimensions) | {D.ALL} if dimensions is not None else None
    stored = ProposalFigures.objects.filter(township_id__in=ids, year=year)
    if wanted is not None:
        stored = stored.filter(dimension__in=wanted)
    stored_rows = list(stored)
    fresh = {r.township_id for r in stored_rows if r.dimension == D.ALL and _fresh(r, today)}
    rows = [r for r in stored_rows if r.township_id in fresh]
    missing = [tid for tid in ids if tid not in fresh]
    if missing:
        rows += proposal_figures_compute(township_ids=missing, year=year, today=today, dimensions=dimensions)
    return rows


def proposal_figures_items(*, township_ids: Iterable[int], year: int, dimension: str, today=None) -> dict:
    """{key: items} of one dimension summed over the townships: what proposal_figures_rows'
    rows of that dimension add up to, read in one query of plain values (the register's counts
    per state: no model instance per stored row, nine a township), the townships whose figures
    do not hold counted live."""
    today = today or timezone.localdate()
    ids = list(township_ids)
    stored = ProposalFigures.objects.filter(
        township_id__in=ids, year=year, dimension__in=[D.ALL, dimension]
    ).values_list("township_id", "dimension", "key", "items", "computed_on", "valid_until")
    fresh: set[int] = set()
    keyed: list[tuple[int, str, int]] = []
    for tid, row_dimension, key, items, computed_on, valid_until in stored:
        if row_dimension != dimension:
            if _holds(year, computed_on, valid_until, today):
                fresh.add(tid)
        else:
            keyed.append((tid, key, items))
    sums: dict[str, int] = {}
    for tid, key, items in keyed:
        if tid in fresh:
            sums[key] = sums.get(key, 0) + items
    missing = [tid for tid in ids if tid not in fresh]
    if missing:
        for row in proposal_figures_compute(
            township_ids=missing, year=year, today=today, dimensions=[dimension]
        ):
            if row.dimension == dimension:
                sums[row.key] = sums.get(row.key, 0) + row.items
    return sums


def proposal_figures_summed(*, township_ids: Iterable[int], year: int, dimension: str, today=None) -> dict:
    """{key: items} of one dimension's rows summed over the townships (the county's month chart):
    proposal_figures_totals' sums of that dimension."""
    totals = proposal_figures_totals(
        township_ids=township_ids, year=year, dimensions=[dimension], today=today
    )
    return {key: counts["items"] for key, counts in totals.keyed[dimension].items()}


def figures_counts(row) -> dict:
    """The counts of a figure row (the rates are computed from them: counting.stats_finish)."""
    return {name: getattr(row, name) for name in FIGURE_KEYS}


@dataclass
class FigureTotals:
    """A year's figures over many townships: `townships` {township id: the "all" counts} and
    `keyed` {dimension: {key: the counts summed over the townships}} (counts: TOTAL_KEYS)."""

    townships: dict[int, dict[str, int]]
    keyed: dict[str, dict[str, dict[str, int]]]


def proposal_figures_totals(
    *, township_ids: Iterable[int], year: int, dimensions: Iterable[str], today=None
) -> FigureTotals:
    """proposal_figures_rows' figures with the dimensions other than "all" summed over the
    townships: by the database in one grouped pass over the stored rows where they hold, the
    others computed live (and not saved). A page over a county reads a few thousand summed keys
    instead of a model instance per stored row. Two queries when all are stored."""
    today = today or timezone.localdate()
    ids, dimensions = list(township_ids), list(dimensions)
    wanted = [d for d in dimensions if d != D.ALL]
    townships: dict[int, dict[str, int]] = {}
    stored = (
        ProposalFigures.objects.filter(township_id__in=ids, year=year, dimension=D.ALL)
        .order_by("township_id")
        .values_list("township_id", "computed_on", "valid_until", *TOTAL_KEYS)
    )
    for tid, computed_on, valid_until, *counts in stored:
        if _holds(year, computed_on, valid_until, today):
            townships[tid] = dict(zip(TOTAL_KEYS, counts))
    keyed: dict[str, dict[str, dict[str, int]]] = {d: {} for d in wanted}
    if wanted and townships:
        sums = {f"sum_{name}": Sum(name) for name in TOTAL_KEYS}
        rows = (
            ProposalFigures.objects.filter(township_id__in=list(townships), year=year, dimension__in=wanted)
            .order_by("dimension", "key")
            .values_list("dimension", "key")
            .annotate(**sums)
        )
        for dimension, key, *counts in rows:
            keyed[dimension][key] = dict(zip(TOTAL_KEYS, counts))
    missing = [tid for tid in ids if tid not in townships]
    if missing:
        for row in proposal_figures_compute(
            township_ids=missing, year=year, today=today, dimensions=dimensions
        ):
            counts = {name: getattr(row, name) for name in TOTAL_KEYS}
            if row.dimension == D.ALL:
                townships[row.township_id] = counts
            elif row.dimension in keyed:
                total = keyed[row.dimension].setdefault(row.key, dict.fromkeys(TOTAL_KEYS, 0))
                for name in TOTAL_KEYS:
                    total[name] += counts[name]
    return FigureTotals(townships=townships, keyed=keyed)
