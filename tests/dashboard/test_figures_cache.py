"""The cached county figures (renda/dashboard/figures_cache.py) against the live computation,
after every step of a random sequence of workflow steps through the services: equal every time,
and served from the cache (no query) when nothing was written since."""

import dataclasses
import datetime as dt
import random

import pytest

from meetings import services as meetings_services
from proposals import services as proposal_services
from proposals.models import HandlingUnit, Proposal
from renda.core import records_cache
from renda.dashboard import figures_cache, selectors
from tests.factories import DeputyFactory

YEAR = 2025
TODAY = dt.date(2026, 3, 15)


def _figures(rows):
    out = []
    for row in rows:
        values = {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
        values["township"] = row.township.pk
        out.append(values)
    return out


@pytest.mark.django_db(transaction=True)
def test_cached_figures_equal_the_live_ones_after_random_workflow_steps(
    township, other_township, term, secretary, django_assert_num_queries
):
    rng = random.Random(20)
    unit = HandlingUnit.objects.create(township=township, name="村镇建设办公室")
    deputies = [DeputyFactory(township=township) for _ in range(3)]
    townships = [township, other_township]
    day = dt.date(YEAR, 2, 1)
    sessions = 0

    def submit():
        proposal_services.proposal_submit(
            township=township,
            by=secretary,
            kind=Proposal.Kind.SUGGESTION,
            title=f"建议{rng.randint(1, 10**6)}",
            content="道路泥泞，群众出行困难。",
            lead_deputy=rng.choice(deputies),
            submitted_on=day,
        )

    def advance():
        open_ = list(Proposal.objects.exclude(state__in=["closed", "not_accepted"]).order_by("pk"))
        if not open_:
            return submit()
        p = rng.choice(open_)
        if p.state == "submitted":
            proposal_services.proposal_register(proposal=p, by=secretary, registered_on=day)
        elif p.state == "registered":
            deadline = day + dt.timedelta(days=rng.choice([10, 90, 400]))
            proposal_services.proposal_assign(
                proposal=p, by=secretary, lead_unit=unit, assigned_on=day, deadline=deadline
            )
        elif p.state == "assigned":
            proposal_services.proposal_start(proposal=p, by=secretary)
        elif p.state == "in_progress":
            proposal_services.proposal_reply(
                proposal=p, by=secretary, text="已办理。", outcome="A", replied_on=day
            )
        elif p.state == "replied":
            proposal_services.proposal_evaluate(
                proposal=p, by=secretary, rating=rng.choice(["satisfied", "basically"]), evaluated_on=day
            )
        else:
            proposal_services.proposal_close(proposal=p, by=secretary, closed_on=day)

    def deputy():
        deputies.append(DeputyFactory(township=township))

    def session():
        nonlocal sessions
        sessions += 1
        meetings_services.session_create(
            township=township, number=sessions, start_date=day, end_date=day, by=secretary
        )

    steps = [submit, advance, advance, advance, deputy, session]
    for _ in range(30):
        step = rng.choice(steps)
        if step is not session or sessions < 3:
            step()
        day = min(day + dt.timedelta(days=rng.randint(1, 12)), dt.date(YEAR, 12, 31))
        live = selectors.county_figures(townships=townships, year=YEAR, today=TODAY)
        cached = figures_cache.county_figures(townships=townships, year=YEAR, today=TODAY)
        assert _figures(cached) == _figures(live), step.__name__
        with django_assert_num_queries(0):  # nothing written since: from the cache
            again = figures_cache.county_figures(townships=townships, year=YEAR, today=TODAY)
        assert _figures(again) == _figures(live)
    assert Proposal.objects.filter(state__in=["replied", "evaluated", "closed"]).exists()


def test_only_writes_to_records_invalidate():
    assert records_cache.figures_write('INSERT INTO "proposals_proposal" ("title") VALUES (%s)')
    assert records_cache.figures_write('UPDATE "deputies_deputy" SET "name" = %s')
    assert records_cache.figures_write('DELETE FROM "meetings_session" WHERE id = 1')
    assert records_cache.figures_write('COPY "deputies_mandate" FROM STDIN')
    assert not records_cache.figures_write('SELECT COUNT(*) FROM "proposals_proposal"')
    assert not records_cache.figures_write('UPDATE "django_session" SET "session_data" = %s')
    assert not records_cache.figures_write('UPDATE "core_user" SET "last_login" = %s')
    assert not records_cache.figures_write(
        'UPDATE "core_user" SET "last_login" = %s WHERE "core_user"."id" = %s'
    )
    assert not records_cache.figures_write(
        'UPDATE "core_user" SET "last_login" = NULL WHERE "core_user"."id" = %s'
    )
    # pages are cached per user: any other change to a user, their groups or permissions counts
    assert records_cache.figures_write(
        'UPDATE "core_user" SET "township_id" = %s WHERE "core_user"."id" = %s'
    )
    assert records_cache.figures_write(
        'INSERT INTO "core_user_groups" ("user_id", "group_id") VALUES (%s, %s)'
    )
    assert not records_cache.figures_write('INSERT INTO "core_documentjob" ("kind") VALUES (%s)')
    assert not records_cache.figures_write('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)')


def test_inside_a_transaction_with_its_own_writes_the_figures_are_live(
    township, year_data, django_assert_max_num_queries
):
    """pytest-django runs this test in one transaction that never commits: the figures must
    still see its writes (computed live, not read from a cache of the committed state)."""
    before = figures_cache.county_figures(townships=[township], year=YEAR, today=TODAY)[0]
    DeputyFactory(township=township)
    after = figures_cache.county_figures(townships=[township], year=YEAR, today=TODAY)[0]
    live = selectors.county_figures(townships=[township], year=YEAR, today=TODAY)[0]
    assert _figures([after]) == _figures([live])
    assert before.township.pk == after.township.pk


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_table_is_cached_with_the_figures_and_follows_a_committed_write(
    township, term, reviewer, client_for, monkeypatch
):
    """The county table is rendered once per records generation (records_fragment): the second
    view serves it from the cache without making its cells' links, and a committed write shows
    at once."""
    from django.core.cache import cache

    from renda.dashboard import views

    cache.clear()
    links = []
    real = views._DrillLinks.__getitem__
    monkeypatch.setattr(views._DrillLinks, "__getitem__", lambda self, m: links.append(m) or real(self, m))
    client = client_for(reviewer)
    year = dt.date.today().year
    DeputyFactory(township=township)

    def deputies_cell():
        html = client.get(f"/dashboard/?year={year}").content.decode()
        row = html[html.index(f'<th scope="row" class="nowrap sticky-col">{township.name}</th>') :]
        return row[row.index("<a href=") : row.index("</a>")]

    first = deputies_cell()
    assert first.endswith(">1") and links
    links.clear()
    assert deputies_cell() == first
    assert links == []  # served from the cache
    DeputyFactory(township=township)  # committed (transaction=True): a new generation
    assert deputies_cell().endswith(">2")
    assert links
