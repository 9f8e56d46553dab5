"""Every roster service asks the access policy first (authorize): a county reviewer, another
township's secretary and a handling unit get the same refusal ("You may not do this.") from each
of them, whoever calls (a view, a command, a task), and nothing is written."""

import datetime as dt

import pytest
from django.utils import translation

from deputies import services
from deputies.models import (
    ContactAssignment,
    Deputy,
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    Mandate,
    PresidiumMembership,
)
from renda.core.exceptions import ApplicationError
from renda.core.models import Term
from tests.deputies.factories import make_group
from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(township, term, secretary):
    d, other = DeputyFactory(township=township), DeputyFactory(township=township)
    member = services.presidium_member_add(
        township=township, term=term, deputy=d, role="member", start_date=term.start_date, by=secretary
    )
    station = services.station_save(township=township, name="红旗联络站", by=secretary)
    return {
        "township": township,
        "term": term,
        "deputy": d,
        "other": other,
        "mandate": d.mandates.get(),
        "group": make_group(township, term, 1, members=[d]),
        "station": station,
        "member": member,
    }


CALLS = {
    "deputy_create": lambda w, by: services.deputy_create(
        township=w["township"], name="新人", gender="M", by=by
    ),
    "deputy_update": lambda w, by: services.deputy_update(deputy=w["deputy"], name="改名", by=by),
    "mandate_create": lambda w, by: services.mandate_create(
        deputy=w["deputy"], level="county", term_number=18, start_date=dt.date(2022, 1, 1), by=by
    ),
    "mandate_end": lambda w, by: services.mandate_end(
        mandate=w["mandate"], end_date=w["term"].start_date, end_reason="resigned", note="本人申请", by=by
    ),
    "group_save (new)": lambda w, by: services.group_save(
        township=w["township"], term=w["term"], number=9, name="第9代表小组", by=by
    ),
    "group_save (edit)": lambda w, by: services.group_save(
        township=w["township"], term=w["term"], number=1, name="改名", group=w["group"], by=by
    ),
    "group_set_members": lambda w, by: services.group_set_members(
        group=w["group"], deputies=[w["other"]], by=by
    ),
    "station_save": lambda w, by: services.station_save(township=w["township"], name="新站", by=by),
    "station_set_residents": lambda w, by: services.station_set_residents(
        station=w["station"], deputies=[w["other"]], by=by
    ),
    "presidium_member_add": lambda w, by: services.presidium_member_add(
        township=w["township"],
        term=w["term"],
        deputy=w["other"],
        role="member",
        start_date=w["term"].start_date,
        by=by,
    ),
    "presidium_member_update": lambda w, by: services.presidium_member_update(
        membership=w["member"], role="vice_chair", start_date=w["term"].start_date, end_date=None, by=by
    ),
    "term_change": lambda w, by: services.term_change(
        township=w["township"],
        start_date=w["term"].end_date + dt.timedelta(days=1),
        end_date=w["term"].end_date + dt.timedelta(days=5 * 365),
        reelected=[w["deputy"]],
        by=by,
    ),
    "contact_assignments_set": lambda w, by: services.contact_assignments_set(
        township=w["township"], term=w["term"], member=w["member"], deputies=[w["other"]], by=by
    ),
}
MODELS = [
    Deputy,
    Mandate,
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    PresidiumMembership,
    ContactAssignment,
    Term,
]


def _snapshot():
    rows = {m.__name__: m._default_manager.count() for m in MODELS}
    rows.update({f"{m.__name__} history": m.history.count() for m in MODELS if hasattr(m, "history")})
    return rows


@pytest.fixture(params=["reviewer", "other_secretary", "handling_unit"])
def outsider(request, township):
    if request.param == "handling_unit":
        return UserFactory(username="unit", township=township, role="handling_unit")
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_outsiders_are_refused_and_nothing_is_written(world, outsider, call):
    before = _snapshot()
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as exc:
        call(world, outsider)
    assert exc.value.message == "您无权进行此项操作。"
    assert _snapshot() == before


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_the_townships_secretary_may(world, secretary, call):
    call(world, secretary)


def test_a_county_admin_records_a_term_change_but_not_the_roster(world, admin_user):
    services.term_change(
        township=world["township"],
        start_date=world["term"].end_date + dt.timedelta(days=1),
        end_date=world["term"].end_date + dt.timedelta(days=5 * 365),
        reelected=[world["deputy"]],
        by=admin_user,
    )
    with pytest.raises(ApplicationError):
        CALLS["deputy_create"](world, admin_user)
