"""Voiding a proposal voids its replies, evaluations and attachments; restoring brings them back."""

import pytest

from proposals.models import Proposal, ProposalReply
from renda.core.exceptions import ApplicationError
from renda.core.services import record_restore, record_void


def test_voiding_a_proposal_voids_its_reply_and_restoring_brings_it_back(make_proposal, secretary, chair):
    proposal = make_proposal("replied")
    other = make_proposal("replied", title="关于修缮村小学的建议")
    assert ProposalReply.objects.filter(proposal=proposal).count() == 1

    record_void(obj=proposal, by=secretary, reason="测试数据")

    assert list(Proposal.objects.values_list("pk", flat=True)) == [other.pk]
    assert not ProposalReply.objects.filter(proposal_id=proposal.pk).exists()
    reply = ProposalReply.all_objects.get(proposal_id=proposal.pk)
    assert reply.void_reason == "测试数据"
    with pytest.raises(ApplicationError) as exc:
        record_restore(obj=reply, by=chair)  # the proposal first
    assert "先恢复" in exc.value.message

    record_restore(obj=Proposal.all_objects.get(pk=proposal.pk), by=chair)

    assert ProposalReply.objects.filter(proposal_id=proposal.pk).count() == 1
    assert Proposal.objects.count() == 2


def test_voided_reply_alone_leaves_the_proposal(make_proposal, secretary):
    proposal = make_proposal("replied")
    reply = proposal.replies.get()

    record_void(obj=reply, by=secretary, reason="答复单位录错")

    assert Proposal.objects.filter(pk=proposal.pk).exists()
    assert not proposal.replies.exists()
