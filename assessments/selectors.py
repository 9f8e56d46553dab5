"""Reads of the year-end assessment. Other apps may use:

- assessment_visible(*, user) -> QuerySet[Assessment]: what the user may see (county: published/locked)
- assessment_for_year(*, user, township, year) -> Assessment | None
- score_results(*, assessment, group=None, grade=None, dormant=None, order="rank") -> QuerySet[ScoreResult]
- score_card(*, assessment, deputy) -> dict: each line explained, with its records
- grade_distribution(*, assessment) -> dict; group_scores(*, assessment) -> list[dict]
- township_comparison(*, user, year) -> list[dict]
- eligible_deputies(*, township_ids, start, end) (from eligibility.py): who is scored in a year
"""

from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, Q, Sum
from django.utils import timezone

from deputies.models import DeputyGroup
from renda.core.access import access_for
from renda.core.models import Township

from . import sources
from .eligibility import eligible_deputies  # noqa: F401  (re-exported: who is scored in a year)
from .models import Assessment, GroupScoreResult, ScoreAdjustment, ScoreResult
from .rules import d, rule_explain, year_bounds

GRADES = [g for g, _label in ScoreResult.Grade.choices]
COUNTY_STATES = [Assessment.State.PUBLISHED, Assessment.State.LOCKED]
ORDERINGS = {
    "rank": ["rank", "deputy__surname_strokes", "deputy__name_pinyin"],
    "-total": ["-total", "deputy__surname_strokes"],
    "total": ["total", "deputy__surname_strokes"],
    "name": ["deputy__surname_strokes", "deputy__name_pinyin", "deputy_id"],
    "group": ["group__number", "rank"],
}


def assessment_visible(*, user):
    """Assessments the user may read: township staff their own in any state; county users the
    published and locked ones of every township."""
    qs = access_for(user).scope(Assessment).select_related("township")
    if access_for(user).is_county:
        qs = qs.filter(state__in=COUNTY_STATES)
    return qs


def assessment_for_year(*, user, township, year):
    return assessment_visible(user=user).filter(township=township, year=year).first()


def changes_since_lock(*, assessment) -> int:
    """Records feeding the scores created, changed or deleted since the year was locked (0 when
    it is not locked)."""
    if assessment is None or assessment.state != Assessment.State.LOCKED or assessment.locked_at is None:
        return 0
    return sources.records_changed_since(
        township_id=assessment.township_id, year=assessment.year, since=assessment.locked_at
    )


def default_year(*, user, township=None):
    """The current year: the page opens on the year being worked on (earlier years are one pick
    away in the year selector), even before its first computation."""
    return timezone.localdate().year


def score_results(*, assessment, group=None, grade=None, dormant=None, order="rank"):
    qs = ScoreResult.objects.filter(assessment=assessment).select_related("deputy", "group")
    if group:
        qs = qs.filter(group_id=group)
    if grade:
        qs = qs.filter(grade=grade)
    if dormant:
        qs = qs.filter(dormant=True)
    return qs.order_by(*ORDERINGS.get(order, ORDERINGS["rank"]))


def result_rows(*, assessment, results):
    """Rows for the results table and the scoresheet: each item's line total in snapshot order."""
    keys = [i["key"] for i in assessment.items]
    rows = []
    for r in results:
        by_key = {line["item"]: line for line in r.lines}
        rows.append({"result": r, "cells": [by_key.get(k, {}).get("total") for k in keys]})
    return rows


def item_groups(items):
    """[(category, span)] for the two-row header: consecutive items of one group share a cell."""
    groups = []
    for item in items:
        if groups and groups[-1][0] == item["category"]:
            groups[-1][1] += 1
        else:
            groups.append([item["category"], 1])
    return [(c, n) for c, n in groups]


def grade_distribution(*, assessment):
    """Counts per grade and a histogram of totals in 10-point bins: two aggregate queries."""
    agg = ScoreResult.objects.filter(assessment=assessment).aggregate(
        n=Count("pk"),
        dormant=Count("pk", filter=Q(dormant=True)),
        average=Avg("total"),
        high=Max("total"),
        low=Min("total"),
        **{g: Count("pk", filter=Q(grade=g)) for g in GRADES},
    )
    totals = list(ScoreResult.objects.filter(assessment=assessment).values_list("total", flat=True))
    bins = {}
    for t in totals:
        lower = int((t // 10) * 10)
        bins[lower] = bins.get(lower, 0) + 1
    histogram = [(f"{lo}–{lo + 9}", bins[lo]) for lo in sorted(bins)]
    return {
        "grades": {g: agg[g] for g in GRADES},
        "histogram": histogram,
        **{k: agg[k] for k in ("n", "dormant", "average", "high", "low")},
    }


def group_scores(*, assessment):
    """Deputy groups: their own score and rank (the items scored for groups), members scored,
    total and average of their members, their own activities; in group rank order."""
    rows = (
        ScoreResult.objects.filter(assessment=assessment, group__isnull=False)
        .values("group_id", "group__name", "group__number")
        .annotate(
            members=Count("pk"),
            sum_total=Sum("total"),
            average=Avg("total"),
            excellent=Count("pk", filter=Q(grade="excellent")),
            dormant=Count("pk", filter=Q(dormant=True)),
        )
        .order_by("group__number")
    )
    start, end, _days = year_bounds(assessment.year)
    held = sources.group_activity_counts(township_ids=[assessment.township_id], start=start, end=end)
    scored = {g.group_id: g for g in GroupScoreResult.objects.filter(assessment=assessment)}
    keys = [i["key"] for i in assessment.group_items]
    out = []
    for r in rows:
        g = scored.get(r["group_id"])
        by_key = {line["item"]: line for line in g.lines} if g else {}
        out.append(
            {
                "group_id": r["group_id"],
                "name": r["group__name"],
                "members": r["members"],
                "total": r["sum_total"],
                "average": Decimal(r["average"]).quantize(Decimal("0.1")),
                "excellent": r["excellent"],
                "dormant": r["dormant"],
                "activities": held.get(r["group_id"], 0),
                "score": g.total if g else None,
                "rank": g.rank if g else None,
                "cells": [by_key.get(k, {}).get("total") for k in keys],
                "counts": [by_key.get(k, {}).get("count") for k in keys],
            }
        )
    if scored:
        out.sort(key=lambda row: (row["rank"] or 10**6, row["name"]))
    return out


def score_card(*, assessment, deputy):
    """One deputy's score: each line with its rule, count, points, adjustment and the records it
    counted; the adjustment history. Queries: a bounded few per item (one deputy)."""
    result = ScoreResult.objects.filter(assessment=assessment, deputy=deputy).select_related("group").first()
    if result is None:
        return None
    start, end, _days = year_bounds(assessment.year)
    by_key = {line["item"]: line for line in result.lines}
    lines = []
    for item in assessment.items:
        line = by_key.get(item["key"], {})
        item = {**item, "explain": rule_explain(item)}  # in the reader's language, not the computer's
        lines.append(
            {
                "item": item,
                "line": line,
                "records": sources.source_records(item["source"], deputy_id=deputy.pk, start=start, end=end),
            }
        )
    history = ScoreAdjustment.objects.filter(assessment=assessment, deputy=deputy).select_related("by")
    return {
        "result": result,
        "lines": lines,
        "history": list(history),
        "prorated": result.served_days < result.year_days
        and assessment.snapshot.get("partial_year") == "prorate",
    }


def township_comparison(*, user, year):
    """One row per township for county users: state, deputies, average, grades, dormant (one
    aggregate query over results, one over assessments)."""
    townships = list(Township.objects.filter(is_active=True).order_by("display_order", "code"))
    assessments = {a.township_id: a for a in assessment_visible(user=user).filter(year=year)}
    agg = (
        ScoreResult.objects.filter(assessment__in=list(assessments.values()))
        .values("township_id")
        .annotate(
            n=Count("pk"),
            average=Avg("total"),
            high=Max("total"),
            low=Min("total"),
            dormant=Count("pk", filter=Q(dormant=True)),
            **{g: Count("pk", filter=Q(grade=g)) for g in GRADES},
        )
        .order_by()
    )
    by_township = {r["township_id"]: r for r in agg}
    rows = []
    for t in townships:
        a = assessments.get(t.pk)
        r = by_township.get(t.pk, {})
        rows.append(
            {
                "township": t,
                "assessment": a,
                "n": r.get("n", 0),
                "average": Decimal(r["average"]).quantize(Decimal("0.1"))
                if r.get("average") is not None
                else None,
                "high": r.get("high"),
                "low": r.get("low"),
                "dormant": r.get("dormant", 0),
                "grades": {g: r.get(g, 0) for g in GRADES},
            }
        )
    return rows


def groups_of(*, assessment):
    return DeputyGroup.objects.filter(
        pk__in=ScoreResult.objects.filter(assessment=assessment).values("group_id")
    ).order_by("number")


# --- scoresheet data ----------------------------------------------------------------------


def scoresheet_sheet(*, assessment):
    """Plain data of one township's sheet (no ORM objects): the builder needs nothing else."""
    from .models import ScoreResult as SR

    results = list(
        SR.objects.filter(assessment=assessment)
        .select_related("deputy", "group")
        .order_by("rank", "deputy__surname_strokes", "deputy__name_pinyin")
    )
    rows = []
    for r, row in zip(results, result_rows(assessment=assessment, results=results)):
        rows.append(
            {
                "name": r.deputy.name,
                "group": r.group.name if r.group else "",
                "cells": [float(d(c)) if c is not None else None for c in row["cells"]],
                "adjustment": float(r.adjustment_total),
                "total": float(r.total),
                "rank": r.rank,
                "grade": str(ScoreResult.Grade(r.grade).label),
                "grade_code": r.grade,
                "dormant": r.dormant,
                "note": _result_note(r),
            }
        )
    snap = assessment.snapshot
    return {
        "township": assessment.township.name,
        "year": assessment.year,
        "state": str(assessment.get_state_display()),
        "computed_at": timezone.localtime(assessment.computed_at).strftime("%Y-%m-%d %H:%M")
        if assessment.computed_at
        else "",
        "items": [{"category": i["category"], "name": i["name"]} for i in assessment.items],
        "thresholds": [snap.get("excellent_min"), snap.get("competent_min"), snap.get("basic_min")],
        "excellent_max_percent": snap.get("excellent_max_percent"),
        "rows": rows,
        "average": float(assessment.average),
        "group_items": [{"name": i["name"], "explain": rule_explain(i)} for i in assessment.group_items],
        "group_rows": _group_sheet_rows(assessment),
    }


def _group_sheet_rows(assessment):
    keys = [i["key"] for i in assessment.group_items]
    if not keys:
        return []
    rows = []
    for g in (
        GroupScoreResult.objects.filter(assessment=assessment)
        .select_related("group")
        .order_by("rank", "group__number")
    ):
        by_key = {line["item"]: line for line in g.lines}
        rows.append(
            {
                "name": g.group.name,
                "members": g.members,
                "cells": [float(d(by_key[k]["total"])) if k in by_key else None for k in keys],
                "total": float(g.total),
                "rank": g.rank,
            }
        )
    return rows


def _result_note(r):
    from django.utils.translation import gettext as _

    notes = []
    if r.dormant:
        notes.append(_("dormant"))
    if r.served_days < r.year_days:
        notes.append(_("served %(days)s days") % {"days": r.served_days})
    return "；".join(notes)


def scoresheet_county(*, year, states=None):
    """Every township's sheet of the year plus the summary rows (states: published and locked)."""
    states = states or COUNTY_STATES
    assessments = list(
        Assessment.objects.filter(year=year, state__in=states)
        .select_related("township")
        .order_by("township__display_order", "township__code")
    )
    return assessments
