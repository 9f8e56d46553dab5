"""ECharts options of the county dashboard, built in Python and passed with json_script."""

from django.utils.translation import gettext as _

from . import selectors

COLOURS = ["#a4161a", "#1d3557", "#457b9d", "#2a9d8f", "#e9c46a", "#f4a261", "#6c757d", "#8d99ae"]


def _base(title):
    return {
        "color": COLOURS,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 20, "top": 40, "bottom": 60, "containLabel": True},
    }


def proposals_month_chart(*, township_ids, year):
    series = selectors.proposals_by_month(township_ids=township_ids, year=year)
    option = _base(_("Proposals received by month and current state, %(year)s") % {"year": year})
    option["xAxis"] = {"type": "category", "data": [_("Month %(m)s") % {"m": m} for m in range(1, 13)]}
    option["yAxis"] = {"type": "value", "minInterval": 1}
    option["series"] = [{"name": s.label, "type": "bar", "stack": "state", "data": s.data} for s in series]
    return option


def rates_chart(rows):
    option = _base(_("Handling rates by township (%)"))
    option["xAxis"] = {
        "type": "category",
        "data": [r.township.name for r in rows],
        "axisLabel": {"rotate": 30},
    }
    option["yAxis"] = {"type": "value", "max": 100}
    option["series"] = [
        {"name": name, "type": "bar", "data": [getattr(r, key) for r in rows]}
        for key, name in (
            ("closed_rate", _("Closing rate")),
            ("on_time_rate", _("On-time reply rate")),
            ("met_rate", _("Meeting rate")),
            ("satisfied_rate", _("Satisfaction rate")),
        )
    ]
    return option


def score_chart(rows):
    grades = selectors.score_grades()
    if not grades or not any(r.grades for r in rows):
        return None
    option = _base(_("Grade distribution of deputies by township"))
    option["xAxis"] = {
        "type": "category",
        "data": [r.township.name for r in rows],
        "axisLabel": {"rotate": 30},
    }
    option["yAxis"] = {"type": "value", "minInterval": 1}
    option["series"] = [
        {"name": label, "type": "bar", "stack": "grade", "data": [r.grades.get(grade, 0) for r in rows]}
        for grade, label in grades
    ]
    return option


def structure_chart(*, rows, township_ids, on):
    levels = {}
    for r in rows:
        for level, n in r.deputies_by_level.items():
            levels[level] = levels.get(level, 0) + n
    structure = selectors.deputy_structure(township_ids=township_ids, on=on)
    if structure is None:
        return None
    pies = [
        (_("Level"), [(label, levels.get(key, 0)) for key, label in structure.levels]),
        (_("Gender"), structure.gender),
        (_("Affiliation"), structure.affiliation),
        (_("Occupation"), structure.occupation),
    ]
    option = {
        "color": COLOURS,
        "title": [{"text": _("Structure of the deputies"), "left": "center", "textStyle": {"fontSize": 14}}]
        + [
            {"subtext": name, "left": f"{12.5 + 25 * i}%", "top": "8%", "textAlign": "center"}
            for i, (name, _data) in enumerate(pies)
        ],
        "tooltip": {"trigger": "item", "formatter": "{a}<br>{b}: {c} ({d}%)"},
        # four rings with their labels hidden: the legend names every slice's colour
        "legend": {"bottom": 0, "type": "scroll"},
        "series": [
            {
                "name": name,
                "type": "pie",
                "radius": ["25%", "45%"],
                "center": [f"{12.5 + 25 * i}%", "55%"],
                "avoidLabelOverlap": True,
                "label": {"show": False, "position": "center"},
                "emphasis": {"label": {"show": True, "fontSize": 13, "formatter": "{b}\n{c}"}},
                "data": [{"name": label, "value": n} for label, n in data if n],
            }
            for i, (name, data) in enumerate(pies)
        ],
    }
    return option


def dashboard_charts(*, rows, township_ids, year, today):
    charts = [
        ("chart-proposals", proposals_month_chart(township_ids=township_ids, year=year)),
        ("chart-rates", rates_chart(rows)),
        ("chart-scores", score_chart(rows)),
        (
            "chart-structure",
            structure_chart(rows=rows, township_ids=township_ids, on=selectors.reference_day(year, today)),
        ),
    ]
    return [(key, option) for key, option in charts if option]
