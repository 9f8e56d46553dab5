"""Reads of motions and suggestions: the register, figures and document data.

Year membership (used by every figure of a year Y):
  an accepted proposal (any state but 不予立案) belongs to year Y when it was received in Y
  (`year == Y`), or was received earlier and was still not closed on 1 January of Y (carried
  over: `year < Y` and `closed_on` is empty or on/after 1 January Y). Carried-over items stay in
  each following year's figures until the year they are closed in.

Figures of a set of proposals (`proposal_stats`), as of a cutoff: the year's 31 December for
a past year, today for the current year. A past year's figures are read from the dated history
(the workflow steps' `effective_on`, the replies' and evaluations' dates), never from the
proposal's current fields, so a later event (a second-round reply in February) does not move
them:
  received      received in the year (year == Y; without a year: every accepted proposal)
  carried_over  members of the year received earlier
  total         received + carried_over
  not_accepted  received in the year and not accepted (not part of total)
  closed        members closed (办结) by the cutoff
  received_closed / carried_closed   of which received in the year / carried over
  closed_on_time  received in the year, closed by the cutoff, latest reply within its deadline
  replied       members with a written reply (first or second round) by the cutoff
  on_time       replied members whose latest reply by the cutoff came on or before its deadline
  met           replied members whose unit met the deputy in person (latest reply by the cutoff)
  evaluated     members rated by the lead deputy by the cutoff; satisfied = 满意 + 基本满意
                (the latest rating by the cutoff)
  overdue       members being handled (assigned / in progress) at the cutoff whose deadline then
                was before the cutoff (today: before today)
  rates (percent, one decimal, None when the denominator is 0), defined in RATE_DEFINITIONS:
    closed_rate          办结率    received_closed / received
    closed_on_time_rate  按期办结率 closed_on_time / received
    carried_closed_rate  carried-over items closed / carried_over (their own line)
    on_time_rate         按期答复率 on_time / replied
    met_rate             见面率    met / replied
    satisfied_rate       满意率    satisfied / evaluated
All of it is one aggregate query per grouping.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import ExtractMonth
from django.db.models.lookups import In, LessThan
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy
from renda.core.access import access_for
from renda.core.models import Township

from .counting import (
    _aggregates,
    _asof_parts,
    proposal_cutoff,
    proposal_cutoff_is_past,
    proposal_year_q,
    stats_finish,
)
from .counting import proposal_count_keys as proposal_count_keys  # re-exported (portal)
from .models import (
    HandlingUnit,
    Proposal,
    ProposalCategory,
    ProposalFigures,
)
from .report_data import AssignmentSheetData, CategoryLine, HandlingReportData, OpenItem, UnitLine
from .summaries import FigureTotals, proposal_figures_items, proposal_figures_rows, proposal_figures_totals

S = Proposal.State
D = ProposalFigures.Dimension
_COUNT_KEYS = proposal_count_keys()
RATE_KEYS = (
    "closed_rate",
    "closed_on_time_rate",
    "carried_closed_rate",
    "on_time_rate",
    "met_rate",
    "satisfied_rate",
)
# What each rate means, shown beside the figures (statistics page, documents).
RATE_DEFINITIONS = {
    "closed_rate": _(
        "Completion rate (办结率) = items received in the year and closed ÷ items received in the year"
    ),
    "closed_on_time_rate": _(
        "On-time completion rate (按期办结率) = items received in the year, closed, whose reply came "
        "within its deadline ÷ items received in the year"
    ),
    "carried_closed_rate": _(
        "Carried-over items closed = items from earlier years closed in this year ÷ items carried over"
    ),
    "on_time_rate": _("On-time reply rate (按期答复率) = items replied within the deadline ÷ items replied"),
    "met_rate": _("Meeting rate (见面率) = items whose handling unit met the deputy ÷ items replied"),
    "satisfied_rate": _("Satisfaction rate (满意率) = (satisfied + basically satisfied) ÷ items evaluated"),
}


def proposal_asof_q(*, year: int, today=None) -> dict:
    """Q objects of one proposal's condition at the year's cutoff: "closed", "open", "overdue",
    "replied". For drill-downs and document lists."""
    today = today or timezone.localdate()
    end = proposal_cutoff(year, today)
    closed = Q(state=S.CLOSED, closed_on__lte=end)
    if not proposal_cutoff_is_past(year, today):
        return {
            "closed": closed,
            "open": Q(state__in=Proposal.OPEN_HANDLING_STATES),
            "overdue": Q(state__in=Proposal.OPEN_HANDLING_STATES, deadline__lt=today),
            "replied": Q(replied_on__isnull=False, replied_on__lte=end),
        }
    parts = _asof_parts(end)
    is_open = Q(In(parts["state"], list(Proposal.OPEN_HANDLING_STATES)))
    return {
        "closed": closed,
        "open": is_open,
        "overdue": is_open & Q(LessThan(parts["deadline"], Value(end + dt.timedelta(days=1)))),
        "replied": parts["replied"],
    }


def proposal_progress_as_of(*, township, on: dt.date) -> dict:
    """The figures a presidium meeting is told on `on` (议案建议办理情况通报): the township's
    proposals of `on`'s year received by that day (and those carried over into the year), read
    as of that day from the dated history like a past year's figures (`_asof_parts`):
      received      received in the year by `on` (accepted)
      carried_over  received in earlier years, not closed by 1 January
      assigned      handed to a unit by `on` (assigned_on on or before it)
      replied       with a written reply dated on or before `on`
      closed        closed (办结) on or before `on`
      overdue       being handled on `on` with its deadline before `on`
    One query. The `proposal_progress` hook: meetings fills an agenda item with it."""
    year = on.year
    parts = _asof_parts(on)
    is_open = Q(In(parts["state"], list(Proposal.OPEN_HANDLING_STATES)))
    row = (
        Proposal.objects.filter(township=township, submitted_on__lte=on)
        .filter(proposal_year_q(year))
        .aggregate(
            received=Count("pk", filter=Q(year=year)),
            carried_over=Count("pk", filter=Q(year__lt=year)),
            assigned=Count("pk", filter=Q(assigned_on__lte=on)),
            replied=Count("pk", filter=parts["replied"]),
            closed=Count("pk", filter=Q(state=S.CLOSED, closed_on__lte=on)),
            overdue=Count("pk", filter=is_open & Q(LessThan(parts["deadline"], Value(on)))),
        )
    )
    return {"on": on, "year": year, **row}


def proposal_stats(*, qs=None, year=None, today=None) -> dict:
    """The figures (see module docstring) of `qs` (default: all proposals) in one query."""
    qs = Proposal.objects.all() if qs is None else qs
    if year is not None:
        qs = qs.filter(proposal_year_q(year) | Q(year=year, state=S.NOT_ACCEPTED))
    return stats_finish(qs.aggregate(**_aggregates(year=year, today=today)))


def proposal_stats_grouped(*, qs, year=None, field, today=None) -> list[dict]:
    """The figures per value of `field` (e.g. "category", "lead_unit", "township"), one query."""
    if year is not None:
        qs = qs.filter(proposal_year_q(year) | Q(year=year, state=S.NOT_ACCEPTED))
    rows = qs.order_by().values(field).annotate(**_aggregates(year=year, today=today))
    return [stats_finish(r) for r in rows]


def proposal_stats_by_township(*, townships, year, today=None) -> dict:
    """{township_pk: figures} for the given townships in `year`; townships without proposals
    get zero counts. From the stored figures (proposals.summaries): one query, three more for
    townships whose stored figures are missing or stale."""
    ids = [t.pk if hasattr(t, "pk") else t for t in townships]
    result = {pk: stats_finish(dict.fromkeys(_COUNT_KEYS, 0)) for pk in ids}
    for row in proposal_figures_rows(township_ids=ids, year=year, today=today, dimensions=[D.ALL]):
        result[row.township_id] = stats_finish(_counts(row))
    return result


def proposal_stats_by_month(*, qs, year, today=None) -> list[dict]:
    """Received / replied / closed per month of `year` (received in the year only), one query."""
    rows = (
        qs.filter(year=year)
        .exclude(state=S.NOT_ACCEPTED)
        .annotate(month=ExtractMonth("submitted_on"))
        .order_by()
        .values("month")
        .annotate(received=Count("pk"))
    )
    received = {r["month"]: r["received"] for r in rows}
    closed_rows = (
        qs.filter(proposal_year_q(year), state=S.CLOSED, closed_on__year=year)
        .annotate(month=ExtractMonth("closed_on"))
        .order_by()
        .values("month")
        .annotate(n=Count("pk"))
    )
    closed = {r["month"]: r["n"] for r in closed_rows}
    return [{"month": m, "received": received.get(m, 0), "closed": closed.get(m, 0)} for m in range(1, 13)]


def proposal_stats_by_category(*, qs, year, today=None):
    rows = proposal_stats_grouped(qs=qs, year=year, field="category", today=today)
    names = dict(
        ProposalCategory.objects.filter(pk__in=[r["category"] for r in rows if r["category"]]).values_list(
            "pk", "name"
        )
    )
    for r in rows:
        r["name"] = names.get(r["category"], "—")
    return sorted(rows, key=lambda r: -r["total"])


def proposal_unit_ranking(*, qs, year, today=None):
    """Lead units ranked by on-time rate, then satisfaction (units with no reply last)."""
    rows = [
        r for r in proposal_stats_grouped(qs=qs, year=year, field="lead_unit", today=today) if r["lead_unit"]
    ]
    units = {
        u.pk: u
        for u in HandlingUnit.objects.filter(pk__in=[r["lead_unit"] for r in rows]).select_related("township")
    }
    for r in rows:
        unit = units.get(r["lead_unit"])
        r["name"] = unit.name if unit else "—"
        r["township_name"] = unit.township.name if unit else ""
    rows.sort(key=unit_rank_key)
    return rows


def unit_rank_key(row):
    """Units by on-time rate, then satisfaction, then volume; units with no reply yet last; equal
    units in the order they were entered (the same order however the figures were counted)."""
    return (
        row["on_time_rate"] is None,
        -(row["on_time_rate"] or 0),
        -(row["satisfied_rate"] or 0),
        -row["total"],
        row["lead_unit"],
    )


def proposal_statistics_figures(*, qs, year, today=None) -> dict:
    """Everything the statistics page shows except months, from ONE grouped query: counts per
    (township, category name, lead unit) rolled up in Python. Counts are additive (each item is in
    exactly one group), so totals, per-township, per-category and per-unit figures all follow.
    Returns {"stats", "by_township", "by_category", "ranking"}; rows carry pk and name."""
    if year is not None:
        qs = qs.filter(proposal_year_q(year) | Q(year=year, state=S.NOT_ACCEPTED))
    aggregates = _aggregates(year=year, today=today)
    keys = list(aggregates)
    rows = qs.order_by().values("township", "category__name", "lead_unit").annotate(**aggregates)

    def add(bucket, key, row):
        acc = bucket.setdefault(key, dict.fromkeys(keys, 0))
        for k in keys:
            acc[k] += row[k]

    total: dict = {}
    by_township: dict = {}
    by_category: dict = {}
    by_unit: dict = {}
    for row in rows:
        add(total, None, row)
        add(by_township, row["township"], row)
        add(by_category, row["category__name"], row)
        if row["lead_unit"]:
            add(by_unit, row["lead_unit"], row)
    stats = stats_finish(total.get(None) or dict.fromkeys(keys, 0))
    names = dict(Township.objects.filter(pk__in=list(by_township)).values_list("pk", "name"))
    township_rows = sorted(
        (dict(stats_finish(v), township=pk, name=names.get(pk, "")) for pk, v in by_township.items()),
        key=lambda r: -r["total"],
    )
    category_rows = sorted(
        (dict(stats_finish(v), name=name or "—") for name, v in by_category.items()),
        key=lambda r: -r["total"],
    )
    units = {u.pk: u for u in HandlingUnit.objects.filter(pk__in=list(by_unit)).select_related("township")}
    ranking = []
    for pk, v in by_unit.items():
        unit = units.get(pk)
        ranking.append(
            dict(
                stats_finish(v),
                lead_unit=pk,
                name=unit.name if unit else "—",
                township_name=unit.township.name if unit else "",
            )
        )
    ranking.sort(key=unit_rank_key)
    return {"stats": stats, "by_township": township_rows, "by_category": category_rows, "ranking": ranking}


def _summary_township_ids(*, user, township) -> list[int] | None:
    """The townships whose stored figures answer for what the user sees (all of a township's
    proposals, or the county's), or None when the user sees only some proposals (count live)."""
    access = access_for(user)
    if township is not None:
        full = access.is_county or (access.is_township_staff and access.can_read(township))
        return [township.pk] if full else None
    # a county user sees every proposal (scope() leaves them all), in any township
    return list(Township.objects.values_list("pk", flat=True)) if access.is_county else None


def _counts(row) -> dict:
    return {k: getattr(row, k) for k in _COUNT_KEYS}


def _only_counts(figures: dict) -> dict:
    return {k: figures[k] for k in _COUNT_KEYS}


def _statistics_from_totals(totals: FigureTotals) -> dict:
    """proposal_statistics_figures' answer (and the months) from the stored figures summed."""
    all_rows = {tid: _only_counts(v) for tid, v in totals.townships.items() if any(_only_counts(v).values())}
    names = dict(Township.objects.filter(pk__in=list(all_rows)).values_list("pk", "name"))
    by_township = sorted(
        (dict(stats_finish(v), township=tid, name=names.get(tid, "")) for tid, v in all_rows.items()),
        key=lambda r: -r["total"],
    )
    by_category = sorted(
        (dict(stats_finish(_only_counts(v)), name=key or "—") for key, v in totals.keyed[D.CATEGORY].items()),
        key=lambda r: -r["total"],
    )
    by_unit = {int(key): _only_counts(v) for key, v in totals.keyed[D.UNIT].items() if key}
    names_of = dict.fromkeys(by_unit, ("—", ""))  # a unit deleted since: no name
    for pk, name, township_name in HandlingUnit.objects.filter(pk__in=list(by_unit)).values_list(
        "pk", "name", "township__name"
    ):
        names_of[pk] = (name, township_name)
    ranking = [
        dict(stats_finish(v), lead_unit=pk, name=names_of[pk][0], township_name=names_of[pk][1])
        for pk, v in by_unit.items()
    ]
    ranking.sort(key=unit_rank_key)
    months = totals.keyed[D.MONTH]
    by_month = [
        {
            "month": m,
            "received": months.get(str(m), {}).get("received", 0),
            "closed": months.get(str(m), {}).get("closed", 0),
        }
        for m in range(1, 13)
    ]
    stats = dict.fromkeys(_COUNT_KEYS, 0)
    for v in totals.townships.values():
        for k in _COUNT_KEYS:
            stats[k] += v[k]
    return {
        "stats": stats_finish(stats),
        "by_township": by_township,
        "by_category": by_category,
        "ranking": ranking,
        "by_month": by_month,
    }


# What the statistics page reads of the stored figures (not the register's or the chart's items).
_STATISTICS_DIMENSIONS = (D.ALL, D.CATEGORY, D.UNIT, D.MONTH)


def proposal_statistics_data(*, user, township, year: int, today=None) -> dict:
    """The statistics page's figures of the proposals the user sees in `township` (None: every
    township they see): {"stats", "by_township", "by_category", "ranking", "by_month"}. From the
    stored figures (proposals.summaries) when the user sees whole townships: a few queries
    whatever the number of townships; else counted live from the user's proposals."""
    ids = _summary_township_ids(user=user, township=township)
    if ids is not None:
        totals = proposal_figures_totals(
            township_ids=ids, year=year, today=today, dimensions=_STATISTICS_DIMENSIONS
        )
        return _statistics_from_totals(totals)
    qs = access_for(user).scope(Proposal)
    if township is not None:
        qs = qs.filter(township=township)
    figures = proposal_statistics_figures(qs=qs, year=year, today=today)
    figures["by_month"] = proposal_stats_by_month(qs=qs, year=year, today=today)
    return figures


def proposal_register_state_counts(*, user, filters: dict, township) -> list[tuple]:
    """The register's count per state, [(state, label, n)], of what `filters` (without the state)
    leave. A year alone, over whole townships, reads the stored figures (one query or so)."""
    ids = _summary_township_ids(user=user, township=township)
    year = filters.get("year")
    if ids is None or not year or any(v for k, v in filters.items() if k != "year"):
        return proposal_state_counts(proposal_list(user=user, filters=filters, township=township))
    counts = proposal_figures_items(township_ids=ids, year=int(year), dimension=D.STATE)
    return [(value, label, counts.get(value, 0)) for value, label in S.choices]


# ---------------------------------------------------------------- register


def proposal_list(*, user, filters=None, township=None):
    """The register (台账) rows the user may see, filtered. `filters` keys: year, term, kind,
    category, state, unit, overdue, due_soon, key, q."""
    qs = access_for(user).scope(Proposal)
    if township is not None:
        qs = qs.filter(township=township)
    return proposal_filter(qs=qs, filters=filters or {})


def proposal_filter(*, qs, filters):
    f = filters
    today = timezone.localdate()
    if f.get("year"):
        qs = qs.filter(proposal_year_q(int(f["year"])) | Q(year=int(f["year"]), state=S.NOT_ACCEPTED))
    if f.get("term"):
        qs = qs.filter(term__number=int(f["term"]))
    if f.get("kind"):
        qs = qs.filter(kind=f["kind"])
    if f.get("category"):
        qs = qs.filter(category__name=f["category"])
    if f.get("state"):
        qs = qs.filter(state=f["state"])
    if f.get("unit"):
        qs = qs.filter(lead_unit__name=f["unit"])
    if f.get("overdue"):
        qs = qs.filter(state__in=Proposal.OPEN_HANDLING_STATES, deadline__lt=today)
    if f.get("due_soon"):
        qs = qs.filter(
            state__in=Proposal.OPEN_HANDLING_STATES,
            deadline__gte=today,
            deadline__lte=today + dt.timedelta(days=7),
        )
    if f.get("key"):
        qs = qs.filter(is_key=True)
    if f.get("q"):
        q = f["q"].strip()
        deputies = Deputy.objects.filter(name__contains=q, pk=OuterRef("lead_deputy_id"))
        qs = qs.filter(
            Q(title__contains=q) | Q(number__contains=q) | Q(content__contains=q) | Exists(deputies)
        )
    return qs


REGISTER_ORDER = ("-year", "township__display_order", "number_scope", "serial")


def proposal_register_page_qs(qs):
    return qs.select_related("township", "lead_deputy", "category", "lead_unit").order_by(*REGISTER_ORDER)


def proposal_register_page_rows(ids) -> list[Proposal]:
    """The proposals `ids` (one page, already in register order) with what the register shows,
    the names of their township, category, lead deputy and lead unit as `township_name`,
    `category_name`, `lead_deputy_name` and `lead_unit_name` (one instance a row, not five).
    Pages are cut from a narrow query of ids: sorting a county's year of full, joined rows to
    keep 50 of them costs several times more."""
    rows = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in=ids)
        .order_by()
        .only(*REGISTER_PAGE_FIELDS)
        .annotate(
            township_name=F("township__name"),
            category_name=F("category__name"),
            lead_deputy_name=F("lead_deputy__name"),
            lead_unit_name=F("lead_unit__name"),
        )
    }
    return [rows[pk] for pk in ids if pk in rows]


# The columns the register page shows (and what its badges are worked out from).
REGISTER_PAGE_FIELDS = (
    "id",
    "township_id",
    "number",
    "title",
    "is_key",
    "year",
    "state",
    "round",
    "kind",
    "category_id",
    "lead_deputy_id",
    "by_presidium",
    "lead_unit_id",
    "deadline",
    "replied_on",
    "outcome",
    "rating",
)


def proposal_state_counts(qs) -> list[tuple]:
    rows = qs.order_by().values("state").annotate(n=Count("pk"))
    counts = {r["state"]: r["n"] for r in rows}
    return [(value, label, counts.get(value, 0)) for value, label in S.choices]


def _names_by_proposal(through, target, ordering, ids) -> dict:
    """{proposal_pk: [name, …]} of one many-to-many of the proposals `ids` (a subquery), in
    the target model's own ordering (as `proposal.<m2m>.all()` would give). One query."""
    names: dict = {}
    rows = (
        through.objects.filter(proposal_id__in=ids)
        .order_by("proposal_id", *[f"{target}__{f}" if f != "pk" else f"{target}_id" for f in ordering])
        .values_list("proposal_id", f"{target}__name")
    )
    for pk, name in rows:
        names.setdefault(pk, []).append(name)
    return names


# The columns proposal_register_rows reads, in the order _register_row unpacks them.
_REGISTER_COLUMNS = (
    "pk",
    "township__name",
    "number",
    "kind",
    "title",
    "category__name",
    "lead_deputy_id",
    "lead_deputy__name",
    "by_presidium",
    "submitted_on",
    "state",
    "lead_unit__name",
    "responsible_leader",
    "assigned_on",
    "deadline",
    "replied_on",
    "outcome",
    "rating",
    "round",
    "is_key",
    "replied_on_time",
    "met_in_person",
    "closed_on",
)


@dataclass(frozen=True)
class _RegisterLookups:
    """What every register row looks up: choice labels (read once), names by proposal, today."""

    kinds: dict[str, str]
    states: dict[str, str]
    outcomes: dict[str, str]
    ratings: dict[str, str]
    presidium: str
    open_states: frozenset[str]
    today: dt.date
    co_signers: dict[int, list[str]]
    assisting: dict[int, list[str]]


def _register_lookups(ids) -> _RegisterLookups:
    """Two queries (co-signers, assisting units) for the proposals `ids`, plus the labels."""
    return _RegisterLookups(
        kinds={v: str(label) for v, label in Proposal.Kind.choices},
        states={v: str(label) for v, label in S.choices},
        outcomes={v: str(label) for v, label in Proposal._meta.get_field("outcome").flatchoices},
        ratings={v: str(label) for v, label in Proposal._meta.get_field("rating").flatchoices},
        presidium=str(Proposal._meta.get_field("by_presidium").verbose_name),
        open_states=frozenset(Proposal.OPEN_HANDLING_STATES),
        today=timezone.localdate(),
        co_signers=_names_by_proposal(Proposal.co_signers.through, "deputy", Deputy._meta.ordering, ids),
        assisting=_names_by_proposal(
            Proposal.assisting_units.through,
            "handlingunit",
            [*(HandlingUnit._meta.ordering or ()), "pk"],
            ids,
        ),
    )


def _register_row(values, look: _RegisterLookups) -> list:
    """One register row from a tuple of _REGISTER_COLUMNS."""
    (
        pk,
        township,
        number,
        kind,
        title,
        category,
        lead_id,
        lead_name,
        by_presidium,
        submitted_on,
        state,
        lead_unit,
        leader,
        assigned_on,
        deadline,
        replied_on,
        outcome,
        rating,
        round_,
        is_key,
        replied_on_time,
        met_in_person,
        closed_on,
    ) = values
    return [
        township,
        number,
        look.kinds.get(kind, kind),
        title,
        category or "",
        lead_name if lead_id else (look.presidium if by_presidium else ""),
        "、".join(look.co_signers.get(pk, ())),
        submitted_on,
        look.states.get(state, state),
        lead_unit or "",
        "、".join(look.assisting.get(pk, ())),
        leader,
        assigned_on,
        deadline,
        replied_on,
        look.outcomes.get(outcome, outcome) if outcome else "",
        look.ratings.get(rating, rating) if rating else "",
        round_,
        state in look.open_states and deadline is not None and deadline < look.today,
        is_key,
        replied_on_time,
        met_in_person,
        closed_on,
    ]


def proposal_register_rows(*, qs):
    """Rows of the .xlsx register (plain data): three queries whatever the number of rows (the
    proposals, streamed; their co-signers; their assisting units). Plain values, not model
    instances, and choice labels looked up once: a county's year is thousands of rows."""
    qs = proposal_register_page_qs(qs)
    look = _register_lookups(qs.order_by().values("pk"))
    for values in qs.values_list(*_REGISTER_COLUMNS).iterator(chunk_size=2000):
        yield _register_row(values, look)


def proposal_detail(*, user, pk, prefetch=True):
    """The proposal `user` may see (Proposal.DoesNotExist otherwise); without `prefetch`, its
    co-signers, assisting units and attachments are read when asked for."""
    qs = (
        access_for(user)
        .scope(Proposal)
        .select_related("township", "term", "category", "lead_deputy", "lead_unit")
    )
    if prefetch:
        qs = qs.prefetch_related("co_signers", "assisting_units", "attachments")
    return qs.get(pk=pk)


def proposal_timeline(*, proposal):
    return list(proposal.events.select_related("by").order_by("at", "pk"))


# ---------------------------------------------------------------- document data


def proposal_assignment_data(*, proposal) -> AssignmentSheetData:
    """The 交办单 of one proposal."""
    p = proposal
    return AssignmentSheetData(
        township=p.township.name,
        number=p.number,
        kind=str(p.get_kind_display()),
        title=p.title,
        content=p.content,
        category=p.category.name if p.category else "",
        lead_deputy=p.lead_deputy.name if p.lead_deputy else "",
        co_signers=[d.name for d in p.co_signers.all()],
        by_presidium=p.by_presidium,
        is_key=p.is_key,
        supervising_leader=p.supervising_leader,
        lead_unit=p.lead_unit.name if p.lead_unit else "",
        assisting_units=[u.name for u in p.assisting_units.all()],
        responsible_leader=p.responsible_leader,
        assigned_on=p.assigned_on,
        deadline=p.deadline,
        round=p.round,
        submitted_on=p.submitted_on,
    )


def proposal_report_data(*, township, year: int, today=None, dated=None) -> HandlingReportData:
    """The year's handling report (办理情况报告) of a township, every figure as of the same cutoff
    (31 December for a past year, today for the current one), its lists the very items its counts
    count: `open_items` are the `total - closed` items not closed at the cutoff, `overdue` of them
    marked; `unassigned` are the members with no lead unit (the units' table holds the rest).
    `date` is the 成文日期: `dated`, else today for the current year; a past year's report stays
    undated (None) until a date is chosen, as the work report."""
    today = today or timezone.localdate()
    qs = Proposal.objects.filter(township=township)
    stats = proposal_stats(qs=qs, year=year, today=today)
    kinds = dict(
        qs.filter(year=year)
        .exclude(state=S.NOT_ACCEPTED)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    members = qs.filter(proposal_year_q(year))
    outcomes, rehandled, open_items = _report_outcomes_and_open_items(members, year=year, today=today)
    kind_order = list(Proposal.Kind.values)
    units_total = proposal_stats(qs=qs.filter(lead_unit__isnull=False), year=year, today=today)
    return HandlingReportData(
        township=township.name,
        year=year,
        cutoff=proposal_cutoff(year, today),
        cutoff_is_past=proposal_cutoff_is_past(year, today),
        date=dated or (today if year >= today.year else None),
        stats=stats,
        kinds={
            str(Proposal.Kind(k).label): kinds[k] for k in sorted(kinds, key=kind_order.index) if kinds[k]
        },
        key_count=members.filter(is_key=True).count(),
        outcomes=outcomes,
        unclassified=stats["replied"] - sum(outcomes.values()),
        rehandled=rehandled,
        unassigned=members.filter(lead_unit__isnull=True).count(),
        by_category=[
            CategoryLine(name=r["name"], total=r["total"], closed=r["closed"])
            for r in proposal_stats_by_category(qs=qs, year=year, today=today)
        ],
        units=[
            UnitLine(
                name=r["name"],
                total=r["total"],
                on_time_rate=r["on_time_rate"],
                satisfied_rate=r["satisfied_rate"],
            )
            for r in proposal_unit_ranking(qs=qs, year=year, today=today)
        ],
        units_total=UnitLine(
            name="",
            total=units_total["total"],
            on_time_rate=units_total["on_time_rate"],
            satisfied_rate=units_total["satisfied_rate"],
        ),
        open_items=open_items,
    )


def _report_outcomes_and_open_items(members, *, year, today) -> tuple[dict[str, int], int, list[OpenItem]]:
    """The replies by outcome class, the items handled a second time, and the items not closed
    at the cutoff (deadline order, overdue marked). A past year is read as it stood on 31
    December: a reply, an evaluation or a second round after it does not count."""
    asof = proposal_asof_q(year=year, today=today)
    overdue = Case(When(asof["overdue"], then=Value(True)), default=Value(False))
    if proposal_cutoff_is_past(year, today):
        parts = _asof_parts(proposal_cutoff(year, today))
        outcome_rows = (
            members.annotate(asof_outcome=parts["outcome"])
            .filter(asof["replied"])
            .exclude(asof_outcome="")
            .order_by()
            .values_list("asof_outcome")
        )
        rehandled = members.filter(parts["rehandled"]).count()
        open_rows: Any = (
            members.exclude(asof["closed"])
            .annotate(asof_state=parts["state"], asof_deadline=parts["deadline"], asof_overdue=overdue)
            .order_by("asof_deadline", "pk")
            .values_list("number", "title", "lead_unit__name", "asof_state", "asof_deadline", "asof_overdue")
        )
    else:
        outcome_rows = members.filter(asof["replied"]).exclude(outcome="").order_by().values_list("outcome")
        rehandled = members.filter(round=2).count()
        open_rows = (
            members.exclude(asof["closed"])
            .annotate(asof_overdue=overdue)
            .order_by("deadline", "pk")
            .values_list("number", "title", "lead_unit__name", "state", "deadline", "asof_overdue")
        )
    outcomes = dict(outcome_rows.annotate(n=Count("pk")))
    open_items = [
        OpenItem(
            number=n,
            title=t,
            unit=u or "",
            state=str(Proposal.State(s).label) if s else "",
            deadline=d,
            overdue=bool(o),
        )
        for n, t, u, s, d, o in open_rows
    ]
    return outcomes, rehandled, open_items


def proposal_list_for_session(*, user, session):
    """Motions and suggestions submitted at a congress session (motions first)."""
    return (
        access_for(user)
        .scope(Proposal)
        .filter(
            Q(session=session)
            | Q(
                session__isnull=True,
                township_id=session.township_id,
                term_id=session.term_id,
                during_session=True,
                session_number=session.number,
            )
        )
        .select_related("lead_deputy", "lead_unit")
        .order_by("kind", "serial")
    )


def proposal_list_for_activity(*, user, activity):
    """Suggestions adopted from an activity (a voter reception, an inspection …)."""
    return access_for(user).scope(Proposal).filter(source_activity=activity).order_by("serial")


# ---------------------------------------------------------------- the public page


PUBLIC_FIELDS = (
    "pk",
    "township_id",
    "year",
    "number",
    "kind",
    "title",
    "state",
    "deadline",
    "replied_on",
    "rating",
    "closed_on",
    "by_presidium",
    "category__name",
    "lead_deputy__name",
    "lead_unit__name",
)


def proposal_public_rows(*, townships, year, offset=0, limit=None, today=None) -> list[dict]:
    """The rows of the public page: the year's members (received in it or carried over), never
    an item marked not for publication, and only the published columns (values(), so no other
    field is ever loaded). One query."""
    qs = (
        Proposal.objects.filter(township__in=townships, not_for_publication=False)
        .filter(proposal_year_q(year))
        .order_by("township__display_order", "township__code", "year", "number_scope", "serial")
        .values(*PUBLIC_FIELDS)
    )
    rows = list(qs[offset : offset + limit] if limit else qs)
    kinds = dict(Proposal.Kind.choices)
    states = dict(Proposal.State.choices)
    ratings = dict(Proposal.Rating.choices)
    today = today or timezone.localdate()
    for r in rows:
        r["overdue"] = (
            r["state"] in Proposal.OPEN_HANDLING_STATES
            and r["deadline"] is not None
            and r["deadline"] < today
        )
        r["kind_label"] = kinds.get(r["kind"], "")
        r["state_label"] = states.get(r["state"], "")
        r["rating_label"] = ratings.get(r["rating"], "")
        r["carried_over"] = r["year"] < year
    return rows


def proposal_public_count(*, townships, year) -> int:
    return (
        Proposal.objects.filter(township__in=townships, not_for_publication=False)
        .filter(proposal_year_q(year))
        .count()
    )


def proposal_public_stats(*, townships, year, today=None) -> dict:
    """The year's official figures over every member (published or not) plus how many members
    are not published, in one query."""
    qs = Proposal.objects.filter(township__in=townships).filter(
        proposal_year_q(year) | Q(year=year, state=S.NOT_ACCEPTED)
    )
    aggregates = _aggregates(year=year, today=today)
    aggregates["unpublished"] = Count("pk", filter=~Q(state=S.NOT_ACCEPTED) & Q(not_for_publication=True))
    return stats_finish(qs.aggregate(**aggregates))


def proposal_public_stats_by_township(*, townships, year, today=None) -> dict:
    """township_id -> figures (as proposal_public_stats), one grouped query."""
    qs = Proposal.objects.filter(township__in=townships).filter(
        proposal_year_q(year) | Q(year=year, state=S.NOT_ACCEPTED)
    )
    aggregates = _aggregates(year=year, today=today)
    aggregates["unpublished"] = Count("pk", filter=~Q(state=S.NOT_ACCEPTED) & Q(not_for_publication=True))
    rows = qs.order_by().values("township_id").annotate(**aggregates)
    return {r["township_id"]: stats_finish(dict(r)) for r in rows}


def proposal_signers_not_serving(*, proposal) -> list[str]:
    """Warnings for a recorded proposal whose lead or co-signer was not a township deputy on the
    day it was submitted (data from before the rule): "某某 在 2026-03-04 不是本镇人大代表"."""
    from deputies.selectors import deputy_not_serving, not_serving_message

    signers = [proposal.lead_deputy, *proposal.co_signers.all()]
    return [
        not_serving_message(deputy=d, on=proposal.submitted_on, township=proposal.township)
        for d in deputy_not_serving(township=proposal.township, deputies=signers, on=proposal.submitted_on)
    ]
