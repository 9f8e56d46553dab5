"""The access policy's handling-unit rules: only the proposals assigned to the unit."""

import pytest

from proposals.models import Proposal
from renda.core.access import access_for

pytestmark = pytest.mark.django_db


def test_handling_unit_sees_only_assigned_proposals(township, make_proposal, unit, other_unit, unit_user):
    mine = make_proposal("assigned")
    assisting = make_proposal("assigned", lead_unit=other_unit)
    assisting.assisting_units.add(unit)
    theirs = make_proposal("assigned", lead_unit=other_unit)
    access = access_for(unit_user)

    assert set(access.scope(Proposal)) == {mine, assisting}
    assert access.can_read(mine) and not access.can_read(theirs) and not access.can_read(township)
    assert access.can_write(mine, "proposals.reply_proposal")
    assert not access.can_write(theirs, "proposals.reply_proposal")
    assert not access.can_write(mine, "proposals.change_proposal")
    assert not access.can_write(township)
