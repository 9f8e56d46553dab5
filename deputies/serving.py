"""The one definition of "serving": which deputies held a mandate of a given level in a township
on a day, or over a period (with the days served). Every count and every choice list of the
project asks here: attendance lists, proposal signers, the presidium and its majority base, group
and station counts, dormant deputies, scoring, the work report, the archive.

Its own module (re-exported by deputies.selectors) so that services and selectors, which are
independent layers, both build on it.
"""

import datetime as dt

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.access import access_for

from .models import Deputy, GroupMembership, LiaisonStation, Mandate, PresidiumMembership


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


TOWNSHIP = Mandate.Level.TOWNSHIP


def deputy_serving(*, township=None, on: dt.date, level: str | None = TOWNSHIP, user=None):
    """THE definition of "serving": deputies who held a mandate of `level` in `township` on `on`.

    A mandate serves from its start date (当选日期) up to the day before its end date (ending a
    mandate drops the deputy from that day). `level=None` means any level (the roster). Every
    count and choice list of township deputies asks here: attendance lists, proposal signers,
    the presidium, group counts, dormant deputies, scoring, the work report, the archive."""
    qs = access_for(user).scope(Deputy) if user is not None else Deputy.objects.all()
    if township is not None:
        qs = qs.filter(township=township)
    # The rows are live deputies: the test reads their mandates without the default manager's
    # join back to the (live) deputy, which only doubled the query's work.
    mandates = Mandate._base_manager.filter(mandate_active_q(on=on), deputy=OuterRef("pk"))
    if level:
        mandates = mandates.filter(level=level)
    return qs.filter(Exists(mandates))


def deputy_holding_q(*, on: dt.date, level: str) -> Q:
    """Q for a deputy (a live one: the rows of deputy_serving) holding a mandate of `level` on
    `on`, to count many deputies at once: one scan of the mandates, hashed, where a correlated
    EXISTS per deputy would look them up once a row."""
    held = Mandate._base_manager.filter(mandate_active_q(on=on), level=level).values("deputy_id")
    return Q(pk__in=held)


def deputy_serving_counts(*, township_ids, on: dt.date) -> dict[int, dict[str, int]]:
    """How many deputies serve in each township on `on`: {township_id: {"total": n, level: n}}
    ("total" counts a person once, each level counts the people holding it, so a county and
    township deputy counts under both levels). The dashboard's and the work report's deputy
    figures. One query whatever the number of townships, one pass over the mandates active on
    `on` (of deputies not voided: the mandates' manager), the people counted distinct per
    township of the deputy, as `deputy_serving` counts them."""
    levels = list(Mandate.Level.values)
    rows = (
        Mandate.objects.filter(mandate_active_q(on=on), deputy__township_id__in=list(township_ids))
        .values("deputy__township_id")
        .annotate(
            total=Count("deputy_id", distinct=True),
            **{lv: Count("deputy_id", distinct=True, filter=Q(level=lv)) for lv in levels},
        )
        .order_by()
    )
    out: dict[int, dict[str, int]] = {}
    for r in rows:
        out[r["deputy__township_id"]] = {"total": r["total"], **{lv: r[lv] for lv in levels if r[lv]}}
    return out


def station_resident_counts(*, station_ids, on: dt.date) -> dict[int, int]:
    """{station_id: residents serving (a mandate of any level) on `on`}: a former deputy still
    listed as resident is not counted. One query."""
    Resident = LiaisonStation.resident_deputies.through
    rows = (
        Resident.objects.filter(liaisonstation_id__in=list(station_ids))
        .filter(deputy__in=deputy_serving(on=on, level=None))
        .values("liaisonstation_id")
        .annotate(n=Count("deputy_id", distinct=True))
    )
    return {r["liaisonstation_id"]: r["n"] for r in rows}


def deputy_current(*, township=None, user=None, on: dt.date | None = None, level=None):
    """Deputies holding at least one active mandate on `on` (today by default), any level unless
    `level` is given: `deputy_serving` with today as the default day."""
    return deputy_serving(township=township, user=user, on=on or timezone.localdate(), level=level)


def served_days(periods, *, start: dt.date, end: dt.date) -> int:
    """Days in [start, end] covered by any of the (start_date, end_date or None) periods; a
    period ending on a day no longer covers that day. Overlapping periods count once."""
    spans = []
    for s, e in periods:
        lo = max(s, start)
        hi = min(e - dt.timedelta(days=1), end) if e else end
        if hi >= lo:
            spans.append((lo, hi))
    spans.sort()
    total, current_lo, current_hi = 0, None, None
    for lo, hi in spans:
        if current_hi is None or lo > current_hi + dt.timedelta(days=1):
            if current_hi is not None:
                total += (current_hi - current_lo).days + 1
            current_lo, current_hi = lo, hi
        else:
            current_hi = max(current_hi, hi)
    if current_hi is not None:
        total += (current_hi - current_lo).days + 1
    return total


def deputy_serving_during(
    *, township_ids, start: dt.date, end: dt.date, level: str | None = TOWNSHIP
) -> dict[int, dict]:
    """Deputies who served (a mandate of `level`) at some time in [start, end], with the days:
    {deputy_id: {"township_id": …, "days": n}}. One query whatever the number of townships."""
    mandates = Mandate.objects.filter(
        mandate_active_during_q(start=start, end=end), township_id__in=list(township_ids)
    )
    if level:
        mandates = mandates.filter(level=level)
    periods, township_of = {}, {}
    for deputy_id, township_id, s, e in mandates.values_list(
        "deputy_id", "township_id", "start_date", "end_date"
    ):
        periods.setdefault(deputy_id, []).append((s, e))
        township_of[deputy_id] = township_id
    out = {}
    for deputy_id, spans in periods.items():
        days = served_days(spans, start=start, end=end)
        if days > 0:
            out[deputy_id] = {"township_id": township_of[deputy_id], "days": days}
    return out


def deputy_serving_during_q(*, start: dt.date, end: dt.date, level: str | None = TOWNSHIP) -> Q:
    """Q on Deputy: served (a mandate of `level`) at some time in [start, end]."""
    mandates = Mandate.objects.filter(mandate_active_during_q(start=start, end=end), deputy=OuterRef("pk"))
    if level:
        mandates = mandates.filter(level=level)
    return Q(Exists(mandates))


def deputy_not_serving(*, township, deputies, on: dt.date, level: str | None = TOWNSHIP) -> list:
    """Of `deputies`, those who did not serve in `township` at `level` on `on` (in given order)."""
    deputies = [d for d in deputies if d is not None]
    if not deputies:
        return []
    serving = set(
        deputy_serving(township=township, on=on, level=level)
        .filter(pk__in=[d.pk for d in deputies])
        .values_list("pk", flat=True)
    )
    return [d for d in deputies if d.pk not in serving]


def not_serving_message(*, deputy, on: dt.date, township=None, level: str | None = TOWNSHIP) -> str:
    """ "某某 在 2026-03-04 不是本镇人大代表": the refusal every form and service shows."""
    args = {"name": deputy.name, "date": on.isoformat()}
    if level not in (TOWNSHIP, None):
        return _("%(name)s held no %(level)s mandate on %(date)s.") % {
            **args,
            "level": Mandate.Level(level).label,
        }
    kind = getattr(township or getattr(deputy, "township", None), "kind", "")
    if kind == "xiang":
        return _("%(name)s was not a deputy of this township (乡) congress on %(date)s.") % args
    return _("%(name)s was not a deputy of this town (镇) congress on %(date)s.") % args


def deputy_mandate_levels(*, deputy_ids, on: dt.date) -> dict[int, list[str]]:
    """{deputy_id: [levels of the mandates active on `on`]}: to label deputies of other levels
    (a county deputy in a township group is counted and shown as such). One query."""
    out = {pk: [] for pk in deputy_ids}
    for deputy_id, level in Mandate.objects.filter(
        mandate_active_q(on=on), deputy_id__in=list(deputy_ids)
    ).values_list("deputy_id", "level"):
        out.setdefault(deputy_id, []).append(level)
    return out


def group_member_counts_by_group(*, group_ids, today: dt.date) -> dict[int, tuple[int, int]]:
    """{group id: (members, of whom of another level)}: members holding a mandate of any level on
    the group's reference day (today, or its term's first or last day when today is outside the
    term), and of those the members without a township mandate that day. A former deputy still
    listed in a group is not counted. One grouped query over the memberships and their mandates."""
    # The membership's term is its group's term.
    day = Least(Greatest(Value(today, output_field=DateField()), F("term__start_date")), F("term__end_date"))
    rows = (
        GroupMembership.objects.filter(group_id__in=list(group_ids))
        .annotate(day=day)
        .filter(mandate_active_q(on=F("day"), prefix="deputy__mandates__"))  # type: ignore[arg-type]
        .values("group_id")
        .annotate(
            members=Count("deputy_id", distinct=True),
            township=Count("deputy_id", distinct=True, filter=Q(deputy__mandates__level=TOWNSHIP)),
        )
        .values_list("group_id", "members", "township")
    )
    counts = {pk: (0, 0) for pk in group_ids}
    counts.update({pk: (members, members - township) for pk, members, township in rows})
    return counts


def presidium_memberships_on(*, township, day: dt.date, term=None):
    """Presidium memberships active on `day` whose member serves as a township deputy that day:
    the presidium's members, its majority base and the meeting's attendance list."""
    qs = (
        PresidiumMembership.objects.filter(township=township, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
        .filter(deputy__in=deputy_serving(township=township, on=day))
    )
    if term is not None:
        qs = qs.filter(term=term)
    return qs


def presidium_chairs_on(*, township, day: dt.date):
    """Who may chair a presidium meeting on `day`: its chair (主席) or a vice-chair (副主席)."""
    members = presidium_memberships_on(township=township, day=day).filter(
        role__in=[PresidiumMembership.Role.CHAIR, PresidiumMembership.Role.VICE_CHAIR]
    )
    # the ids first: a handful of people; nesting the query under further filters (a choice list
    # that also offers an old record's chair) made PostgreSQL re-run it for every deputy row
    ids = list(members.values_list("deputy_id", flat=True))
    return Deputy.objects.filter(pk__in=ids).order_by("surname_strokes", "name_pinyin", "pk")
