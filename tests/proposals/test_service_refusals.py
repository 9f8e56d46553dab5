"""The proposal services ask the access policy first (authorize): recording, correcting,
settings, units, publication and undo refuse a county reviewer, another township's secretary
and a handling unit with the one refusal, and nothing is written. (Every workflow step per state
and role is walked by test_workflow's transition matrix.)"""

import pytest
from django.utils import translation

from proposals import services
from proposals.models import HandlingUnit, Proposal, ProposalCategory, ProposalEvent, ProposalSettings
from renda.core.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(township, deputies, make_proposal):
    return {"township": township, "deputies": deputies, "proposal": make_proposal("submitted")}


CALLS = {
    "proposal_submit": lambda w, by: services.proposal_submit(
        township=w["township"],
        by=by,
        kind="suggestion",
        title="标题",
        content="内容",
        lead_deputy=w["deputies"][1],
    ),
    "proposal_update": lambda w, by: services.proposal_update(proposal=w["proposal"], title="改", by=by),
    "proposal_settings_update": lambda w, by: services.proposal_settings_update(
        township=w["township"], deadline_amount=2, deadline_unit="months", categories=["城建"], by=by
    ),
    "handling_unit_save": lambda w, by: services.handling_unit_save(
        township=w["township"], name="新单位", by=by
    ),
    "proposal_publication_set": lambda w, by: services.proposal_publication_set(
        proposal=w["proposal"], publish=False, by=by
    ),
    "proposal_undo_last_step": lambda w, by: services.proposal_undo_last_step(
        proposal=w["proposal"], reason="误录", by=by
    ),
    "proposal_register": lambda w, by: services.proposal_register(proposal=w["proposal"], by=by),
}


def _snapshot():
    return (
        list(Proposal.all_objects.order_by("pk").values_list("pk", "title", "state", "not_for_publication")),
        ProposalEvent.objects.count(),
        list(ProposalSettings.objects.values_list("deadline_amount", "deadline_unit")),
        ProposalCategory.objects.count(),
        HandlingUnit.objects.count(),
    )


@pytest.fixture(params=["reviewer", "other_secretary", "unit_user"])
def outsider(request):
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_outsiders_are_refused_and_nothing_is_written(world, outsider, call):
    before = _snapshot()
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as exc:
        call(world, outsider)
    assert exc.value.message == "您无权进行此项操作。"
    assert _snapshot() == before


def test_only_the_chair_undoes_a_step(world, secretary, chair):
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as exc:
        CALLS["proposal_undo_last_step"](world, secretary)
    assert exc.value.message == "您无权进行此项操作。"
    services.proposal_register(proposal=world["proposal"], by=secretary)
    assert (
        services.proposal_undo_last_step(proposal=world["proposal"], reason="误录", by=chair).state
        == "submitted"
    )
