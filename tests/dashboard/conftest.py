"""A hand-made year of records for the dashboard tests (2025, so every quarter is over)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from deputies.models import DeputyGroup, GroupMembership, LiaisonStation, Mandate
from meetings.models import (
    Activity,
    ActivityParticipation,
    AgendaItem,
    Decision,
    FloorSpeech,
    PresidiumMeeting,
    Session,
    SessionAttendance,
    SessionReport,
)
from proposals.models import HandlingUnit, Proposal, ProposalCategory
from tests.factories import DeputyFactory

YEAR = 2025
TODAY = dt.date(2026, 3, 15)
D = dt.date


def make_proposal(township, term, serial, **kw):
    defaults = {
        "township": township,
        "term": term,
        "year": YEAR,
        "number_scope": f"recess-{kw.get('year', YEAR)}",
        "serial": serial,
        "number": f"{kw.get('year', YEAR)}-{serial:03d}",
        "title": f"建议{serial}",
        "content": "内容",
        "submitted_on": D(kw.get("year", YEAR), 2, 1),
    }
    defaults.update(kw)
    return Proposal.objects.create(**defaults)


def activity(township, kind, day, topic="活动", group=None, deputies=()):
    a = Activity.objects.create(township=township, kind=kind, start_date=day, topic=topic, group=group)
    ActivityParticipation.objects.bulk_create(
        [ActivityParticipation(township=township, activity=a, deputy=d) for d in deputies]
    )
    return a


@pytest.fixture
def year_data(township, term):
    """红旗镇 2025: known counts for every dashboard figure."""
    t = township
    deputies = [DeputyFactory(township=t, name=n) for n in ("王一", "李二", "张三", "赵四", "刘五")]
    # 王一 is also a county deputy (counted once in the total); 刘五 is dormant.
    Mandate.objects.create(
        township=t, deputy=deputies[0], level=Mandate.Level.COUNTY, term_number=17, start_date=D(2021, 10, 1)
    )
    wang, li, zhang, zhao, liu = deputies
    # A deputy whose mandate ended in 2024 is not counted in 2025.
    DeputyFactory(township=t, name="钱六", mandate__end_date=D(2024, 5, 1))

    session = Session.objects.create(
        township=t,
        term=term,
        number=4,
        start_date=D(YEAR, 3, 10),
        end_date=D(YEAR, 3, 11),
        place="镇会议中心",
    )
    SessionReport.objects.create(township=t, session=session, kind="government", title="政府工作报告")
    SessionReport.objects.create(township=t, session=session, kind="presidium", title="主席团工作报告")
    for d, status in (
        (wang, "present"),
        (li, "late"),
        (zhang, "present"),
        (zhao, "excused"),
        (liu, "unexcused"),
    ):
        SessionAttendance.objects.create(township=t, session=session, deputy=d, status=status)
    FloorSpeech.objects.create(township=t, session=session, deputy=li, topic="道路建设")

    # Presidium meetings: Q1 1, Q2 2 (one ad hoc), Q3 none, Q4 1.
    meetings = []
    for n, (day, kind) in enumerate(
        (
            (D(YEAR, 2, 20), "regular"),
            (D(YEAR, 5, 8), "regular"),
            (D(YEAR, 6, 2), "ad_hoc"),
            (D(YEAR, 11, 5), "regular"),
        ),
        start=1,
    ):
        m = PresidiumMeeting.objects.create(
            township=t,
            term=term,
            number=n,
            date=day,
            kind=kind,
            quarter=(day.month - 1) // 3 + 1,
            member_count=5,
        )
        AgendaItem.objects.create(township=t, meeting=m, order=1, topic=f"听取议题{n}")
        meetings.append(m)
    Decision.objects.create(
        township=t,
        term=term,
        number=1,
        meeting=meetings[0],
        title="审议意见一",
        text="…",
        responsible_unit="镇政府",
        deadline=D(YEAR, 4, 30),
        status="done",
        completed_on=D(YEAR, 4, 20),
    )
    Decision.objects.create(
        township=t,
        term=term,
        number=2,
        meeting=meetings[1],
        title="审议意见二",
        text="…",
        responsible_unit="农业站",
        deadline=TODAY + dt.timedelta(days=3),
        status="open",
    )

    g1 = DeputyGroup.objects.create(
        township=t, term=term, number=1, name="第一代表小组", activity_room="新城村部", villages="新城村"
    )
    g2 = DeputyGroup.objects.create(
        township=t, term=term, number=2, name="第二代表小组", activity_room="镇政府三楼"
    )
    for g, ds in ((g1, (wang, li)), (g2, (zhang, zhao, liu))):
        for d in ds:
            GroupMembership.objects.create(township=t, group=g, deputy=d, term=term)
    station = LiaisonStation.objects.create(township=t, name="新城代表联络站")
    station.resident_deputies.add(wang, li)

    # Group activities: both groups in Q1, Q2 and Q4; only g1 in Q3.
    for day, g in (
        (D(YEAR, 1, 10), g1),
        (D(YEAR, 2, 10), g2),
        (D(YEAR, 4, 10), g1),
        (D(YEAR, 5, 10), g2),
        (D(YEAR, 6, 10), g2),
        (D(YEAR, 8, 10), g1),
        (D(YEAR, 10, 10), g1),
        (D(YEAR, 11, 10), g2),
    ):
        activity(t, "group", day, group=g, deputies=(wang, li) if g == g1 else (zhang, zhao))
    # Receptions in 11 months (none in July); two in March.
    for month in (1, 2, 3, 3, 4, 5, 6, 8, 9, 10, 11, 12):
        activity(t, "reception", D(YEAR, month, 15), deputies=(wang, li))
    activity(t, "training", D(YEAR, 4, 1), deputies=(wang, li, zhang))
    activity(t, "inspection", D(YEAR, 9, 1), deputies=(zhang,))
    activity(t, "report", D(YEAR, 12, 5), deputies=(wang,))

    unit = HandlingUnit.objects.create(township=t, name="镇农业站")
    cat, _created = ProposalCategory.objects.get_or_create(township=t, name="交通水利")
    # Received in 2025: 4 accepted (+1 not accepted).
    make_proposal(
        t,
        term,
        1,
        state="closed",
        lead_deputy=wang,
        lead_unit=unit,
        category=cat,
        assigned_on=D(YEAR, 2, 5),
        deadline=D(YEAR, 5, 5),
        replied_on=D(YEAR, 4, 1),
        replied_on_time=True,
        met_in_person=True,
        rating="satisfied",
        evaluated_on=D(YEAR, 4, 10),
        closed_on=D(YEAR, 4, 20),
    )
    make_proposal(
        t,
        term,
        2,
        state="closed",
        lead_deputy=li,
        lead_unit=unit,
        assigned_on=D(YEAR, 2, 5),
        deadline=D(YEAR, 5, 5),
        replied_on=D(YEAR, 6, 1),
        replied_on_time=False,
        met_in_person=False,
        rating="dissatisfied",
        evaluated_on=D(YEAR, 6, 10),
        closed_on=D(YEAR, 9, 1),
    )
    make_proposal(
        t,
        term,
        3,
        state="in_progress",
        lead_deputy=zhang,
        lead_unit=unit,
        assigned_on=D(YEAR, 3, 1),
        deadline=D(YEAR, 6, 1),
    )
    p4 = make_proposal(
        t,
        term,
        4,
        state="replied",
        lead_deputy=wang,
        lead_unit=unit,
        category=cat,
        assigned_on=D(YEAR, 9, 1),
        deadline=D(YEAR, 12, 1),
        replied_on=D(YEAR, 11, 1),
        replied_on_time=True,
        met_in_person=True,
    )
    p4.co_signers.add(zhao)
    make_proposal(t, term, 5, state="not_accepted", lead_deputy=zhao, not_accepted_reason="不属于职权范围")
    return SimpleNamespace(
        township=t,
        term=term,
        deputies=deputies,
        groups=(g1, g2),
        session=session,
        meetings=meetings,
        unit=unit,
    )
