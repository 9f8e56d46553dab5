"""Shipped schemes. The default reproduces seed 003 (《###镇人大代表考核办法》) literally:

    三、各代表小组组织代表参加人大会议，做到不缺席，不迟到，不早退（10分）。
        书面提出议案建议批评意见3条（10分），每增减1条增减5分。
        各代表小组有1名代表作审议发言（10分），每增加1名加5分。
    四、各代表小组按通知要求参加主席团会议，做到不无故缺席迟到早退（5分）。

Read literally: no cap on written items; only 无故 (unexcused) presidium absence loses the 5
points (an excused absence does not); missing the session loses its 10 points and nothing more;
the +5 is per further *speaker* (a deputy's count of speakers is 0 or 1, a group's is the number
of its members who spoke). The seed addresses its rules to 各代表小组, so every rule is scored for
each deputy and for each group. Everything else a township may want (a cap, excused absences
counted as missed, points per speech, deductions for unexcused absence, activity items from the
other seeds) is an item option or the second preset.

Item names and groups are data (Chinese, as printed on the county's scoresheet), not UI text.
"""

from decimal import Decimal

SEED_003 = "seed003"
SEED_003_ACTIVITIES = "seed003_activities"
DEFAULT_PRESET = SEED_003

# (scope, category, name, source, rule, points, step, count, floor, cap, needs_presidium)
_SEED_003_ITEMS = [
    ("deputy", "会议", "出席人代会", "session_perfect", "fixed", 10, 0, 1, None, None, False),
    ("deputy", "建议", "书面议案建议", "proposals_any", "baseline", 10, 5, 3, None, None, False),
    ("deputy", "会议", "审议发言", "speakers", "first_further", 10, 5, 1, None, None, False),
    ("deputy", "会议", "出席主席团会议", "presidium_ok", "fixed", 5, 0, 1, None, None, True),
    ("group", "小组", "组织出席人代会", "session_perfect", "fixed", 10, 0, 1, None, None, False),
    ("group", "小组", "书面议案建议", "proposals_any", "baseline", 10, 5, 3, None, None, False),
    ("group", "小组", "审议发言", "speakers", "first_further", 10, 5, 1, None, None, False),
    ("group", "小组", "参加主席团会议", "presidium_ok", "fixed", 5, 0, 1, None, None, True),
]

# The duties the other seeds add (小组活动要参加, 联系选民要热心, 学习培训, 述职, 工作评议).
_ACTIVITY_ITEMS = [
    ("deputy", "活动", "代表小组活动", "group_activities", "per_occurrence", 2, 0, 1, None, 10, False),
    ("deputy", "活动", "视察调研检查", "inspections", "per_occurrence", 2, 0, 1, None, 10, False),
    ("deputy", "活动", "工作评议", "evaluations", "per_occurrence", 2, 0, 1, None, 10, False),
    ("deputy", "活动", "接待选民", "receptions", "per_occurrence", 2, 0, 1, None, 10, False),
    ("deputy", "活动", "联系走访选民", "voter_contacts", "fixed", 5, 0, 2, None, None, False),
    ("deputy", "活动", "学习培训", "trainings", "fixed", 5, 0, 1, None, None, False),
    ("deputy", "述职", "向选民述职", "report_done", "fixed", 5, 0, 1, None, None, False),
    ("deputy", "述职", "述职测评优秀", "report_excellent", "fixed", 5, 0, 1, None, None, False),
]

PRESETS = {
    SEED_003: {
        "name": "###镇人大代表考核办法（种子003）",
        "grades": {
            "excellent_min": Decimal("30"),
            "competent_min": Decimal("20"),
            "basic_min": Decimal("10"),
            "excellent_max_percent": 20,
            "partial_year": "prorate",
        },
        "items": _SEED_003_ITEMS,
    },
    SEED_003_ACTIVITIES: {
        "name": "种子003考核办法加代表活动项目",
        "grades": {
            "excellent_min": Decimal("60"),
            "competent_min": Decimal("40"),
            "basic_min": Decimal("20"),
            "excellent_max_percent": 20,
            "partial_year": "prorate",
        },
        "items": _SEED_003_ITEMS[:4] + _ACTIVITY_ITEMS + _SEED_003_ITEMS[4:],
    },
}

GRADE_DEFAULTS = dict(PRESETS[DEFAULT_PRESET]["grades"])


def preset_choices():
    return [(key, p["name"]) for key, p in PRESETS.items()]


def preset_fields(preset=DEFAULT_PRESET) -> dict:
    """The scheme fields (name, thresholds, partial-year mode) of a preset."""
    p = PRESETS[preset]
    return {"name": p["name"], **p["grades"]}


def default_items(*, has_presidium=True, preset=DEFAULT_PRESET):
    """Field dicts of a preset's items; a subdistrict (no presidium) gets no presidium items."""
    items = []
    for order, (scope, category, name, source, rule, points, step, count, floor, cap, presidium) in enumerate(
        PRESETS[preset]["items"]
    ):
        if presidium and not has_presidium:
            continue
        items.append(
            {
                "order": (order + 1) * 10,
                "scope": scope,
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
