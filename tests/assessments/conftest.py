"""Hand-made records for scoring: sessions with attendance, activities, proposals."""

import datetime as dt
import itertools

import pytest

from tests.factories import DeputyFactory

YEAR = 2025
_serial = itertools.count(1)


@pytest.fixture
def make():
    from meetings.models import (
        Activity,
        ActivityParticipation,
        FloorSpeech,
        PresidiumAttendance,
        PresidiumMeeting,
        Session,
        SessionAttendance,
    )
    from proposals.models import Proposal

    class Make:
        def deputy(self, township, **kw):
            return DeputyFactory(township=township, **kw)

        def session(self, township, attendance, *, day=dt.date(YEAR, 1, 10), speeches=()):
            term = township.terms.get()
            s = Session.objects.create(
                township=township, term=term, number=next(_serial), start_date=day, end_date=day
            )
            SessionAttendance.objects.bulk_create(
                [
                    SessionAttendance(township=township, session=s, deputy=d, status=st)
                    for d, st in attendance.items()
                ]
            )
            for d in speeches:
                FloorSpeech.objects.create(township=township, session=s, deputy=d, topic="审议政府工作报告")
            return s

        def presidium(self, township, attendance, *, day=dt.date(YEAR, 3, 1)):
            term = township.terms.get()
            m = PresidiumMeeting.objects.create(
                township=township, term=term, number=next(_serial), date=day, quarter=(day.month - 1) // 3 + 1
            )
            for d, st in attendance.items():
                PresidiumAttendance.objects.create(township=township, meeting=m, deputy=d, status=st)
            return m

        def activity(
            self, township, kind, deputies, *, day=dt.date(YEAR, 5, 1), role="participant", group=None, **kw
        ):
            a = Activity.objects.create(
                township=township, kind=kind, start_date=day, topic=f"{kind}活动", group=group, **kw
            )
            for d in deputies:
                ActivityParticipation.objects.create(township=township, activity=a, deputy=d, role=role)
            return a

        def proposal(self, township, lead, *, co_signers=(), year=YEAR, state="submitted"):
            n = next(_serial)
            p = Proposal.objects.create(
                township=township,
                term=township.terms.get(),
                year=year,
                number_scope=f"recess-{year}",
                serial=n,
                number=f"{year}-{n}",
                title=f"关于第{n}件事的建议",
                content="内容",
                lead_deputy=lead,
                submitted_on=dt.date(year, 4, 1),
                state=state,
            )
            p.co_signers.set(co_signers)
            return p

    return Make()
