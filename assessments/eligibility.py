"""Who is scored in a year: the township deputies who served at some time in it, with the days
served and their deputy group. Computing a year and the scheme editor's preview both ask here."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from deputies.models import GroupMembership
from deputies.selectors import deputy_serving_during


class Eligible(NamedTuple):
    """One deputy scored in a township's year (a tuple: the engine unpacks it)."""

    deputy_id: int
    served_days: int
    group_id: int | None


def eligible_deputies(
    *, township_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[int, list[Eligible]]:
    """{township_id: [Eligible]} sorted by deputy id: township deputies who served in [start, end]
    (deputies.selectors.deputy_serving_during, the one definition), with their group."""
    township_ids = list(township_ids)
    serving = deputy_serving_during(township_ids=township_ids, start=start, end=end)
    groups = _groups(township_ids, start, end)
    out: dict[int, list[Eligible]] = defaultdict(list)
    for deputy_id, row in serving.items():
        out[row["township_id"]].append(Eligible(deputy_id, row["days"], groups.get(deputy_id)))
    for rows in out.values():
        rows.sort()
    return out


def _groups(township_ids, start, end) -> dict[int, int]:
    """{deputy_id: group_id} of the terms overlapping [start, end]."""
    groups = {}
    memberships = GroupMembership.objects.filter(
        township_id__in=township_ids, term__start_date__lte=end, term__end_date__gte=start
    ).order_by("term__number")
    for deputy_id, group_id in memberships.values_list("deputy_id", "group_id"):
        groups[deputy_id] = group_id  # the latest term's group wins
    return groups
