import datetime as dt

import pytest

from deputies.models import PresidiumMembership
from tests.factories import DeputyFactory, staff_user


@pytest.fixture
def deputies(township):
    return [DeputyFactory(township=township) for _ in range(12)]


@pytest.fixture
def presidium(township, term, deputies):
    """Nine presidium members: majority of all members = 5."""
    roles = ["chair", "vice_chair"] + ["member"] * 7
    return [
        PresidiumMembership.objects.create(
            township=township, term=term, deputy=d, role=r, start_date=term.start_date
        )
        for d, r in zip(deputies[:9], roles)
    ]


@pytest.fixture
def meeting(township, presidium):
    from meetings.services import presidium_meeting_create

    return presidium_meeting_create(
        by=staff_user(township),
        township=township,
        date=dt.date(2025, 3, 18),
        kind="regular",
        chair=presidium[0].deputy,
        place="会议室",
    )
