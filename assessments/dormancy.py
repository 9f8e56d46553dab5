"""三不代表 ("dormant" deputies): the one definition the assessment and the dashboards share.

A deputy is dormant in a year when they held a township-level mandate at some time in the year
(the deputies a township assesses) and in that year:
- 不开会: attended no congress session (present, late or left early all count as attending);
- 不活动: took part in no deputy activity of any kind, in any role;
- 不发声: made no floor speech and led or co-signed no motion or suggestion (one not accepted
  still counts: the deputy spoke up).
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q

from deputies.models import Mandate
from deputies.selectors import mandate_active_during_q
from meetings.models import ATTENDED, ActivityParticipation, FloorSpeech, SessionAttendance
from proposals.models import Proposal


def dormant_deputies_q(*, year: int) -> Q:
    """Q on Deputy: the deputies who are 三不代表 in `year`."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    serving = Mandate.objects.filter(
        mandate_active_during_q(start=start, end=end), level=Mandate.Level.TOWNSHIP, deputy=OuterRef("pk")
    )
    attended = SessionAttendance.objects.filter(
        deputy=OuterRef("pk"),
        status__in=ATTENDED,
        session__start_date__gte=start,
        session__start_date__lte=end,
    )
    active = ActivityParticipation.objects.filter(
        deputy=OuterRef("pk"), activity__start_date__gte=start, activity__start_date__lte=end
    )
    spoke = FloorSpeech.objects.filter(
        deputy=OuterRef("pk"), session__start_date__gte=start, session__start_date__lte=end
    )
    led = Proposal.objects.filter(lead_deputy=OuterRef("pk"), year=year)
    cosigned = Proposal.co_signers.through.objects.filter(deputy_id=OuterRef("pk"), proposal__year=year)
    return (
        Q(Exists(serving))
        & ~Q(Exists(attended))
        & ~Q(Exists(active))
        & ~Q(Exists(spoke))
        & ~Q(Exists(led))
        & ~Q(Exists(cosigned))
    )


def dormant_ids(*, township_ids, year: int) -> set:
    """The ids of the dormant deputies of these townships in `year` (one query)."""
    from deputies.models import Deputy

    return set(
        Deputy.objects.filter(township_id__in=township_ids)
        .filter(dormant_deputies_q(year=year))
        .values_list("pk", flat=True)
    )
