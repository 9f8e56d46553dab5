"""Scoring one township's year from counts already gathered: pure Python, no ORM."""

from decimal import Decimal

from .rules import competition_ranks, d, grades_assign, item_points, prorate_count, q1

MANUAL = "manual"
DEPUTY, GROUP = "deputy", "group"
# Rules whose points are earned (a part-year deputy's count is scaled up to a full year); a
# deduction is a penalty and counts as recorded ("proration of what is earned, not of penalties").
EARNING_RULES = ("fixed", "baseline", "per_occurrence", "first_further")


def items_for(snapshot, scope):
    """The snapshot's items scored for deputies or for groups (older snapshots: all deputies)."""
    return [i for i in snapshot["items"] if i.get("scope", DEPUTY) == scope]


def scheme_snapshot(scheme, items) -> dict:
    """A JSON-safe copy of a scheme and its items: what a computed year keeps."""
    from .rules import rule_explain

    out = {
        "scheme_id": scheme.pk,
        "name": scheme.name,
        "partial_year": scheme.partial_year,
        "excellent_min": str(scheme.excellent_min),
        "competent_min": str(scheme.competent_min),
        "basic_min": str(scheme.basic_min),
        "excellent_max_percent": scheme.excellent_max_percent,
        "items": [],
    }
    for item in items:
        entry = {
            "key": str(item.pk),
            "scope": item.scope,
            "category": item.category,
            "name": item.name,
            "source": item.source,
            "rule": item.rule,
            "points": str(item.points),
            "step": str(item.step),
            "count": item.count,
            "floor": None if item.floor is None else str(item.floor),
            "cap": None if item.cap is None else str(item.cap),
        }
        entry["explain"] = rule_explain(entry)
        out["items"].append(entry)
    return out


def deputy_lines(snapshot, *, deputy_id, served_days, year_days, counts, adjustments):
    """Each item's count, the count used (prorated), points, and the manual adjustment."""
    lines = []
    for item in items_for(snapshot, DEPUTY):
        key = item["key"]
        adjustment, reason = adjustments.get((deputy_id, key), (Decimal(0), ""))
        if item["source"] == MANUAL:
            line = {"item": key, "count": None, "effective": None, "points": "0.0"}
        else:
            count = counts.get(item["source"], {}).get(deputy_id, 0)
            mode = snapshot["partial_year"] if item["rule"] in EARNING_RULES else "full"
            effective = prorate_count(count, served_days=served_days, year_days=year_days, mode=mode)
            points = item_points(item, effective)
            line = {
                "item": key,
                "count": count,
                "effective": effective if effective != count else None,
                "points": str(points),
            }
        line["adjustment"] = str(q1(adjustment))
        line["reason"] = reason
        line["total"] = str(q1(d(line["points"]) + d(adjustment)))
        lines.append(line)
    return lines


def township_score(snapshot, *, deputies, counts, adjustments, year_days, dormant):
    """Score every deputy of one township.

    deputies: [(deputy_id, served_days, group_id)]; counts: {source: {deputy_id: n}};
    adjustments: {(deputy_id, item_key): (Decimal points, reason)}.
    dormant: the ids of the deputies who are 三不代表 (see dormancy.py).
    Returns dicts with lines, totals, rank, grade and the dormant flag, in input order.
    """
    mode = snapshot["partial_year"]
    rows = []
    for deputy_id, served_days, group_id in deputies:
        if mode == "exclude" and served_days < year_days:
            continue
        lines = deputy_lines(
            snapshot,
            deputy_id=deputy_id,
            served_days=served_days,
            year_days=year_days,
            counts=counts,
            adjustments=adjustments,
        )
        computed = sum((d(line["points"]) for line in lines), Decimal(0))
        adjusted = sum((d(line["adjustment"]) for line in lines), Decimal(0))
        rows.append(
            {
                "deputy_id": deputy_id,
                "group_id": group_id,
                "served_days": served_days,
                "lines": lines,
                "computed_total": q1(computed),
                "adjustment_total": q1(adjusted),
                "total": q1(computed + adjusted),
                "dormant": deputy_id in dormant,
            }
        )
    totals = [r["total"] for r in rows]
    ranks = competition_ranks(totals)
    grades = grades_assign(
        totals,
        excellent_min=snapshot["excellent_min"],
        competent_min=snapshot["competent_min"],
        basic_min=snapshot["basic_min"],
        excellent_max_percent=snapshot.get("excellent_max_percent"),
    )
    for row, rank, grade in zip(rows, ranks, grades):
        row["rank"], row["grade"] = rank, grade
    return rows


def group_score(snapshot, *, groups, counts):
    """Score every deputy group from the items scored for groups.

    groups: [(group_id, members scored)]; counts: {source: {group_id: n}} (group counts: a
    group's distinct proposals, its members who spoke, 1 when all members attended …).
    Groups are not prorated. Returns dicts with lines, total and rank, in input order."""
    items = items_for(snapshot, GROUP)
    if not items:
        return []
    rows = []
    for group_id, members in groups:
        lines = []
        for item in items:
            if item["source"] == MANUAL:
                count, points = None, Decimal(0)
            else:
                count = counts.get(item["source"], {}).get(group_id, 0)
                points = item_points(item, count)
            lines.append({"item": item["key"], "count": count, "points": str(points), "total": str(points)})
        total = q1(sum((d(line["points"]) for line in lines), Decimal(0)))
        rows.append({"group_id": group_id, "members": members, "lines": lines, "total": total})
    for row, rank in zip(rows, competition_ranks([r["total"] for r in rows])):
        row["rank"] = rank
    return rows
