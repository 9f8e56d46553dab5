"""Reads of the roster. `deputy_serving` (and `deputy_serving_during`) is what every other app
counts: the one definition of who held a mandate in a township on a day or over a period."""

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.core.access import access_for

from .models import (
    ContactAssignment,
    Deputy,
    DeputyGroup,
    GroupMembership,
    LiaisonStation,
    Mandate,
    PresidiumMembership,
)
from .serving import (  # noqa: F401  (re-exported: the roster's reads)
    TOWNSHIP,
    deputy_current,
    deputy_holding_q,
    deputy_mandate_levels,
    deputy_not_serving,
    deputy_serving,
    deputy_serving_counts,
    deputy_serving_during,
    deputy_serving_during_q,
    group_member_counts_by_group,
    mandate_active_during_q,
    mandate_active_q,
    not_serving_message,
    presidium_chairs_on,
    presidium_memberships_on,
    served_days,
    station_resident_counts,
)

# --- roster list ---------------------------------------------------------------------------

SORTS = {"strokes": ["surname_strokes", "name_pinyin", "pk"], "pinyin": ["name_pinyin", "pk"]}
STATUS_CURRENT, STATUS_FORMER, STATUS_ALL = "current", "former", "all"


def deputy_list(*, user, township=None, filters: dict | None = None, on: dt.date | None = None):
    """The roster a user may see, filtered and sorted; pages prefetch current mandates and group.

    filters: q (name / pinyin initials / unit), level, group, station, gender, ethnicity
    ("han", "minority" or a name), affiliation, status (current/former/all), term, sort.
    """
    f = filters or {}
    on = on or timezone.localdate()
    qs = access_for(user).scope(Deputy)
    if township is not None:
        qs = qs.filter(township=township)
    q = (f.get("q") or "").strip()
    if q:
        cond = Q(name__icontains=q) | Q(work_unit__icontains=q)
        if q.isascii():
            cond |= Q(name_initials__startswith=q.lower()) | Q(name_pinyin__startswith=q.lower())
        qs = qs.filter(cond)
    status = f.get("status") or STATUS_CURRENT
    # The rows are live deputies: the EXISTS tests read their mandates and memberships without
    # the default managers' join back to the (live) deputy. A deputy's mandates are in its own
    # township: one township's roster tests that township's mandates (an index range), not a
    # hash of the whole county's.
    mandates, memberships = Mandate._base_manager.all(), GroupMembership._base_manager
    if township is not None:
        mandates = mandates.filter(township=township)
    active = mandates.filter(mandate_active_q(on=on), deputy=OuterRef("pk"))
    if f.get("level"):
        active = active.filter(level=f["level"])
    if status == STATUS_CURRENT:
        qs = qs.filter(Exists(active))
    elif status == STATUS_FORMER:
        qs = qs.exclude(Exists(mandates.filter(mandate_active_q(on=on), deputy=OuterRef("pk"))))
        if f.get("level"):
            qs = qs.filter(Exists(mandates.filter(deputy=OuterRef("pk"), level=f["level"])))
    elif f.get("level"):
        qs = qs.filter(Exists(mandates.filter(deputy=OuterRef("pk"), level=f["level"])))
    if f.get("term"):
        qs = qs.filter(Exists(mandates.filter(deputy=OuterRef("pk"), term_id=f["term"])))
    if f.get("group"):
        qs = qs.filter(Exists(memberships.filter(deputy=OuterRef("pk"), group_id=f["group"])))
    if f.get("station"):
        qs = qs.filter(
            Exists(
                LiaisonStation.resident_deputies.through.objects.filter(
                    deputy_id=OuterRef("pk"), liaisonstation_id=f["station"]
                )
            )
        )
    for field in ("gender", "affiliation", "education", "occupation"):
        if f.get(field):
            qs = qs.filter(**{field: f[field]})
    eth = f.get("ethnicity")
    if eth == "han":
        qs = qs.filter(ethnicity="汉族")
    elif eth == "minority":
        qs = qs.exclude(ethnicity="汉族")
    elif eth:
        qs = qs.filter(ethnicity=eth)
    order = SORTS.get(f.get("sort") or "strokes", SORTS["strokes"])
    return qs.select_related("township").order_by(*order)


def deputy_list_columns(qs, *, on: dt.date | None = None):
    """The roster page's per-row columns folded into its one query, evaluated for the page's
    rows only: `township_name`, `levels_held` (the levels of the mandates active on `on`, read
    by `deputy_list_levels`) and `group_now` ({"id", "name"} of the group in the term running on
    `on`, or None). Each is one correlated subquery on the deputy's index; the rows are live
    deputies, so the subqueries read their mandates and memberships without the voided-parent
    join."""
    on = on or timezone.localdate()
    levels = (
        Mandate._base_manager.filter(mandate_active_q(on=on), deputy=OuterRef("pk"))
        .order_by()
        .values("level")
    )
    # A deputy is in at most one group a term, and a township's terms do not overlap.
    membership = GroupMembership._base_manager.filter(
        deputy=OuterRef("pk"), term__start_date__lte=on, term__end_date__gte=on
    ).order_by()
    return qs.annotate(
        township_name=F("township__name"),
        levels_held=ArraySubquery(levels),
        group_now=Subquery(membership.values(now=JSONObject(id="group_id", name="group__name"))[:1]),
    )


def deputy_list_levels(deputy) -> list[str]:
    """The levels `deputy_list_columns` found active, highest first (Mandate.Level's order)."""
    held = deputy.levels_held or ()
    return [lv for lv in Mandate.Level.values if lv in held]


def deputy_list_page_prefetch(deputies, *, on: dt.date | None = None):
    """Attach `active_mandates` and `current_group` to one page of deputies (2 queries)."""
    on = on or timezone.localdate()
    deputies = list(deputies)
    ids = [d.pk for d in deputies]
    by_deputy: dict[int, list] = {pk: [] for pk in ids}
    for m in (
        Mandate.objects.filter(mandate_active_q(on=on), deputy_id__in=ids)
        .only("id", "deputy_id", "level")
        .order_by("level")
    ):
        by_deputy[m.deputy_id].append(m)
    groups = {}
    for gm in (
        GroupMembership.objects.filter(deputy_id__in=ids, term__start_date__lte=on, term__end_date__gte=on)
        .select_related("group")
        .only("id", "deputy_id", "group__id", "group__name", "group__number", "group__term_id")
    ):
        groups[gm.deputy_id] = gm.group
    level_order = {v: i for i, v in enumerate(Mandate.Level.values)}
    for d in deputies:
        d.active_mandates = sorted(by_deputy[d.pk], key=lambda m: level_order[m.level])
        d.current_group = groups.get(d.pk)
    return deputies


def deputy_profile(*, deputy, on: dt.date | None = None):
    """Mandates (all, oldest first), groups, stations, presidium role, contacts of one deputy."""
    on = on or timezone.localdate()
    mandates = list(deputy.mandates.select_related("term").order_by("start_date", "level"))
    memberships = list(
        GroupMembership.objects.filter(deputy=deputy)
        .select_related("group", "term")
        .order_by("-term__number")
    )
    stations = list(LiaisonStation.objects.filter(resident_deputies=deputy).order_by("name"))
    headed = list(
        LiaisonStation.objects.filter(Q(head=deputy) | Q(deputy_heads=deputy)).distinct().order_by("name")
    )
    presidium = list(
        PresidiumMembership.objects.filter(deputy=deputy).select_related("term").order_by("-term__number")
    )
    contacted_by = list(
        ContactAssignment.objects.filter(deputy=deputy)
        .select_related("member", "term")
        .order_by("-term__number")
    )
    contacts = list(
        ContactAssignment.objects.filter(member=deputy)
        .select_related("deputy", "term")
        .order_by("deputy__name")
    )
    return {
        "mandates": mandates,
        "active_mandates": [
            m for m in mandates if m.start_date <= on and (m.end_date is None or m.end_date > on)
        ],
        "memberships": memberships,
        "stations": stations,
        "headed_stations": headed,
        "presidium": presidium,
        "contacted_by": contacted_by,
        "contacts": contacts,
    }


def deputy_archive_years(*, deputy, today: dt.date | None = None):
    """Calendar years the deputy held a mandate in, newest first (always includes this year)."""
    today = today or timezone.localdate()
    first = deputy.mandates.order_by("start_date").values_list("start_date", flat=True).first()
    start = first.year if first else today.year
    return list(range(today.year, min(start, today.year) - 1, -1))


# --- groups and stations -------------------------------------------------------------------


def group_list(*, user, township=None, term=None):
    """The groups a user may see, with the columns the list shows (`group_member_counts` adds
    the counts)."""
    qs = access_for(user).scope(DeputyGroup)
    if township is not None:
        qs = qs.filter(township=township)
    if term is not None:
        qs = qs.filter(term=term)
    return (
        qs.select_related("township", "term", "leader", "deputy_leader")
        .only(
            *("id", "township_id", "term_id", "number", "name", "activity_room", "villages"),
            *("township__name", "term__number", "leader__name", "deputy_leader__name"),
        )
        .order_by("township__display_order", "-term__number", "number")
    )


def group_reference_day(term, today: dt.date | None = None) -> dt.date:
    """The day a group's members are counted on: today, or its term's last day if past."""
    today = today or timezone.localdate()
    return min(max(today, term.start_date), term.end_date)


def group_member_counts(*, groups, today: dt.date | None = None) -> None:
    """Set `member_count` (members holding a mandate of any level on the group's reference day)
    and `other_level_count` (of those, members without a township mandate, e.g. county deputies
    elected here) on each group. Former deputies still listed in a group are not counted.
    Serving is read through `group_member_counts_by_group` (deputies.serving): one query."""
    groups = list(groups)
    if not groups:
        return
    counts = group_member_counts_by_group(
        group_ids=[g.pk for g in groups], today=today or timezone.localdate()
    )
    for g in groups:
        g.member_count, g.other_level_count = counts[g.pk]


def group_members(*, group, today: dt.date | None = None):
    """A group's members in stroke order, each with `levels` (mandates on the group's reference
    day; empty = no longer a deputy, shown as a warning) and `other_level` (no township mandate)."""
    members = list(Deputy.objects.filter(groupmembership__group=group).order_by(*SORTS["strokes"]))
    on = group_reference_day(group.term, today)
    levels = deputy_mandate_levels(deputy_ids=[d.pk for d in members], on=on)
    labels = dict(Mandate.Level.choices)
    d: Any
    for d in members:
        held = levels.get(d.pk, [])
        d.levels = [str(labels[lv]) for lv in held]
        d.serving = bool(held)
        d.other_level = bool(held) and TOWNSHIP not in held
    return members


def station_list(*, user, township=None, on: dt.date | None = None):
    """Stations the user may see, each with `resident_count`: residents serving (a mandate of any
    level) on `on`, today by default (`station_resident_counts`: a former deputy still listed is
    not counted). Two queries."""
    qs = access_for(user).scope(LiaisonStation)
    if township is not None:
        qs = qs.filter(township=township)
    stations = list(qs.select_related("township", "head").order_by("township__display_order", "name"))
    counts = station_resident_counts(station_ids=[s.pk for s in stations], on=on or timezone.localdate())
    s: Any
    for s in stations:
        s.resident_count = counts.get(s.pk, 0)
    return stations


def deputy_choices(*, township, on: dt.date | None = None):
    """Current deputies of a township for pickers, in stroke order."""
    return deputy_current(township=township, on=on).order_by(*SORTS["strokes"])


def deputy_group_picks(*, township, on: dt.date | None = None):
    """The deputy groups of the township's current term with their members' ids, for the
    pickers' "select a whole group" buttons (one query): [(group name, [deputy id, …]), …]."""
    on = on or timezone.localdate()
    rows = (
        GroupMembership.objects.filter(township=township, term__start_date__lte=on, term__end_date__gte=on)
        .order_by("group__number", "deputy_id")
        .values_list("group__name", "deputy_id")
    )
    groups: dict[str, list[int]] = {}
    for name, deputy_id in rows:
        groups.setdefault(name, []).append(deputy_id)
    return list(groups.items())


# --- structure statistics ------------------------------------------------------------------

AGE_BANDS = [(None, 35), (35, 45), (45, 55), (55, 60), (60, None)]


def _age_band_label(lo, hi):
    if lo is None:
        return _("under %(n)s") % {"n": hi}
    if hi is None:
        return _("%(n)s and over") % {"n": lo}
    return _("%(lo)s to %(hi)s") % {"lo": lo, "hi": hi - 1}


def _years_ago(on, years):
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


# What the structure page counts the deputies by, besides their levels and age band.
_STRUCTURE_FIELDS = ("gender", "ethnicity", "affiliation", "education", "occupation")


def _age_band(on) -> Case:
    """The index of a deputy's band in AGE_BANDS on `on` (None: birth date not recorded)."""
    bands = []
    for i, (lo, hi) in enumerate(AGE_BANDS):
        cond = Q(birth_date__isnull=False)
        if lo is not None:  # at least lo years old: born on or before on - lo years
            cond &= Q(birth_date__lte=_years_ago(on, lo))
        if hi is not None:  # younger than hi: born after on - hi years
            cond &= Q(birth_date__gt=_years_ago(on, hi))
        bands.append(When(cond, then=Value(i)))
    return Case(*bands, default=None, output_field=IntegerField())


def deputy_structure_counts(*, user, township=None, on: dt.date, level=None) -> dict[str, Counter]:
    """{what: Counter(value: deputies)} of the deputies serving on `on`, for each of
    _STRUCTURE_FIELDS, "age_band" and "holds_<level>" (True: holds a mandate of that level). One
    query: the serving deputies grouped by all of these at once (a few thousand groups at most,
    whatever the roster size), the groups summed here; its cost is one pass over the roster
    where a query per figure made several."""
    holds = {
        f"holds_{lv}": ExpressionWrapper(deputy_holding_q(on=on, level=lv), output_field=BooleanField())
        for lv in Mandate.Level.values
    }
    groups = (
        deputy_current(user=user, township=township, on=on, level=level)
        .annotate(age_band=_age_band(on), **holds)
        .order_by()
        .values_list(*_STRUCTURE_FIELDS, "age_band", *holds)
        .annotate(n=Count("pk"))
    )
    counts: dict[str, Counter] = {name: Counter() for name in (*_STRUCTURE_FIELDS, "age_band", *holds)}
    for *keys, n in groups:
        for counter, key in zip(counts.values(), keys):
            counter[key] += n
    return counts


def deputy_structure(*, user, township=None, on: dt.date | None = None, level=None):
    """Counts of current deputies by level, gender, age band, ethnicity, affiliation,
    education and occupation. One query, whatever the roster size (deputy_structure_counts)."""
    on = on or timezone.localdate()
    counts = deputy_structure_counts(user=user, township=township, on=on, level=level)
    total = sum(counts["gender"].values())
    han = counts["ethnicity"]["汉族"]
    ages, age_unknown = counts["age_band"], counts["age_band"][None]

    def by(field, choices):
        found = dict(counts[field])
        rows = [(str(label), found.pop(value, 0)) for value, label in choices]
        unknown = sum(found.values())
        if unknown:
            rows.append((_("not recorded"), unknown))
        return rows

    return {
        "on": on,
        "total": total,
        "by_level": [(str(label), counts[f"holds_{value}"][True]) for value, label in Mandate.Level.choices],
        "by_gender": [
            (str(Deputy.Gender.MALE.label), counts["gender"][Deputy.Gender.MALE]),
            (str(Deputy.Gender.FEMALE.label), counts["gender"][Deputy.Gender.FEMALE]),
        ],
        "by_age": [(_age_band_label(lo, hi), ages[i]) for i, (lo, hi) in enumerate(AGE_BANDS)]
        + ([(_("not recorded"), age_unknown)] if age_unknown else []),
        "by_ethnicity": [(_("Han"), han), (_("ethnic minorities"), total - han)],
        "by_affiliation": by("affiliation", Deputy.Affiliation.choices),
        "by_education": by("education", Deputy.Education.choices),
        "by_occupation": by("occupation", Deputy.Occupation.choices),
    }


# --- presidium page ------------------------------------------------------------------------


def presidium_page(*, township, term, on: dt.date | None = None):
    """A term's presidium: memberships (chair first, then vice-chairs, members), each with
    `active` (member on `on`) and `serving` (a township deputy on `on`; False is a warning: the
    member no longer counts), and the membership change history of the term. Three queries."""
    on = on or timezone.localdate()
    if on > term.end_date:
        on = term.end_date
    order = {r: i for i, r in enumerate(PresidiumMembership.Role.values)}
    rows = list(PresidiumMembership.objects.filter(township=township, term=term).select_related("deputy"))
    serving = set(
        deputy_serving(township=township, on=on)
        .filter(pk__in=[m.deputy_id for m in rows])
        .values_list("pk", flat=True)
    )
    active = {m.pk: m.start_date <= on and (m.end_date is None or m.end_date > on) for m in rows}
    m: Any
    for m in rows:
        m.active = active[m.pk]
        m.serving = m.deputy_id in serving
    rows.sort(key=lambda m: (not active[m.pk], order[m.role], m.deputy.surname_strokes, m.deputy.name_pinyin))
    history = list(
        PresidiumMembership.history.filter(term_id=term.pk)
        .select_related("history_user", "deputy")
        .order_by("-history_date")[:50]
    )
    return {"members": rows, "on": on, "history": history}


def contact_assignment_deputy_ids(*, membership) -> list[int]:
    """The deputies one presidium member keeps in contact with in the membership's term."""
    return list(
        ContactAssignment.objects.filter(term_id=membership.term_id, member_id=membership.deputy_id)
        .order_by("deputy__surname_strokes", "deputy__name_pinyin")
        .values_list("deputy_id", flat=True)
    )


def contact_assignment_page(*, township, term) -> dict:
    """两联一述 of a term: each presidium member with the deputies they keep in contact with, the
    township deputies serving in the term whom no member contacts, and each deputy's voters.
    Three queries."""
    memberships = list(
        PresidiumMembership.objects.filter(term=term).select_related("deputy").order_by("start_date", "pk")
    )
    by_member: dict[int, list] = {}
    for row in (
        ContactAssignment.objects.filter(term=term)
        .select_related("deputy")
        .order_by("deputy__surname_strokes", "deputy__name_pinyin")
    ):
        by_member.setdefault(row.member_id, []).append(row.deputy)
    deputies = list(
        Deputy.objects.filter(township=township)
        .filter(deputy_serving_during_q(start=term.start_date, end=term.end_date))
        .order_by("surname_strokes", "name_pinyin", "pk")
    )
    assigned = {d.pk for rows in by_member.values() for d in rows}
    members = {m.deputy_id for m in memberships}
    return {
        "members": [{"membership": m, "deputies": by_member.get(m.deputy_id, [])} for m in memberships],
        "unassigned": [d for d in deputies if d.pk not in assigned and d.pk not in members],
        "deputies": deputies,
    }
