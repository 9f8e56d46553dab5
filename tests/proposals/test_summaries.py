"""The stored figures (proposals.summaries): after any sequence of workflow steps through the
services, every stored figure equals the figures counted from the raw proposals; a void and a
restore move them; rows past `valid_until` are stale and the beat task writes them again."""

import datetime as dt
import random
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals import services
from proposals.models import HandlingUnit, Proposal, ProposalCategory, ProposalFigures
from proposals.selectors import (
    proposal_filter,
    proposal_state_counts,
    proposal_statistics_data,
    proposal_statistics_figures,
    proposal_stats,
    proposal_stats_by_month,
    proposal_stats_by_township,
    proposal_stats_grouped,
    proposal_year_q,
)
from proposals.summaries import (
    FIGURE_KEYS,
    TOTAL_KEYS,
    figures_counts,
    proposal_figures_compute,
    proposal_figures_rebuild,
    proposal_figures_refresh_due,
    proposal_figures_rows,
    proposal_figures_summed,
    proposal_figures_totals,
    refresh_proposal_figures,
)
from renda.core.exceptions import ApplicationError
from renda.core.services import record_restore, record_void
from tests.factories import DeputyFactory, TermFactory, TownshipFactory, UserFactory

S = Proposal.State
D = ProposalFigures.Dimension


def _stored(township, year):
    rows = ProposalFigures.objects.filter(township=township, year=year)
    return {(r.dimension, r.key): r for r in rows}


def _counts_of(stats):
    return {k: stats[k] for k in FIGURE_KEYS if k != "motions"}


def _python_counts(township, year):
    """The year's main counts worked out in Python from the raw rows (current fields)."""
    rows = list(Proposal.objects.filter(township=township))
    jan1, end = dt.date(year, 1, 1), min(dt.date(year, 12, 31), timezone.localdate())
    members = [
        p
        for p in rows
        if p.state != S.NOT_ACCEPTED
        and (p.year == year or (p.year < year and (not p.closed_on or p.closed_on >= jan1)))
    ]
    closed = [p for p in members if p.state == S.CLOSED and p.closed_on <= end]
    counts = {
        "received": sum(p.year == year for p in members),
        "carried_over": sum(p.year < year for p in members),
        "not_accepted": sum(p.state == S.NOT_ACCEPTED and p.year == year for p in rows),
        "closed": len(closed),
        "received_closed": sum(p.year == year for p in closed),
        "motions": sum(p.year == year and p.kind == Proposal.Kind.MOTION for p in members),
    }
    if year == timezone.localdate().year:  # the current year counts from the current fields
        today = timezone.localdate()
        counts["overdue"] = sum(p.is_open and p.deadline < today for p in members)
        counts["replied"] = sum(bool(p.replied_on) and p.replied_on <= end for p in members)
        counts["evaluated"] = sum(bool(p.rating) and p.evaluated_on <= end for p in members)
        counts["satisfied"] = sum(
            p.rating in ("satisfied", "basically") and p.evaluated_on <= end for p in members
        )
    return counts


def _check_against_raw(township, year):
    stored = _stored(township, year)
    qs = Proposal.objects.filter(township=township)
    # the year's figures: the live aggregate and, independently, Python over the raw rows
    assert _counts_of(proposal_stats(qs=qs, year=year)) == _counts_of(figures_counts(stored[D.ALL, ""]))
    python = _python_counts(township, year)
    assert {k: getattr(stored[D.ALL, ""], k) for k in python} == python
    # per category and per lead unit
    for field, dimension in (("category__name", D.CATEGORY), ("lead_unit", D.UNIT)):
        live = {
            str(r[field] or ""): _counts_of(r) for r in proposal_stats_grouped(qs=qs, year=year, field=field)
        }
        kept = {k: _counts_of(figures_counts(r)) for (dim, k), r in stored.items() if dim == dimension}
        assert kept == live, dimension
    # per month
    months = {
        str(m["month"]): (m["received"], m["closed"]) for m in proposal_stats_by_month(qs=qs, year=year)
    }
    kept_months = {k: (r.received, r.closed) for (dim, k), r in stored.items() if dim == D.MONTH}
    assert kept_months == {k: v for k, v in months.items() if v != (0, 0)}
    # the register's count per state
    year_rows = qs.filter(proposal_year_q(year) | Q(year=year, state=S.NOT_ACCEPTED))
    states = {value: n for value, _label, n in proposal_state_counts(year_rows) if n}
    assert {k: r.items for (dim, k), r in stored.items() if dim == D.STATE} == states
    # received per month and state
    month_state = Counter(
        f"{p.submitted_on.month}:{p.state}" for p in qs if p.year == year and p.submitted_on.year == year
    )
    assert {k: r.items for (dim, k), r in stored.items() if dim == D.MONTH_STATE} == dict(month_state)


def _actors(township):
    secretary = UserFactory(township=township, role="township_secretary")
    chair = UserFactory(township=township, role="township_chair")
    deputies = [DeputyFactory(township=township) for _ in range(3)]
    units = [HandlingUnit.objects.create(township=township, name=f"单位{i}") for i in range(3)]
    categories = list(ProposalCategory.objects.filter(township=township)[:4])
    return {
        "secretary": secretary,
        "chair": chair,
        "deputies": deputies,
        "units": units,
        "categories": categories,
    }


def _later(rng, day, today):
    return min(today, day + dt.timedelta(days=rng.randint(0, 80)))


def _step(rng, p, a, today):
    """One random step the proposal's state allows, through the services."""
    sec = a["secretary"]
    day = max(d for d in (p.submitted_on, p.registered_on, p.assigned_on, p.replied_on, p.evaluated_on) if d)
    if rng.random() < 0.08:
        return services.proposal_undo_last_step(proposal=p, by=a["chair"], reason="录错")
    if p.state == S.SUBMITTED:
        if rng.random() < 0.15:
            return services.proposal_reject(proposal=p, by=sec, reason="不属于建议范围")
        if rng.random() < 0.3:
            services.proposal_update(proposal=p, by=sec, category=rng.choice(a["categories"]))
        return services.proposal_register(proposal=p, by=sec, registered_on=_later(rng, day, today))
    if p.state == S.REGISTERED:
        deadline = rng.choice([None, _later(rng, day, today) + dt.timedelta(days=rng.randint(0, 40))])
        when = _later(rng, day, today)
        return services.proposal_assign(
            proposal=p,
            by=sec,
            lead_unit=rng.choice(a["units"]),
            assigned_on=when,
            deadline=deadline if deadline and deadline >= when else None,
        )
    if p.state == S.ASSIGNED and rng.random() < 0.4:
        return services.proposal_start(proposal=p, by=sec)
    if p.state in (S.ASSIGNED, S.IN_PROGRESS):
        return services.proposal_reply(
            proposal=p,
            by=sec,
            text="已办理。",
            outcome=rng.choice("ABC"),
            met_in_person=rng.random() < 0.5,
            replied_on=_later(rng, day, today),
        )
    if p.state == S.REPLIED:
        rating = rng.choice(["satisfied", "basically", "dissatisfied"])
        return services.proposal_evaluate(
            proposal=p, by=sec, rating=rating, evaluated_on=_later(rng, day, today)
        )
    if p.state == S.EVALUATED:
        return services.proposal_close(proposal=p, by=sec, closed_on=_later(rng, day, today))
    return p


def _submit(rng, township, a, today):
    submitted_on = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, (today - dt.date(2025, 1, 1)).days))
    motion = rng.random() < 0.15
    return services.proposal_submit(
        township=township,
        by=a["secretary"],
        kind=Proposal.Kind.MOTION if motion else Proposal.Kind.SUGGESTION,
        title="关于修路的建议",
        content="道路泥泞。",
        lead_deputy=a["deputies"][0],
        co_signers=a["deputies"][1:] if motion else (),
        by_presidium=motion,
        during_session=motion,
        session_number=1 if motion else None,
        submitted_on=submitted_on,
        category=rng.choice(a["categories"] + [None]),
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_stored_figures_equal_the_raw_rows_after_random_steps(township, other_township, seed):
    # given two townships and proposals taken through random steps by the services
    rng, today = random.Random(seed), timezone.localdate()
    actors = {t.pk: _actors(t) for t in (township, other_township)}
    proposals = []
    for _ in range(14):
        t = rng.choice([township, other_township])
        proposals.append(_submit(rng, t, actors[t.pk], today))
    for _ in range(90):
        p = Proposal.all_objects.get(pk=rng.choice(proposals).pk)
        a = actors[p.township_id]
        try:
            if p.is_voided:
                record_restore(obj=p, by=a["chair"])
            elif rng.random() < 0.05:
                record_void(obj=p, by=a["secretary"], reason="重复录入")
            else:
                _step(rng, p, a, today)
        except ApplicationError:
            pass  # a step the rules refuse (a date out of order …) changes nothing
    # then every stored figure equals the figures counted from the raw rows
    assert Proposal.objects.exclude(state=S.SUBMITTED).exists()
    for t in (township, other_township):
        for year in (2025, today.year):
            _check_against_raw(t, year)


def test_void_and_restore_move_the_stored_figures(make_proposal, township, secretary, chair):
    # given a closed item of 2025 and an open one
    year = 2025
    closed = make_proposal("closed")
    make_proposal("in_progress")
    assert _stored(township, year)[D.ALL, ""].closed == 1
    # when the closed one is voided, it leaves the stored figures
    record_void(obj=closed, by=secretary, reason="重复录入")
    assert _stored(township, year)[D.ALL, ""].closed == 0
    _check_against_raw(township, year)
    # and when it is restored it is back
    record_restore(obj=Proposal.all_objects.get(pk=closed.pk), by=chair)
    assert _stored(township, year)[D.ALL, ""].closed == 1
    _check_against_raw(township, year)


def test_a_deadline_passing_makes_the_row_stale_until_the_beat_task(make_proposal, township):
    # given an item being handled this year with its deadline ten days ahead
    today = timezone.localdate()
    p = make_proposal("in_progress", submitted_on=today, deadline=today + dt.timedelta(days=10))
    row = _stored(township, today.year)[D.ALL, ""]
    assert row.overdue == 0 and row.valid_until == min(
        p.deadline + dt.timedelta(days=1), dt.date(today.year + 1, 1, 1)
    )
    # when the deadline has passed, the stored row no longer holds: a reader counts it live
    later = p.deadline + dt.timedelta(days=1)
    live = [
        r
        for r in proposal_figures_rows(township_ids=[township.pk], year=today.year, today=later)
        if r.dimension == D.ALL
    ]
    assert live[0].overdue == 1 and live[0].pk is None  # computed, not stored
    assert _stored(township, today.year)[D.ALL, ""].overdue == 0  # reading wrote nothing
    # and the daily task writes it again
    assert proposal_figures_refresh_due(today=later) >= 1
    assert _stored(township, today.year)[D.ALL, ""].overdue == 1


def test_a_past_year_holds_for_good_and_a_township_without_items_has_zeros(
    make_proposal, township, other_township
):
    make_proposal("replied")
    assert _stored(township, 2025)[D.ALL, ""].valid_until is None
    refresh_proposal_figures(other_township.pk, 2025)
    assert set(_stored(other_township, 2025)) == {(D.ALL, "")}
    assert figures_counts(_stored(other_township, 2025)[D.ALL, ""]) == dict.fromkeys(FIGURE_KEYS, 0)
    # data older than the stored figures gets them from the daily task's first run
    ProposalFigures.objects.all().delete()
    assert proposal_figures_refresh_due() == len(range(2025, timezone.localdate().year + 1))
    _check_against_raw(township, 2025)
    assert proposal_figures_refresh_due() == 0


# ---------------------------------------------------------------- the pages read them


def _live_statistics(year, township=None):
    qs = Proposal.objects.all() if township is None else Proposal.objects.filter(township=township)
    figures = proposal_statistics_figures(qs=qs, year=year)
    figures["by_month"] = proposal_stats_by_month(qs=qs, year=year)
    return figures


def _same_figures(page, live):
    """The page's figures equal the live ones (rows of equal totals in any order)."""
    assert page["stats"] == live["stats"]
    assert page["by_month"] == live["by_month"]
    for name, key in (("by_township", "township"), ("by_category", "name"), ("ranking", "lead_unit")):
        assert sorted(page[name], key=lambda r, k=key: str(r[k])) == sorted(
            live[name], key=lambda r, k=key: str(r[k])
        )


@pytest.fixture
def county_with_steps(township, other_township):
    rng, today = random.Random(7), timezone.localdate()
    actors = {t.pk: _actors(t) for t in (township, other_township)}
    proposals = [_submit(rng, t, actors[t.pk], today) for t in (township, other_township) * 6]
    for _ in range(50):
        p = Proposal.objects.get(pk=rng.choice(proposals).pk)
        try:
            _step(rng, p, actors[p.township_id], today)
        except ApplicationError:
            pass
    return actors


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statistics_page_shows_the_live_figures(county_with_steps, client_for, reviewer, township, year):
    # a county user, over every township
    r = client_for(reviewer).get(reverse("proposals:statistics") + f"?year={year}")
    assert r.status_code == 200
    page = {k: r.context[k] for k in ("stats", "by_category", "by_township")}
    page["ranking"] = r.context["ranking"]
    received, closed = (s["data"] for s in r.context["month_chart"]["series"])
    page["by_month"] = [
        {"month": m, "received": received[m - 1], "closed": closed[m - 1]} for m in range(1, 13)
    ]
    _same_figures(page, _live_statistics(year))
    # and a township's own secretary
    secretary = county_with_steps[township.pk]["secretary"]
    figures = proposal_statistics_data(user=secretary, township=township, year=year)
    _same_figures(figures, _live_statistics(year, township))


@pytest.mark.parametrize("stale", [False, True])
def test_the_month_chart_sums_equal_the_live_rows(county_with_steps, township, other_township, stale):
    """proposal_figures_summed (the dashboard's month chart): the database's sums of the stored
    rows, and the live rows of a township whose stored ones no longer hold or are missing."""
    today = timezone.localdate()
    ids = [township.pk, other_township.pk]
    if stale:
        ProposalFigures.objects.filter(township=township, year=today.year).update(valid_until=today)
        ProposalFigures.objects.filter(township=other_township, year=today.year).delete()
    for year in (today.year - 1, today.year):
        live = Counter()
        for row in proposal_figures_compute(
            township_ids=ids, year=year, today=today, dimensions=[D.MONTH_STATE]
        ):
            if row.dimension == D.MONTH_STATE:
                live[row.key] += row.items
        assert proposal_figures_summed(township_ids=ids, year=year, dimension=D.MONTH_STATE) == dict(live)


def test_the_register_counts_per_state_are_the_live_ones(county_with_steps, client_for, reviewer, township):
    year = timezone.localdate().year
    r = client_for(reviewer).get(reverse("proposals:list") + f"?year={year}")
    live = proposal_state_counts(proposal_filter(qs=Proposal.objects.all(), filters={"year": year}))
    assert r.context["counts"] == live
    # with another filter the counts are counted live from the rows
    r = client_for(reviewer).get(reverse("proposals:list") + f"?year={year}&kind=motion")
    live = proposal_state_counts(
        proposal_filter(qs=Proposal.objects.all(), filters={"year": year, "kind": "motion"})
    )
    assert r.context["counts"] == live


def test_the_dashboard_figures_read_the_stored_rows(county_with_steps, township, other_township):
    from proposals.figures import proposals_by_month

    year = timezone.localdate().year
    ids = [township.pk, other_township.pk]
    by_town = proposal_stats_by_township(townships=ids, year=year)
    for t in (township, other_township):
        assert by_town[t.pk] == proposal_stats(qs=Proposal.objects.filter(township=t), year=year)
    series = {s.label: s.data for s in proposals_by_month(township_ids=ids, year=year)}
    rows = Proposal.objects.filter(township_id__in=ids, year=year, submitted_on__year=year)
    expected: dict = {}
    for p in rows:
        expected.setdefault(str(S(p.state).label), [0] * 12)[p.submitted_on.month - 1] += 1
    assert series == expected


def test_county_statistics_queries_do_not_grow_with_townships(
    county_with_steps, client_for, reviewer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(reviewer)
    url = reverse("proposals:statistics") + f"?year={timezone.localdate().year}"
    c.get(url)
    with CaptureQueriesContext(connection) as two:
        c.get(url)
    # three more townships with proposals
    rng, today = random.Random(3), timezone.localdate()
    for i in range(3):
        t = TownshipFactory(name=f"新镇{i}", code=f"xin{i}")
        TermFactory(township=t)
        a = _actors(t)
        for _ in range(3):
            p = _submit(rng, t, a, today)
            try:
                _step(rng, p, a, today)
            except ApplicationError:
                pass
    with CaptureQueriesContext(connection) as five:
        c.get(url)
    assert len(five) == len(two)
    # and the figures are read from the stored rows, not aggregated over the proposals
    assert not any('"proposals_proposal"' in q["sql"] and "COUNT(" in q["sql"] for q in five.captured_queries)


def _total_counts(row):
    return {name: getattr(row, name) for name in TOTAL_KEYS}


def _summed_live(township_ids, year, today):
    """The figures of the townships' year computed from the proposals, each dimension's keys
    summed over the townships (the reference for proposal_figures_totals)."""
    townships, keyed = {}, {d: {} for d in (D.CATEGORY, D.UNIT, D.MONTH)}
    rows = proposal_figures_compute(township_ids=township_ids, year=year, today=today)
    for row in rows:
        if row.dimension == D.ALL:
            townships[row.township_id] = _total_counts(row)
        elif row.dimension in keyed:
            total = keyed[row.dimension].setdefault(row.key, Counter())
            total.update(_total_counts(row))
    return townships, {d: {k: dict(v) for k, v in by_key.items()} for d, by_key in keyed.items()}


def test_the_county_totals_sum_stored_stale_and_missing_townships_alike(
    county_with_steps, township, other_township
):
    # given a county whose figures are stored for one township, stale for the second (their
    # stored rows made wrong, to be sure they are not read) and missing for a third
    today, dims = timezone.localdate(), (D.ALL, D.CATEGORY, D.UNIT, D.MONTH)
    third = TownshipFactory(name="新镇", code="xin")
    TermFactory(township=third)
    rng, actors = random.Random(11), _actors(third)
    for _ in range(4):
        _submit(rng, third, actors, today)
    ProposalFigures.objects.filter(township=third).delete()
    ProposalFigures.objects.filter(township=other_township, dimension=D.ALL).update(valid_until=today)
    ProposalFigures.objects.filter(township=other_township).exclude(dimension=D.ALL).update(received=999)
    ids = [township.pk, other_township.pk, third.pk]
    # when they are read summed, then the sums are those of the live figures
    with CaptureQueriesContext(connection) as queries:
        totals = proposal_figures_totals(township_ids=ids, year=today.year, dimensions=dims)
    assert (totals.townships, totals.keyed) == _summed_live(ids, today.year, today)
    assert len(queries) <= 5  # two reads; three to count the other two live
    # and with everything stored, two queries
    proposal_figures_rebuild(township_ids=ids, years=[today.year])
    with CaptureQueriesContext(connection) as queries:
        totals = proposal_figures_totals(township_ids=ids, year=today.year, dimensions=dims)
    assert (totals.townships, totals.keyed) == _summed_live(ids, today.year, today)
    assert len(queries) == 2
