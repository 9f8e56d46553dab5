"""The roster's own archive section: what the deputy held in the chosen year."""

import datetime as dt

from .models import ContactAssignment, GroupMembership, LiaisonStation, Mandate, PresidiumMembership
from .selectors import mandate_active_during_q


def roster_section_context(deputy, year, user):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    mandates = list(
        Mandate.objects.filter(mandate_active_during_q(start=start, end=end), deputy=deputy).order_by("level")
    )
    groups = list(
        GroupMembership.objects.filter(
            deputy=deputy, term__start_date__lte=end, term__end_date__gte=start
        ).select_related("group", "term")
    )
    stations = list(LiaisonStation.objects.filter(resident_deputies=deputy).order_by("name"))
    presidium = list(
        PresidiumMembership.objects.filter(deputy=deputy, start_date__lte=end)
        .exclude(end_date__lt=start)
        .select_related("term")
    )
    contacted_by = list(
        ContactAssignment.objects.filter(
            deputy=deputy, term__start_date__lte=end, term__end_date__gte=start
        ).select_related("member")
    )
    return {
        "mandates": mandates,
        "groups": groups,
        "stations": stations,
        "presidium": presidium,
        "contacted_by": contacted_by,
    }
