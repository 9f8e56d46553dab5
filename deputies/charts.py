"""ECharts options for the structure statistics (built in Python, shown by static/js/app.js)."""

from django.utils.translation import gettext as _


def _bar(title, rows):
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 16, "bottom": 60, "top": 40},
        "xAxis": {
            "type": "category",
            "data": [label for label, _n in rows],
            "axisLabel": {"interval": 0, "rotate": 30},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "type": "bar",
                "data": [n for _label, n in rows],
                "itemStyle": {"color": "#a4161a"},
                "label": {"show": True, "position": "top"},
            }
        ],
    }


def _pie(title, rows):
    return {
        "title": {"text": str(title), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "top": 30,
                "data": [{"name": label, "value": n} for label, n in rows if n],
                "label": {"formatter": "{b}\n{c}"},
            }
        ],
    }


def structure_charts(stats):
    """[(dom id, option)] for the structure page."""
    return [
        ("chart-level", _bar(_("By level"), stats["by_level"])),
        ("chart-gender", _pie(_("By gender"), stats["by_gender"])),
        ("chart-age", _bar(_("By age"), stats["by_age"])),
        ("chart-ethnicity", _pie(_("By ethnicity"), stats["by_ethnicity"])),
        ("chart-affiliation", _pie(_("By political affiliation"), stats["by_affiliation"])),
        ("chart-education", _bar(_("By education"), stats["by_education"])),
        ("chart-occupation", _bar(_("By occupation"), stats["by_occupation"])),
    ]
