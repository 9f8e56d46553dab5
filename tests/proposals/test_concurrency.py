"""Two people acting at once on the same proposal: exactly one succeeds."""

import threading

import pytest
from django.db import connection

from proposals import services
from proposals.models import Proposal, ProposalEvent
from renda.core.exceptions import ApplicationError


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("action", ["register", "close"])
def test_concurrent_double_transition_is_refused(action, make_proposal, secretary, chair):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    p = make_proposal("submitted" if action == "register" else "evaluated")
    before = ProposalEvent.objects.filter(proposal=p).count()
    barrier = threading.Barrier(2)
    results = []

    def act(user):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            if action == "register":
                services.proposal_register(proposal=p, by=user)
            else:
                services.proposal_close(proposal=p, by=user)
            results.append("ok")
        except ApplicationError as exc:
            results.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u,)) for u in (secretary, chair)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results, key=lambda r: r != "ok")[0] == "ok"
    assert results.count("ok") == 1, results
    assert ProposalEvent.objects.filter(proposal=p).count() == before + 1
    assert Proposal.objects.get(pk=p.pk).state == ("registered" if action == "register" else "closed")
