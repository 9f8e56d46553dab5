"""Every transition allowed and refused, per state and per role; bad input changes nothing."""

import datetime as dt

import pytest
from django.db import transaction

from proposals import services, workflow
from proposals.models import Proposal, ProposalEvent
from renda.core.exceptions import ApplicationError

ACTIONS = ["register", "reject", "assign", "start", "reply", "evaluate", "close"]
STATES = [
    "submitted",
    "registered",
    "assigned",
    "in_progress",
    "replied",
    "evaluated",
    "closed",
    "not_accepted",
]


class Rollback(Exception):
    pass


def run(action, p, user, unit):
    day = dt.date(2025, 9, 1)
    if action == "register":
        return services.proposal_register(proposal=p, by=user)
    if action == "reject":
        return services.proposal_reject(proposal=p, by=user, reason="不属于建议范围")
    if action == "assign":
        return services.proposal_assign(proposal=p, by=user, lead_unit=unit, assigned_on=day)
    if action == "start":
        return services.proposal_start(proposal=p, by=user)
    if action == "reply":
        return services.proposal_reply(proposal=p, by=user, text="已办理", outcome="B", replied_on=day)
    if action == "evaluate":
        return services.proposal_evaluate(
            proposal=p, by=user, rating="satisfied", evaluated_on=dt.date(2025, 12, 1)
        )
    if action == "close":
        return services.proposal_close(proposal=p, by=user)
    raise AssertionError(action)


@pytest.mark.parametrize("state", STATES)
def test_transition_matrix(
    state, make_proposal, secretary, chair, unit_user, other_unit_user, other_secretary, reviewer, unit
):
    # given a proposal in `state`, and every kind of actor
    p = make_proposal(state, replied_on=dt.date(2025, 5, 1))
    actors = {
        "secretary": (secretary, workflow.STAFF),
        "chair": (chair, workflow.STAFF),
        "unit_user": (unit_user, workflow.UNIT),
        "other_unit_user": (other_unit_user, None),
        "other_secretary": (other_secretary, None),
        "reviewer": (reviewer, None),
    }
    for action in ACTIONS:
        states, who = workflow.TRANSITIONS[action]
        for name, (user, role) in actors.items():
            expected = state in states and role in who
            events_before = ProposalEvent.objects.filter(proposal=p).count()
            # when the actor tries the action
            if expected:
                with pytest.raises(Rollback), transaction.atomic():
                    result = run(action, p, user, unit)
                    # then it moves on and the step is recorded
                    assert result.state != state, (action, name)
                    assert ProposalEvent.objects.filter(proposal=p).count() == events_before + 1
                    assert ProposalEvent.objects.filter(proposal=p).latest("pk").by == user
                    raise Rollback
                # and it appears as a button for this user
                assert action in workflow.proposal_actions(proposal=p, user=user), (action, name)
            else:
                with pytest.raises(ApplicationError):
                    run(action, p, user, unit)
                # then nothing changed
                fresh = Proposal.objects.get(pk=p.pk)
                assert fresh.state == state, (action, name)
                assert ProposalEvent.objects.filter(proposal=p).count() == events_before
                assert action not in workflow.proposal_actions(proposal=p, user=user), (action, name)


def test_handling_unit_cannot_reply_to_another_units_proposal(make_proposal, other_unit_user):
    p = make_proposal("in_progress")
    with pytest.raises(ApplicationError) as exc:
        services.proposal_reply(proposal=p, by=other_unit_user, text="已办理", outcome="A")
    from django.utils.translation import gettext

    assert exc.value.message == gettext("This proposal is not assigned to your unit.")
    p.refresh_from_db()
    assert p.state == "in_progress" and not p.replies.exists()


def test_lead_unit_user_replies_with_letter(make_proposal, unit_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = make_proposal("in_progress")
    letter = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    p = services.proposal_reply(
        proposal=p,
        by=unit_user,
        text="已硬化道路",
        outcome="A",
        met_in_person=True,
        replied_on=dt.date(2025, 4, 1),
        file=letter,
    )
    reply = p.replies.get()
    assert p.state == "replied" and reply.file.name.endswith(".pdf") and reply.on_time
    assert p.met_in_person and p.replied_on_time


def test_second_handling_after_dissatisfied_then_closes_whatever_the_rating(make_proposal, secretary):
    # given a replied proposal
    p = make_proposal("replied", replied_on=dt.date(2025, 4, 20))
    # when the deputy is dissatisfied
    p = services.proposal_evaluate(
        proposal=p,
        by=secretary,
        rating="dissatisfied",
        comment="道路只修了一半",
        evaluated_on=dt.date(2025, 5, 1),
    )
    # then it goes back to the lead unit for a second round with a new deadline (3 months)
    assert p.state == "assigned" and p.round == 2
    assert p.assigned_on == dt.date(2025, 5, 1) and p.deadline == dt.date(2025, 8, 1)
    assert p.events.filter(action="rehandle").exists()
    # when the unit replies again and the deputy is dissatisfied again
    p = services.proposal_reply(
        proposal=p, by=secretary, text="已全部硬化", outcome="A", replied_on=dt.date(2025, 7, 1)
    )
    p = services.proposal_evaluate(
        proposal=p, by=secretary, rating="dissatisfied", evaluated_on=dt.date(2025, 7, 5)
    )
    # then there is no third round: it is evaluated and can be closed
    assert p.state == "evaluated" and p.round == 2
    p = services.proposal_close(proposal=p, by=secretary, closed_on=dt.date(2025, 7, 6))
    assert p.state == "closed"
    assert list(p.replies.values_list("round", flat=True)) == [1, 2]
    assert list(p.evaluations.values_list("round", "rating")) == [(1, "dissatisfied"), (2, "dissatisfied")]


def test_second_handling_with_a_given_deadline_before_the_evaluation_is_refused(make_proposal, secretary):
    p = make_proposal("replied", replied_on=dt.date(2025, 4, 20))
    with pytest.raises(ApplicationError) as exc:
        services.proposal_evaluate(
            proposal=p,
            by=secretary,
            rating="dissatisfied",
            evaluated_on=dt.date(2025, 5, 1),
            new_deadline=dt.date(2025, 4, 1),
        )
    assert exc.value.field == "deadline"
    p.refresh_from_db()
    assert p.state == "replied" and p.round == 1 and not p.evaluations.exists()


def test_evaluation_by_another_townships_staff_is_refused(make_proposal, other_secretary):
    p = make_proposal("replied")
    with pytest.raises(ApplicationError):
        services.proposal_evaluate(proposal=p, by=other_secretary, rating="satisfied")
    p.refresh_from_db()
    assert p.state == "replied" and p.rating == ""


def test_deadline_before_assignment_is_refused(make_proposal, secretary, unit):
    p = make_proposal("registered")
    with pytest.raises(ApplicationError) as exc:
        services.proposal_assign(
            proposal=p,
            by=secretary,
            lead_unit=unit,
            assigned_on=dt.date(2025, 4, 1),
            deadline=dt.date(2025, 3, 31),
        )
    assert exc.value.field == "deadline"
    p.refresh_from_db()
    assert p.state == "registered" and p.lead_unit is None and p.deadline is None


@pytest.mark.parametrize(
    "title,content,field", [("", "内容", "title"), ("  ", "内容", "title"), ("标题", "", "content")]
)
def test_empty_title_or_content_is_refused(township, secretary, deputies, title, content, field):
    with pytest.raises(ApplicationError) as exc:
        services.proposal_submit(
            township=township,
            by=secretary,
            kind="suggestion",
            title=title,
            content=content,
            lead_deputy=deputies[0],
        )
    assert exc.value.field == field
    assert not Proposal.objects.exists()


def test_motion_with_four_signers_is_refused_five_accepted(township, secretary, deputies):
    kwargs = dict(
        township=township,
        by=secretary,
        kind="motion",
        title="关于实施集镇污水管网改造的议案",
        content="集镇污水直排，建议列入议程。",
        during_session=True,
        session_number=4,
        submitted_on=dt.date(2025, 1, 8),
    )
    with pytest.raises(ApplicationError) as exc:
        services.proposal_submit(lead_deputy=deputies[0], co_signers=deputies[1:4], **kwargs)
    assert exc.value.field == "co_signers" and "5" in exc.value.message
    assert not Proposal.objects.exists()
    # the lead deputy counted twice does not make five
    with pytest.raises(ApplicationError):
        services.proposal_submit(lead_deputy=deputies[0], co_signers=deputies[0:4], **kwargs)
    p = services.proposal_submit(lead_deputy=deputies[0], co_signers=deputies[1:5], **kwargs)
    assert p.kind == "motion" and p.co_signers.count() == 4
    assert p.number == "第18届第4次会议 议案第1号" or p.number.endswith("1")
    # the presidium alone may propose a motion
    p2 = services.proposal_submit(by_presidium=True, **kwargs)
    assert p2.serial == 2


def test_motion_not_on_agenda_becomes_a_suggestion_keeping_its_history(township, secretary, chair, deputies):
    p = services.proposal_submit(
        township=township,
        by=secretary,
        kind="motion",
        title="关于建设农贸市场的议案",
        content="建议新建集镇农贸市场。",
        lead_deputy=deputies[0],
        co_signers=deputies[1:5],
        during_session=True,
        session_number=4,
        submitted_on=dt.date(2025, 1, 8),
    )
    # a motion cannot be registered before the presidium decided
    assert "register" not in workflow.proposal_actions(proposal=p, user=secretary)
    with pytest.raises(ApplicationError):
        services.proposal_register(proposal=p, by=secretary)
    p = services.proposal_motion_decide(
        proposal=p, on_agenda=False, by=chair, note="不属于本级人大职权范围的事项较多"
    )
    assert p.kind == "suggestion" and p.converted_from_motion and p.state == "submitted"
    assert list(p.events.values_list("action", flat=True)) == ["submit", "decide_not_on_agenda"]
    # deciding twice is refused
    with pytest.raises(ApplicationError):
        services.proposal_motion_decide(proposal=p, on_agenda=True, by=chair)
    p = services.proposal_register(proposal=p, by=secretary)
    assert p.state == "registered"


def test_numbers_follow_session_and_recess(township, secretary, deputies):
    def submit(**kw):
        return services.proposal_submit(
            township=township,
            by=secretary,
            kind="suggestion",
            title="标题",
            content="内容",
            lead_deputy=deputies[0],
            **kw,
        )

    a = submit(during_session=True, session_number=4, submitted_on=dt.date(2025, 1, 8))
    b = submit(during_session=True, session_number=4, submitted_on=dt.date(2025, 1, 8))
    c = submit(submitted_on=dt.date(2025, 6, 1))
    assert (a.serial, b.serial, c.serial) == (1, 2, 1)
    assert a.number_scope == "18-4" and c.number_scope == "recess-2025"


def test_key_suggestion_needs_supervising_leader(township, secretary, deputies):
    with pytest.raises(ApplicationError) as exc:
        services.proposal_submit(
            township=township,
            by=secretary,
            kind="suggestion",
            title="t",
            content="c",
            lead_deputy=deputies[0],
            is_key=True,
        )
    assert exc.value.field == "supervising_leader"


def test_reviewer_cannot_submit(township, reviewer, deputies):
    with pytest.raises(ApplicationError):
        services.proposal_submit(
            township=township, by=reviewer, kind="suggestion", title="t", content="c", lead_deputy=deputies[0]
        )
