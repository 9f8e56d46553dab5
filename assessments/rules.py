"""Pure scoring functions: counts in, points out. No ORM, so every rule is testable on numbers.

An item is described by a plain dict (the scheme snapshot): rule, points, step, count, floor, cap.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from renda.core.exceptions import ApplicationError

ONE_PLACE = Decimal("0.1")
EXCELLENT, COMPETENT, BASIC, INCOMPETENT = "excellent", "competent", "basic", "incompetent"


def d(value) -> Decimal:
    if value is None or value == "":
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


def q1(value: Decimal) -> Decimal:
    return d(value).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def rule_points(*, rule: str, count, points, step=0, baseline=1, floor=None, cap=None) -> Decimal:
    """Points of one item for a count (an int, or a float once prorated).

    - fixed: `points` when count >= baseline (the minimum), else 0;
    - baseline: `points` at `baseline` items, each item more or fewer adds or removes `step`
      ("3条(10分)，每增减1条增减5分");
    - per_occurrence: `points` for each occurrence;
    - first_further: `points` for the first occurrence, `step` for each further one
      ("审议发言10分，每增加1名加5分");
    - deduction: minus `step` (or `points` when step is 0) for each occurrence.
    Then the floor and cap bound the result.
    """
    c = d(count)
    points, step = d(points) or Decimal(0), d(step) or Decimal(0)
    if c < 0:
        raise ValueError("negative count")
    if rule == "fixed":
        value = points if c >= baseline else Decimal(0)
    elif rule == "baseline":
        value = points + (c - baseline) * step
    elif rule == "per_occurrence":
        value = c * points
    elif rule == "first_further":
        value = Decimal(0) if c <= 0 else points + (max(c, 1) - 1) * step
    elif rule == "deduction":
        value = -c * (step or points)
    else:
        raise ValueError(f"unknown rule {rule}")
    floor, cap = d(floor), d(cap)
    if floor is not None and value < floor:
        value = floor
    if cap is not None and value > cap:
        value = cap
    return q1(value)


def item_points(item: dict, count) -> Decimal:
    return rule_points(
        rule=item["rule"],
        count=count,
        points=item["points"],
        step=item.get("step", 0),
        baseline=item.get("count", 1),
        floor=item.get("floor"),
        cap=item.get("cap"),
    )


def rule_explain(item: dict) -> str:
    """The rule in words, for the score card and the scheme editor."""
    rule, points, step, count = (
        item["rule"],
        d(item["points"]),
        d(item.get("step") or 0),
        item.get("count", 1),
    )
    if rule == "fixed":
        text = _("%(points)s points when the count is at least %(count)s") % {
            "points": points,
            "count": count,
        }
    elif rule == "baseline":
        text = _("%(count)s items = %(points)s points, each item more or fewer ±%(step)s") % {
            "count": count,
            "points": points,
            "step": step,
        }
    elif rule == "per_occurrence":
        text = _("%(points)s points each") % {"points": points}
    elif rule == "first_further":
        text = _("%(points)s points for the first, +%(step)s for each further one") % {
            "points": points,
            "step": step,
        }
    elif rule == "deduction":
        text = _("−%(step)s points each") % {"step": step or points}
    else:
        text = rule
    bounds = []
    if item.get("floor") not in (None, ""):
        bounds.append(_("floor %(floor)s") % {"floor": d(item["floor"])})
    if item.get("cap") not in (None, ""):
        bounds.append(_("cap %(cap)s") % {"cap": d(item["cap"])})
    return text + (" (" + ", ".join(bounds) + ")" if bounds else "")


def prorate_count(count: int, *, served_days: int, year_days: int, mode: str):
    """The count a deputy would have reached over the whole year (mode 'prorate'), else the count."""
    if mode != "prorate" or served_days >= year_days or served_days <= 0:
        return count
    return round(count * year_days / served_days, 2)


def competition_ranks(totals: list) -> list:
    """Ranks 1, 2, 2, 4 … for totals (any order); returns ranks in the same order."""
    order = sorted(range(len(totals)), key=lambda i: totals[i], reverse=True)
    ranks = [0] * len(totals)
    previous, rank = None, 0
    for position, i in enumerate(order, start=1):
        if totals[i] != previous:
            rank, previous = position, totals[i]
        ranks[i] = rank
    return ranks


def grades_assign(
    totals: list, *, excellent_min, competent_min, basic_min, excellent_max_percent=None
) -> list:
    """Grades by threshold; with a percentage cap, only the best may be 优秀, and a tie that would
    cross the cap is graded 称职 as a whole (the cap is never exceeded)."""
    excellent_min, competent_min, basic_min = d(excellent_min), d(competent_min), d(basic_min)

    def by_threshold(t):
        if t >= excellent_min:
            return EXCELLENT
        if t >= competent_min:
            return COMPETENT
        if t >= basic_min:
            return BASIC
        return INCOMPETENT

    grades = [by_threshold(d(t)) for t in totals]
    if excellent_max_percent is not None:
        allowed = len(totals) * int(excellent_max_percent) // 100
        candidates = sorted(
            (i for i, g in enumerate(grades) if g == EXCELLENT), key=lambda i: totals[i], reverse=True
        )
        kept = 0
        position = 0
        while position < len(candidates):
            tie = [i for i in candidates[position:] if totals[i] == totals[candidates[position]]]
            if kept + len(tie) > allowed:
                for i in candidates[position:]:
                    grades[i] = COMPETENT
                break
            kept += len(tie)
            position += len(tie)
    return grades


def thresholds_check(*, excellent_min, competent_min, basic_min) -> str | None:
    """A message when the grade thresholds are not in a sensible order, else None."""
    if excellent_min is None or competent_min is None or basic_min is None:
        return None
    if not (d(excellent_min) > d(competent_min) > d(basic_min)):
        return _("Thresholds must fall from 优秀 to 称职 to 基本称职: each must be higher than the next.")
    return None


# --- a scheme's fields and an item's sanity (the form and the services share them) ----------

SCHEME_FIELDS = [
    "name",
    "partial_year",
    "excellent_min",
    "competent_min",
    "basic_min",
    "excellent_max_percent",
    "notes",
]
ITEM_FIELDS = [
    "order",
    "scope",
    "category",
    "name",
    "source",
    "rule",
    "points",
    "step",
    "count",
    "floor",
    "cap",
]


def year_bounds(year: int) -> tuple[dt.date, dt.date, int]:
    """(first day, last day, number of days) of a year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return start, end, (end - start).days + 1


def item_validate(data) -> None:
    """Raise ApplicationError on an item that cannot make sense."""
    floor, cap = data.get("floor"), data.get("cap")
    if floor is not None and cap is not None and cap < floor:
        raise ApplicationError(_("The cap cannot be below the floor."), field="cap")
    if data.get("count") is not None and data["count"] < 0:
        raise ApplicationError(_("A count cannot be negative."), field="count")
    if (
        data.get("rule") in ("per_occurrence", "first_further", "fixed")
        and data.get("points") is not None
        and data["points"] < 0
    ):
        raise ApplicationError(_("Use the deduction rule for negative points."), field="points")
    if data.get("rule") == "deduction" and not (data.get("step") or data.get("points")):
        raise ApplicationError(_("Give the points deducted for each occurrence."), field="step")
    if data.get("rule") == "deduction" and (data.get("step") or 0) < 0:
        raise ApplicationError(_("Give the deduction as a positive number of points."), field="step")
