"""Fixtures for proposals: units, a handling-unit user, deputies, and a walker that takes a
proposal through the workflow with the real services."""

import datetime as dt

import pytest

from proposals import services
from proposals.models import HandlingUnit, Proposal
from tests.factories import DeputyFactory, UserFactory


@pytest.fixture
def deputies(township):
    return [DeputyFactory(township=township) for _ in range(6)]


@pytest.fixture
def unit(township):
    return HandlingUnit.objects.create(township=township, name="村镇建设办公室")


@pytest.fixture
def other_unit(township):
    return HandlingUnit.objects.create(township=township, name="财政所")


@pytest.fixture
def unit_user(township, unit):
    user = UserFactory(username="danwei", township=township, role="handling_unit")
    unit.users.add(user)
    return user


@pytest.fixture
def other_unit_user(township, other_unit):
    user = UserFactory(username="danwei2", township=township, role="handling_unit")
    other_unit.users.add(user)
    return user


ORDER = ["submitted", "registered", "assigned", "in_progress", "replied", "evaluated", "closed"]


@pytest.fixture
def make_proposal(township, secretary, deputies, unit):
    """make_proposal(state="replied", submitted_on=..., ...) walks the real services."""

    def make(state="submitted", *, submitted_on=dt.date(2025, 3, 10), title="关于硬化通组道路的建议", **kw):
        p = services.proposal_submit(
            township=township,
            by=secretary,
            kind=kw.pop("kind", Proposal.Kind.SUGGESTION),
            title=title,
            content=kw.pop("content", "东风村三组道路泥泞，群众出行困难。"),
            lead_deputy=kw.pop("lead_deputy", deputies[0]),
            submitted_on=submitted_on,
        )
        if state == "not_accepted":
            return services.proposal_reject(proposal=p, by=secretary, reason="不属于人大代表建议范围")
        target = ORDER.index(state)
        day = submitted_on
        if target >= 1:
            p = services.proposal_register(proposal=p, by=secretary, registered_on=day)
        if target >= 2:
            p = services.proposal_assign(
                proposal=p,
                by=secretary,
                lead_unit=kw.pop("lead_unit", unit),
                assigned_on=kw.pop("assigned_on", day),
                deadline=kw.pop("deadline", None),
            )
        if target >= 3:
            p = services.proposal_start(proposal=p, by=secretary)
        if target >= 4:
            p = services.proposal_reply(
                proposal=p,
                by=secretary,
                text="已安排资金硬化道路。",
                outcome=kw.pop("outcome", "A"),
                met_in_person=kw.pop("met", True),
                replied_on=kw.pop("replied_on", p.assigned_on + dt.timedelta(days=30)),
            )
        if target >= 5:
            p = services.proposal_evaluate(
                proposal=p,
                by=secretary,
                rating=kw.pop("rating", "satisfied"),
                evaluated_on=kw.pop("evaluated_on", p.replied_on + dt.timedelta(days=5)),
            )
        if target >= 6:
            p = services.proposal_close(
                proposal=p, by=secretary, closed_on=kw.pop("closed_on", p.evaluated_on + dt.timedelta(days=1))
            )
        return p

    return make
