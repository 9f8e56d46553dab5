"""Links from meetings: a suggestion raised at an activity, motions of a session, the deputy archive."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Activity, ActivityParticipation, Session
from proposals.models import Proposal


@pytest.fixture
def reception(township, deputies):
    activity = Activity.objects.create(
        township=township,
        kind=Activity.Kind.RECEPTION,
        start_date=dt.date(2026, 3, 15),
        topic="3月代表接待选民日",
        findings="选民反映村道破损，建议尽快硬化。",
    )
    ActivityParticipation.objects.bulk_create(
        [ActivityParticipation(township=township, activity=activity, deputy=d) for d in deputies[:2]]
    )
    return activity


@pytest.mark.django_db
def test_create_form_is_prefilled_from_an_activity(client_for, secretary, reception, deputies):
    response = client_for(secretary).get(reverse("proposals:create") + f"?activity={reception.pk}")

    form = response.context["form"]
    assert response.status_code == 200
    assert form.initial["source_activity"] == reception.pk
    assert form.initial["origin"] == Proposal.Origin.RECEPTION
    assert "村道破损" in form.initial["content"]


@pytest.mark.django_db
def test_activity_of_another_township_gives_404(client_for, other_secretary, reception):
    response = client_for(other_secretary).get(reverse("proposals:create") + f"?activity={reception.pk}")

    assert response.status_code == 404


@pytest.mark.django_db
def test_proposal_recorded_from_an_activity_keeps_the_link(client_for, secretary, reception, deputies, term):
    session = Session.objects.create(
        township=secretary.township,
        term=term,
        number=3,
        start_date=dt.date(2026, 1, 10),
        end_date=dt.date(2026, 1, 11),
    )
    data = {
        "kind": Proposal.Kind.SUGGESTION,
        "title": "关于硬化村道的建议",
        "content": "村道破损。",
        "lead_deputy": deputies[0].pk,
        "submitted_on": "2026-03-16",
        "origin": Proposal.Origin.RECEPTION,
        "source_activity": reception.pk,
        "session": session.pk,
    }

    response = client_for(secretary).post(reverse("proposals:create"), data)

    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.source_activity == reception
    assert proposal.session == session and proposal.during_session


@pytest.mark.django_db
def test_deputy_archive_lists_the_deputys_proposals(client_for, secretary, make_proposal, deputies):
    proposal = make_proposal()

    response = client_for(secretary).get(
        reverse("deputies:detail", args=[proposal.lead_deputy_id]) + f"?year={proposal.year}"
    )

    assert proposal.title in response.content.decode()


@pytest.mark.django_db
def test_session_page_lists_its_motions_and_activity_page_its_adopted_suggestions(
    client_for, secretary, reception, deputies, term
):
    from proposals import services

    session = Session.objects.create(
        township=secretary.township,
        term=term,
        number=3,
        start_date=dt.date(2026, 1, 10),
        end_date=dt.date(2026, 1, 11),
    )
    in_session = services.proposal_submit(
        township=secretary.township,
        by=secretary,
        kind=Proposal.Kind.SUGGESTION,
        title="会上提出的建议",
        content="内容",
        lead_deputy=deputies[0],
        co_signers=[],
        session=session,
        origin=Proposal.Origin.DEPUTY,
        submitted_on=dt.date(2026, 1, 10),
    )
    adopted = services.proposal_submit(
        township=secretary.township,
        by=secretary,
        kind=Proposal.Kind.SUGGESTION,
        title="接待中反映的问题",
        content="内容",
        lead_deputy=deputies[0],
        co_signers=[],
        source_activity=reception,
        origin=Proposal.Origin.RECEPTION,
        submitted_on=dt.date(2026, 3, 16),
    )
    client = client_for(secretary)

    session_page = client.get(reverse("meetings:session_detail", args=[session.pk])).content.decode()
    activity_page = client.get(reverse("meetings:activity_detail", args=[reception.pk])).content.decode()

    assert in_session.title in session_page and adopted.title not in session_page
    assert adopted.title in activity_page
    assert f"?activity={reception.pk}" in activity_page
