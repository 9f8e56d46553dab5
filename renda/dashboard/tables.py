"""The county dashboard as a table of plain values: the page and the .xlsx export share it."""

from django.utils.translation import gettext as _

from renda.core import xlsx

from .selectors import score_grades


def _grade_labels():
    """{grade: label} of the score card, best first, as the assessments app publishes them
    (renda.core.figures.SCORE_GRADES); empty without a provider."""
    return dict(score_grades())


def grades_text(grades):
    labels = _grade_labels()
    order = list(labels) + [g for g in grades if g not in labels]
    return " ".join(f"{labels.get(g, g)} {grades[g]}" for g in order if grades.get(g))


def _headers(grade_labels):
    quarters = [_("Q1"), _("Q2"), _("Q3"), _("Q4")]
    return [
        _("Township"),
        _("Deputies"),
        _("National / provincial / city"),
        _("County"),
        _("Township level"),
        _("Sessions held"),
        *[_("Presidium meetings %(quarter)s") % {"quarter": q} for q in quarters],
        _("Deputy groups"),
        *[_("Groups active %(quarter)s") % {"quarter": q} for q in quarters],
        _("Receptions"),
        _("Months with a reception"),
        _("Trainings"),
        _("Proposals received"),
        _("Carried over"),
        _("Closed"),
        _("Overdue"),
        _("Closing rate"),
        _("On-time reply rate"),
        _("Meeting rate"),
        _("Satisfaction rate"),
        _("Dormant deputies"),
        _("Average score"),
        *[str(label) for label in grade_labels.values()],
    ]


def _values(r, grade_order):
    """One township's cells, in the order of the headers."""
    higher = sum(r.deputies_by_level.get(lv, 0) for lv in ("national", "provincial", "city"))
    presidium = list(r.presidium_per_quarter) if r.township.has_presidium else [None] * 4
    groups = list(r.groups_active_per_quarter) if r.groups else [None] * 4
    return [
        r.township.name,
        r.deputies_total,
        higher,
        r.deputies_by_level.get("county", 0),
        r.deputies_by_level.get("township", 0),
        r.sessions,
        *presidium,
        r.groups,
        *groups,
        r.receptions,
        r.reception_months,
        r.trainings,
        r.received,
        r.carried_over,
        r.closed,
        r.overdue,
        xlsx.percent(r.closed_rate),
        xlsx.percent(r.on_time_rate),
        xlsx.percent(r.met_rate),
        xlsx.percent(r.satisfied_rate),
        r.dormant,
        float(r.score_average) if r.score_state and r.score_average is not None else None,
        *[(r.grades.get(g, 0) if r.score_state else None) for g in grade_order],
    ]


def _colours(r, grades):
    """One township's cell colours: the quota lights on the figures they judge."""
    lights = r.lights
    return (
        [""] * 5
        + [lights["session"].colour]
        + [lights["presidium"].colour] * 4
        + [""]
        + [lights["groups"].colour] * 4
        + [lights["receptions"].colour] * 2
        + [lights["trainings"].colour]
        + ["", "", "", lights["overdue"].colour]
        + [""] * (6 + grades)
    )


def dashboard_table(rows, *, year):
    """Headers, values, number formats and light colours of the dashboard table (the .xlsx
    export): one figure a cell, numbers as numbers, rates as fractions shown as percentages."""
    labels = _grade_labels()
    grade_order = list(labels)
    formats = [None] * 22 + ["percent"] * 4 + [None, "score"] + [None] * len(grade_order)
    legend = _(
        "Colours: green = quota met; yellow = not met yet, the period is still running; red = quota "
        "missed; no colour = not applicable. Quotas: a session a year, a presidium meeting a quarter, "
        "every group active each quarter, a reception every month, a training a year, no overdue proposal."
    )
    return {
        "headers": _headers(labels),
        "rows": [_values(r, grade_order) for r in rows],
        "colours": [_colours(r, len(grade_order)) for r in rows],
        "formats": formats,
        "legend": legend,
    }
