"""Reads of the roster. `deputy_current` is what every other app counts."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .models import Deputy, Mandate


def mandate_active_q(*, on: dt.date, prefix: str = "") -> Q:
    """Q for a mandate active on `on`: begun, and not ended by then (ending drops it that day)."""
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": on})
    )


def mandate_active_during_q(*, start: dt.date, end: dt.date, prefix: str = "") -> Q:
    """Q for a mandate active at any time in [start, end]."""
    return Q(**{f"{prefix}start_date__lte": end}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gt": start})
    )


def deputy_current(*, township=None, user=None, on: dt.date | None = None, level=None):
    """Deputies holding at least one active mandate on `on` (today by default).

    Give `township` for one township, `user` to apply the user's scope, or both.
    `level` narrows to one mandate level (e.g. Mandate.Level.TOWNSHIP for quorums).
    """
    on = on or timezone.localdate()
    qs = Deputy.objects.for_user(user) if user is not None else Deputy.objects.all()
    if township is not None:
        qs = qs.filter(township=township)
    mandates = Mandate.objects.filter(mandate_active_q(on=on), deputy=OuterRef("pk"))
    if level:
        mandates = mandates.filter(level=level)
    return qs.filter(Exists(mandates))
