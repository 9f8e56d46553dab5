"""The assessment's services ask the access policy first (authorize): a county reviewer, another
township's secretary and a handling unit are refused by every one of them, the secretary by the
chair's steps (scheme, sign-off), and nothing is written."""

from decimal import Decimal as D

import pytest
from django.utils import translation

from assessments import services
from assessments.models import Assessment, ScoreAdjustment, ScoringItem, ScoringScheme
from renda.core.exceptions import ApplicationError
from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def world(township, chair):
    deputy = DeputyFactory(township=township)
    services.assessments_compute(townships=[township], year=YEAR)
    scheme = ScoringScheme.objects.get(township=township, year=YEAR)
    assessment = Assessment.objects.get(township=township, year=YEAR)
    return {
        "township": township,
        "deputy": deputy,
        "scheme": scheme,
        "item": scheme.items.order_by("pk").first(),
        "assessment": assessment,
    }


STAFF = {
    "assessment_compute": lambda w, by: services.assessment_compute(township=w["township"], year=YEAR, by=by),
    "score_adjust": lambda w, by: services.score_adjust(
        assessment=w["assessment"],
        deputy=w["deputy"],
        item_key=w["assessment"].items[0]["key"],
        points=D("1"),
        reason="补记",
        by=by,
    ),
}
CHAIR = {
    "scheme_get_or_create": lambda w, by: services.scheme_get_or_create(
        township=w["township"], year=YEAR + 1, by=by
    ),
    "scheme_update": lambda w, by: services.scheme_update(scheme=w["scheme"], notes="改", by=by),
    "scheme_item_save": lambda w, by: services.scheme_item_save(
        scheme=w["scheme"], item=w["item"], name="改", by=by
    ),
    "scheme_item_delete": lambda w, by: services.scheme_item_delete(item=w["item"], by=by),
    "scheme_reset_from_previous": lambda w, by: services.scheme_reset_from_previous(
        scheme=w["scheme"], by=by
    ),
    "scheme_apply_preset": lambda w, by: services.scheme_apply_preset(
        scheme=w["scheme"], preset=next(iter(services.PRESETS)), by=by
    ),
    "assessment_publish": lambda w, by: services.assessment_publish(assessment=w["assessment"], by=by),
    "assessment_unpublish": lambda w, by: services.assessment_unpublish(assessment=w["assessment"], by=by),
    "assessment_lock": lambda w, by: services.assessment_lock(assessment=w["assessment"], by=by),
    "assessment_relock": lambda w, by: services.assessment_relock(assessment=w["assessment"], by=by),
}


def _snapshot():
    return (
        list(ScoringScheme.objects.order_by("pk").values_list("pk", "notes", "updated_at")),
        list(ScoringItem.objects.order_by("pk").values_list("pk", "name")),
        list(Assessment.objects.order_by("pk").values_list("pk", "state", "computed_at")),
        ScoreAdjustment.objects.count(),
    )


def _refused(call, world, by):
    before = _snapshot()
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as exc:
        call(world, by)
    assert exc.value.message == "您无权进行此项操作。"
    assert _snapshot() == before


@pytest.fixture(params=["reviewer", "other_secretary", "handling_unit"])
def outsider(request, township):
    if request.param == "handling_unit":
        return UserFactory(username="unit", township=township, role="handling_unit")
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("call", [*STAFF.values(), *CHAIR.values()], ids=[*STAFF, *CHAIR])
def test_outsiders_are_refused_and_nothing_is_written(world, outsider, call):
    _refused(call, world, outsider)


@pytest.mark.parametrize("call", CHAIR.values(), ids=CHAIR.keys())
def test_the_chairs_steps_refuse_the_secretary(world, secretary, call):
    _refused(call, world, secretary)


def test_the_secretary_computes_and_adjusts(world, secretary):
    STAFF["assessment_compute"](world, secretary)
    assert STAFF["score_adjust"](world, secretary).by == secretary
