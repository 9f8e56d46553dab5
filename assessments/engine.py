"""Scoring one township's year from counts already gathered: pure Python, no ORM."""

from decimal import Decimal

from .rules import competition_ranks, d, grades_assign, item_points, prorate_count, q1

MANUAL = "manual"


def scheme_snapshot(scheme, items) -> dict:
    """A JSON-safe copy of a scheme and its items: what a computed year keeps."""
    from .rules import rule_explain

    out = {
        "scheme_id": scheme.pk,
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
    for item in snapshot["items"]:
        key = item["key"]
        adjustment, reason = adjustments.get((deputy_id, key), (Decimal(0), ""))
        if item["source"] == MANUAL:
            line = {"item": key, "count": None, "effective": None, "points": "0.0"}
        else:
            count = counts.get(item["source"], {}).get(deputy_id, 0)
            effective = prorate_count(
                count, served_days=served_days, year_days=year_days, mode=snapshot["partial_year"]
            )
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


def township_score(snapshot, *, deputies, counts, adjustments, year_days, dormant_sources):
    """Score every deputy of one township.

    deputies: [(deputy_id, served_days, group_id)]; counts: {source: {deputy_id: n}};
    adjustments: {(deputy_id, item_key): (Decimal points, reason)}.
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
                "dormant": not any(counts.get(s, {}).get(deputy_id) for s in dormant_sources),
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


def served_days_in_year(periods, *, start, end) -> int:
    """Days in [start, end] covered by any of the (start_date, end_date or None) periods: the
    roster's one definition (deputies.selectors.served_days)."""
    from deputies.selectors import served_days

    return served_days(periods, start=start, end=end)
