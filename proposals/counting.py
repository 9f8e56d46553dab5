"""How a year's proposals are counted (the definitions are in proposals.selectors' docstring):
the year's cutoff, year membership, the state as of a past cutoff read from the dated history,
and the aggregate counts. Shared by the selectors (live figures) and proposals.summaries (the
stored figures the services keep)."""

import datetime as dt

from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, In, LessThan
from django.utils import timezone

from .models import Proposal, ProposalEvaluation, ProposalEvent, ProposalReply

S = Proposal.State


def proposal_cutoff(year: int | None, today: dt.date | None = None) -> dt.date:
    """The day a year's figures are counted to: 31 December, or today in the current year."""
    today = today or timezone.localdate()
    if year is None:
        return today
    return min(dt.date(year, 12, 31), today)


def proposal_cutoff_is_past(year: int | None, today: dt.date | None = None) -> bool:
    """True when the year is over: its figures are fixed as of 31 December."""
    today = today or timezone.localdate()
    return year is not None and dt.date(year, 12, 31) < today


def _asof_parts(end: dt.date):
    """Expressions over a proposal row (`pk`, `deadline`) giving its state as of `end`, read from
    the dated history: the latest recorded step dated on or before `end` that was not undone;
    the latest reply and the latest evaluation dated on or before `end`; and the deadline of
    the handling round running then."""
    steps = (
        ProposalEvent.objects.filter(proposal=OuterRef("pk"), effective_on__lte=end, undone_at__isnull=True)
        .exclude(action="undo")
        .order_by("-pk")
    )
    replies = ProposalReply.objects.filter(proposal=OuterRef("pk"), replied_on__lte=end).order_by("-round")
    evaluations = ProposalEvaluation.objects.filter(proposal=OuterRef("pk"), evaluated_on__lte=end).order_by(
        "-round"
    )
    second_round_started = ProposalEvaluation.objects.filter(
        proposal=OuterRef("pk"), round=1, rating=Proposal.Rating.DISSATISFIED, evaluated_on__lte=end
    )
    first_reply = ProposalReply.objects.filter(proposal=OuterRef("pk"), round=1)
    deadline = Case(
        When(Exists(second_round_started), then=F("deadline")),
        default=Coalesce(Subquery(first_reply.values("deadline")[:1]), F("deadline")),
    )
    # A row entered without its history (no steps, replies or evaluations recorded) counts by
    # its own fields.
    any_step = ProposalEvent.objects.filter(proposal=OuterRef("pk"))
    any_reply = ProposalReply.objects.filter(proposal=OuterRef("pk"))
    any_evaluation = ProposalEvaluation.objects.filter(proposal=OuterRef("pk"))
    return {
        "state": Coalesce(
            Subquery(steps.values("to_state")[:1]),
            Case(When(Exists(any_step), then=Value(None)), default=F("state")),
        ),
        "replied": Q(Exists(replies)) | (~Q(Exists(any_reply)) & Q(replied_on__lte=end)),
        "on_time": Exact(
            Coalesce(Subquery(replies.values("on_time")[:1]), F("replied_on_time")), Value(True)
        ),
        "met": Exact(
            Coalesce(Subquery(replies.values("met_in_person")[:1]), F("met_in_person")), Value(True)
        ),
        "outcome": Coalesce(Subquery(replies.values("outcome")[:1]), F("outcome")),
        "evaluated": Q(Exists(evaluations))
        | (~Q(Exists(any_evaluation)) & ~Q(rating="") & Q(evaluated_on__lte=end)),
        "rating": Coalesce(Subquery(evaluations.values("rating")[:1]), F("rating")),
        "rehandled": Q(Exists(second_round_started)) | (~Q(Exists(any_evaluation)) & Q(round=2)),
        "deadline": deadline,
    }


def proposal_year_q(year: int, prefix: str = "") -> Q:
    """Q for membership of year `year` (received in it, or carried over into it)."""
    p = prefix
    jan1 = dt.date(year, 1, 1)
    return ~Q(**{f"{p}state": S.NOT_ACCEPTED}) & (
        Q(**{f"{p}year": year})
        | Q(**{f"{p}year__lt": year})
        & (Q(**{f"{p}closed_on__isnull": True}) | Q(**{f"{p}closed_on__gte": jan1}))
    )


def _aggregates(*, year=None, today=None):
    """The counts of the module docstring. With a year, the queryset must already be restricted
    to that year's items and its not-accepted ones (`proposal_year_q(year) | Q(year=year, state=NOT_ACCEPTED)`): then an item is a member
    exactly when it is not refused, which spares PostgreSQL re-testing the year condition in
    every one of the filters (a third of the time at city scale).

    The current year (and no year) counts from the proposals' own fields, which hold the latest
    state; a past year counts from the dated history as of its 31 December (`_asof_parts`)."""
    today = today or timezone.localdate()
    member = ~Q(state=S.NOT_ACCEPTED)
    if year is None:
        end = today
        received = member
        carried = Q(year__lt=0)
        not_accepted = Q(state=S.NOT_ACCEPTED)
    else:
        end = proposal_cutoff(year, today)
        received = member & Q(year=year)
        carried = member & Q(year__lt=year)
        not_accepted = Q(state=S.NOT_ACCEPTED, year=year)
    closed = member & Q(state=S.CLOSED, closed_on__lte=end)
    if proposal_cutoff_is_past(year, today):
        parts = _asof_parts(end)
        replied = member & parts["replied"]
        on_time = replied & Q(parts["on_time"])
        met = replied & Q(parts["met"])
        evaluated = member & parts["evaluated"]
        satisfied = evaluated & Q(In(parts["rating"], [Proposal.Rating.SATISFIED, Proposal.Rating.BASICALLY]))
        overdue = (
            member
            & Q(In(parts["state"], list(Proposal.OPEN_HANDLING_STATES)))
            & Q(LessThan(parts["deadline"], Value(end + dt.timedelta(days=1))))
        )
    else:
        replied = member & Q(replied_on__isnull=False, replied_on__lte=end)
        on_time = replied & Q(replied_on_time=True)
        met = replied & Q(met_in_person=True)
        evaluated = member & ~Q(rating="") & Q(evaluated_on__lte=end)
        satisfied = evaluated & Q(rating__in=[Proposal.Rating.SATISFIED, Proposal.Rating.BASICALLY])
        overdue = member & Q(state__in=Proposal.OPEN_HANDLING_STATES, deadline__lt=today)
    return {
        "received": Count("pk", filter=received),
        "carried_over": Count("pk", filter=carried),
        "not_accepted": Count("pk", filter=not_accepted),
        "closed": Count("pk", filter=closed),
        "received_closed": Count("pk", filter=closed & received),
        "carried_closed": Count("pk", filter=closed & carried),
        # closed means every reply is in, so the latest reply's own on-time flag is the one
        "closed_on_time": Count("pk", filter=closed & received & Q(replied_on_time=True)),
        "replied": Count("pk", filter=replied),
        "on_time": Count("pk", filter=on_time),
        "met": Count("pk", filter=met),
        "evaluated": Count("pk", filter=evaluated),
        "satisfied": Count("pk", filter=satisfied),
        "overdue": Count("pk", filter=overdue),
    }


def proposal_count_keys() -> tuple:
    """The names of the counts every figures row carries (the rates are computed from them)."""
    return tuple(_aggregates(year=None))


def _rate(num, den):
    return round(100.0 * num / den, 1) if den else None


def stats_finish(row: dict) -> dict:
    """Add total and the four rates to a row of counts."""
    row = dict(row)
    row["total"] = row["received"] + row["carried_over"]
    row["closed_rate"] = _rate(row["received_closed"], row["received"])
    row["closed_on_time_rate"] = _rate(row["closed_on_time"], row["received"])
    row["carried_closed_rate"] = _rate(row["carried_closed"], row["carried_over"])
    row["on_time_rate"] = _rate(row["on_time"], row["replied"])
    row["met_rate"] = _rate(row["met"], row["replied"])
    row["satisfied_rate"] = _rate(row["satisfied"], row["evaluated"])
    return row
