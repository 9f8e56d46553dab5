"""No double effects: a form's submission token makes a second submit show the first result
and write nothing, also when two requests arrive at once (PostgreSQL)."""

import re
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from deputies.models import Deputy
from proposals.models import Proposal, ProposalEvent
from renda.core.models import AuditEvent, SubmissionToken
from tests.factories import DeputyFactory

TOKEN = "submission_token"


def _token_in(html):
    m = re.search(r'name="submission_token" value="([0-9a-f-]{36})"', html)
    return m and m.group(1)


def _suggestion(deputy, token):
    return {
        "kind": "suggestion",
        "title": "关于加装路灯的建议",
        "content": "东风村缺少路灯。",
        "lead_deputy": deputy.pk,
        "submitted_on": "2025-03-01",
        "origin": "deputy",
        TOKEN: token,
    }


def test_every_post_form_carries_a_fresh_token(client_for, secretary):
    c = client_for(secretary)
    first = _token_in(c.get(reverse("proposals:create")).content.decode())
    second = _token_in(c.get(reverse("proposals:create")).content.decode())
    assert first and second and first != second


def test_second_submit_shows_the_first_result_and_writes_nothing(client_for, secretary, township):
    deputy = DeputyFactory(township=township)
    c = client_for(secretary)
    token = str(uuid.uuid4())
    first = c.post(reverse("proposals:create"), _suggestion(deputy, token))
    second = c.post(reverse("proposals:create"), _suggestion(deputy, token))
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert Proposal.objects.count() == 1
    assert SubmissionToken.objects.get(token=token).result_url == first["Location"]
    # a new page (new token) records a new item
    c.post(reverse("proposals:create"), _suggestion(deputy, str(uuid.uuid4())))
    assert Proposal.objects.count() == 2


def test_a_refused_form_keeps_no_token_so_the_corrected_form_goes_through(client_for, secretary, township):
    deputy = DeputyFactory(township=township)
    c = client_for(secretary)
    token = str(uuid.uuid4())
    bad = c.post(reverse("proposals:create"), {**_suggestion(deputy, token), "title": ""})
    assert bad.status_code == 200 and not SubmissionToken.objects.exists()
    assert c.post(reverse("proposals:create"), _suggestion(deputy, token)).status_code == 302
    assert Proposal.objects.count() == 1


def _at_once(n, fn):
    """Run fn(i) in n threads released together; each thread has its own connection."""
    from django.db import connections

    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = fn(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("waiting on a unique index needs PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_create_submits_create_once(client_for, secretary, township):
    _needs_postgres()
    deputy = DeputyFactory(township=township)
    token = str(uuid.uuid4())
    clients = [client_for(secretary) for _ in range(2)]
    results = _at_once(2, lambda i: clients[i].post(reverse("proposals:create"), _suggestion(deputy, token)))
    assert [r.status_code for r in results] == [302, 302]
    assert results[0]["Location"] == results[1]["Location"]
    assert Proposal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_workflow_actions_record_one_step(client_for, secretary, township, term):
    _needs_postgres()
    import datetime as dt

    from proposals import services

    p = services.proposal_submit(
        township=township,
        by=secretary,
        kind="suggestion",
        title="关于加装路灯的建议",
        content="东风村缺少路灯。",
        lead_deputy=DeputyFactory(township=township),
        submitted_on=dt.date(2025, 3, 1),
    )
    before = ProposalEvent.objects.filter(proposal=p).count()
    token = str(uuid.uuid4())
    url = reverse("proposals:action", args=[p.pk, "register"])
    clients = [client_for(secretary) for _ in range(2)]
    results = _at_once(2, lambda i: clients[i].post(url, {"register-note": "", TOKEN: token}))
    assert [r.status_code for r in results] == [302, 302]
    assert ProposalEvent.objects.filter(proposal=p).count() == before + 1
    # no "cannot be done now" error for the second click: it is shown the first result
    assert results[0]["Location"] == results[1]["Location"]


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_import_confirms_import_once(client_for, secretary, township, term):
    _needs_postgres()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.deputies.factories import import_upload, row, xlsx

    c = client_for(secretary)
    preview = import_upload(c, SimpleUploadedFile("名册.xlsx", xlsx([row()])))
    token = preview.context["token"]
    submission = _token_in(preview.content.decode())
    assert submission
    # a second tab of the same browser: same session, same page
    other = client_for(secretary)
    other.cookies = c.cookies
    clients = [c, other]
    results = _at_once(
        2, lambda i: clients[i].post("/deputies/import/confirm/", {"token": token, TOKEN: submission})
    )
    assert [r.status_code for r in results] == [302, 302]
    assert Deputy.objects.filter(township=township).count() == 1
    assert AuditEvent.objects.filter(action="deputies_roster_import").count() == 1
