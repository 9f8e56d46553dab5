"""The shipped default scheme: the seed-003 rules plus group activity, voter contact, training and 述职.

Item names and groups are data (Chinese, as printed on the county's scoresheet), not UI text.
"""

from decimal import Decimal

GRADE_DEFAULTS = {
    "excellent_min": Decimal("60"),
    "competent_min": Decimal("40"),
    "basic_min": Decimal("20"),
    "excellent_max_percent": 20,
    "partial_year": "prorate",
}

# (category, name, source, rule, points, step, count, floor, cap, needs_presidium)
DEFAULT_ITEMS = [
    ("会议", "出席人代会", "session_perfect", "fixed", 10, 0, 1, None, None, False),
    ("会议", "人代会无故缺席", "session_unexcused", "deduction", 0, 5, 1, -10, None, False),
    ("会议", "审议发言", "speeches", "first_further", 10, 5, 1, None, 20, False),
    ("会议", "出席主席团会议", "presidium_perfect", "fixed", 5, 0, 1, None, None, True),
    ("会议", "主席团会议无故缺席", "presidium_unexcused", "deduction", 0, 5, 1, -10, None, True),
    ("建议", "书面议案建议", "proposals_any", "baseline", 10, 5, 3, None, 30, False),
    ("活动", "代表小组活动", "group_activities", "per_occurrence", 2, 0, 1, None, 10, False),
    ("活动", "视察调研检查", "inspections", "per_occurrence", 2, 0, 1, None, 10, False),
    ("活动", "接待选民", "receptions", "per_occurrence", 2, 0, 1, None, 10, False),
    ("活动", "联系走访选民", "voter_contacts", "fixed", 5, 0, 2, None, None, False),
    ("活动", "学习培训", "trainings", "fixed", 5, 0, 1, None, None, False),
    ("述职", "向选民述职", "report_done", "fixed", 5, 0, 1, None, None, False),
    ("述职", "述职测评优秀", "report_excellent", "fixed", 5, 0, 1, None, None, False),
]


def default_items(*, has_presidium=True):
    """Field dicts of the default items; a subdistrict (no presidium) gets no presidium items."""
    items = []
    for order, (category, name, source, rule, points, step, count, floor, cap, presidium) in enumerate(
        DEFAULT_ITEMS
    ):
        if presidium and not has_presidium:
            continue
        items.append(
            {
                "order": (order + 1) * 10,
                "category": category,
                "name": name,
                "source": source,
                "rule": rule,
                "points": Decimal(points),
                "step": Decimal(step),
                "count": count,
                "floor": None if floor is None else Decimal(floor),
                "cap": None if cap is None else Decimal(cap),
            }
        )
    return items
