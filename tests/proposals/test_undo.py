"""The chair undoes the last workflow step of a proposal, with a reason, recorded as a step."""

import datetime as dt

import pytest
from django.urls import reverse

from proposals import services
from proposals.models import Proposal, ProposalEvaluation, ProposalEvent, ProposalReply
from proposals.selectors import proposal_stats
from renda.core.exceptions import ApplicationError

TODAY = dt.date(2026, 11, 26)


def test_chair_undoes_a_reply_and_it_is_recorded(make_proposal, chair, township):
    p = make_proposal("replied", replied_on=dt.date(2025, 4, 1))
    p = services.proposal_undo_last_step(proposal=p, by=chair, reason="答复录错了提案")
    assert p.state == "in_progress" and p.replied_on is None and p.outcome == ""
    assert not ProposalReply.objects.filter(proposal=p).exists()
    undo = ProposalEvent.objects.filter(proposal=p).order_by("-pk").first()
    assert (undo.action, undo.by, undo.from_state, undo.to_state) == ("undo", chair, "replied", "in_progress")
    assert "答复录错了提案" in undo.note
    assert ProposalEvent.objects.get(proposal=p, action="reply").undone_at is not None
    # the past year's figures no longer count the reply
    s = proposal_stats(qs=Proposal.objects.filter(township=township), year=2025, today=TODAY)
    assert s["replied"] == 0
    # and the unit can reply again
    p = services.proposal_reply(
        proposal=p, by=chair, text="重新答复", outcome="B", replied_on=dt.date(2025, 4, 2)
    )
    assert p.state == "replied"


def test_undo_of_a_second_handling_returns_to_the_first_round(make_proposal, chair, secretary):
    p = make_proposal("replied", assigned_on=dt.date(2025, 3, 10), replied_on=dt.date(2025, 4, 1))
    first_deadline = p.deadline
    p = services.proposal_evaluate(
        proposal=p, by=secretary, rating="dissatisfied", evaluated_on=dt.date(2025, 4, 5)
    )
    assert p.round == 2
    p = services.proposal_undo_last_step(proposal=p, by=chair, reason="代表实际表示满意")
    assert (p.round, p.state, p.rating, p.deadline, p.assigned_on) == (
        1,
        "replied",
        "",
        first_deadline,
        dt.date(2025, 3, 10),
    )
    assert not ProposalEvaluation.objects.filter(proposal=p).exists()
    # undo again takes back the reply before it
    p = services.proposal_undo_last_step(proposal=p, by=chair, reason="再撤一步")
    assert p.state == "in_progress"


@pytest.mark.parametrize("who", ["secretary", "nobody_reason"])
def test_only_the_chair_with_a_reason(make_proposal, chair, secretary, who):
    p = make_proposal("closed")
    with pytest.raises(ApplicationError):
        if who == "secretary":
            services.proposal_undo_last_step(proposal=p, by=secretary, reason="误操作")
        else:
            services.proposal_undo_last_step(proposal=p, by=chair, reason="  ")
    assert Proposal.objects.get(pk=p.pk).state == "closed"


def test_a_submitted_proposal_has_nothing_to_undo(make_proposal, chair):
    p = make_proposal("submitted")
    with pytest.raises(ApplicationError):
        services.proposal_undo_last_step(proposal=p, by=chair, reason="误操作")


def test_undo_through_the_page(make_proposal, chair, secretary, client_for):
    p = make_proposal("closed")
    url = reverse("proposals:undo", args=[p.pk])
    assert client_for(secretary).post(url, {"reason": "误操作"}).status_code == 403
    page = client_for(chair).get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert url in page
    r = client_for(chair).post(url, {"reason": ""})
    assert r.status_code == 302 and Proposal.objects.get(pk=p.pk).state == "closed"
    r = client_for(chair).post(url, {"reason": "办结日期录错"})
    assert r.status_code == 302 and Proposal.objects.get(pk=p.pk).state == "evaluated"
