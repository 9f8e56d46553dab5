"""The deputies app's figures for the county dashboard and the work report (renda.core.figures):
the deputies serving by level, the groups and stations, the structure chart, the drill-down to
the deputies."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from renda.core.archive import choice_labels
from renda.core.figures import DeputyStructure, ReportParts, reference_day
from renda.dashboard.report_data import GroupLine, StationLine

from .models import Deputy, DeputyGroup, LiaisonStation, Mandate
from .selectors import deputy_serving, deputy_serving_counts, group_member_counts, station_resident_counts


def serving_figures(*, figures, year, today, cutoff) -> None:
    """Deputies by level (a person with two levels counts once per level) and in total: the one
    definition of serving (deputies.serving), on the year's reference day."""
    for tid, counts in deputy_serving_counts(township_ids=list(figures), on=cutoff).items():
        counts = dict(counts)
        figures[tid].deputies_total = counts.pop("total")
        figures[tid].deputies_by_level = counts


def drill_metrics():
    return {
        "deputies": lambda ids, year: (
            deputy_serving(on=reference_day(year), level=None)
            .filter(township_id__in=ids)
            .select_related("township")
        ),
    }


def deputy_structure(*, township_ids, on) -> DeputyStructure:
    """Deputies serving on `on` by gender, affiliation and occupation (one query: the serving
    deputies are found once, grouped by the three traits together, and summed per trait here)."""
    traits = ("gender", "affiliation", "occupation")
    counts: dict[str, dict] = {key: defaultdict(int) for key in traits}
    for r in (
        deputy_serving(on=on, level=None)
        .filter(township_id__in=township_ids)
        .values(*traits)
        .annotate(n=Count("pk"))
        .order_by()
    ):
        for key in traits:
            counts[key][r[key]] += r["n"]

    def by(key, choices):
        return [(str(label), counts[key].get(value, 0)) for value, label in choices]

    return DeputyStructure(
        levels=[(value, str(label)) for value, label in Mandate.Level.choices],
        gender=by("gender", Deputy.Gender.choices),
        affiliation=by("affiliation", Deputy.Affiliation.choices),
        occupation=by("occupation", Deputy.Occupation.choices),
    )


def groups_and_stations(*, townships, figures, year, cutoff, today, quarters_elapsed) -> ReportParts:
    """The year's deputy groups with their members, and the liaison stations with their resident
    deputies, both counted on the year's reference day, per township."""
    ids = [t.pk for t in townships]
    term_q = Q(term__start_date__lte=dt.date(year, 12, 31), term__end_date__gte=dt.date(year, 1, 1))
    groups_of: dict[int, list[GroupLine]] = defaultdict(list)
    year_groups = list(
        DeputyGroup.objects.filter(term_q, township_id__in=ids)
        .select_related("term")
        .order_by("number", "pk")
    )
    group_member_counts(groups=year_groups, today=cutoff)  # one definition of a member
    for g in year_groups:
        members = g.member_count  # type: ignore[attr-defined]  # set by group_member_counts
        groups_of[g.township_id].append(
            GroupLine(name=g.name, room=g.activity_room, villages=g.villages, members=members)
        )
    station_kind = choice_labels(LiaisonStation, "kind")
    stations_of: dict[int, list[StationLine]] = defaultdict(list)
    stations = list(LiaisonStation.objects.filter(township_id__in=ids).order_by("name", "pk"))
    # a former deputy still listed as resident is not counted
    residents = station_resident_counts(station_ids=[s.pk for s in stations], on=cutoff)
    for s in stations:
        stations_of[s.township_id].append(
            StationLine(
                name=s.name, kind=station_kind(s.kind), resident=residents.get(s.pk, 0), villages=s.villages
            )
        )
    return {pk: {"groups": groups_of[pk], "stations": stations_of[pk]} for pk in ids}
