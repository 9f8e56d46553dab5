"""PostgreSQL restarts while the app runs: requests fail cleanly during the restart (a Chinese
error page, no traceback, no hang) and succeed after it; a workflow transition cut off by the
restart leaves nothing half-written."""

import time

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from tests.factories import DeputyFactory, TermFactory, TownshipFactory, UserFactory
from tests.faults.conftest import HttpSession

pytestmark = [pytest.mark.slow]


def _session_cookie(user):
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def test_requests_fail_cleanly_during_a_restart_and_succeed_after(postgres_cluster, start_app_server):
    # given the app running under gunicorn with a logged-in secretary
    township = TownshipFactory(name="红旗镇", code="hongqi")
    TermFactory(township=township)
    secretary = UserFactory(username="sec-pg", township=township, role="township_secretary")
    server = start_app_server(workers=2)
    http = HttpSession(server.base, _session_cookie(secretary))
    status, body = http.get("/")
    assert status == 200, body[:500]
    assert "红旗镇" in body

    # when PostgreSQL goes away
    postgres_cluster.stop()
    try:
        for _ in range(4):  # both workers, each holding a persistent connection
            started = time.monotonic()
            status, body = http.get("/")
            # then pages fail cleanly and quickly, with our error page and no traceback
            assert status == 500
            assert time.monotonic() - started < 10
            assert "Traceback" not in body and "psycopg2" not in body
            assert "服务器" in body or "错误" in body, body[:500]
        status, body = HttpSession(server.base, {}).get("/healthz")  # as a load balancer asks
        assert status == 503
        assert '"database": "error' in body
    finally:
        postgres_cluster.start()

    # and after the restart every request succeeds again, on both workers
    results = [http.get("/")[0] for _ in range(6)]
    assert results == [200] * 6, server.log()[-3000:]
    assert http.get("/healthz")[0] in (200, 503)  # broker state is not this test's concern
    assert '"database": "ok"' in http.get("/healthz")[1]


def test_transition_cut_off_by_a_restart_leaves_nothing_half_written(
    transactional_db, postgres_cluster, monkeypatch
):
    services = pytest.importorskip("proposals.services", reason="the proposals app has no services yet")
    from proposals.models import Proposal, ProposalEvent

    if not hasattr(services, "proposal_register") or not hasattr(services, "_event"):
        pytest.skip("proposals.services has no proposal_register/_event to cut off")

    # given a submitted suggestion
    township = TownshipFactory(name="红旗镇", code="hongqi")
    TermFactory(township=township)
    secretary = UserFactory(username="sec-pg", township=township, role="township_secretary")
    proposal = services.proposal_submit(
        township=township,
        by=secretary,
        kind=Proposal.Kind.SUGGESTION,
        title="修缮东风村便民桥",
        content="东风村便民桥年久失修，建议列入计划。",
        lead_deputy=DeputyFactory(township=township),
    )
    events_before = ProposalEvent.objects.filter(proposal=proposal).count()

    # when PostgreSQL stops after the state is written but before the history row is
    original_event = services._event

    def stop_then_record(*args, **kwargs):
        postgres_cluster.stop_keep_connection()
        return original_event(*args, **kwargs)

    monkeypatch.setattr(services, "_event", stop_then_record)
    with pytest.raises((OperationalError, InterfaceError)):
        services.proposal_register(proposal=proposal, by=secretary)
    monkeypatch.setattr(services, "_event", original_event)
    postgres_cluster.start()

    # then after the restart the proposal is still submitted, with no new history
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.SUBMITTED
    assert ProposalEvent.objects.filter(proposal=proposal).count() == events_before

    # and the transition works once the database is back
    services.proposal_register(proposal=proposal, by=secretary)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REGISTERED
    assert connection.is_usable()
