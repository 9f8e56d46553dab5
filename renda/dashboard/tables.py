"""The county dashboard as a table of plain values: the page and the .xlsx export share it."""

from django.apps import apps
from django.utils.translation import gettext as _


def _pct(value):
    return "" if value is None else f"{value:.1f}%"


def grades_text(grades):

    try:
        labels = dict(apps.get_model("assessments", "ScoreResult").Grade.choices)
    except LookupError:
        labels = {}
    order = list(labels) + [g for g in grades if g not in labels]
    return " ".join(f"{labels.get(g, g)} {grades[g]}" for g in order if grades.get(g))


def dashboard_table(rows, *, year):
    """Headers, values and light colours of the dashboard table (used by the .xlsx export)."""
    headers = [
        _("Township"),
        _("Deputies"),
        _("National / provincial / city"),
        _("County"),
        _("Township level"),
        _("Sessions held"),
        _("Presidium meetings Q1–Q4"),
        _("Groups active Q1–Q4"),
        _("Receptions (months with one)"),
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
        _("Grades"),
    ]
    values, colours = [], []
    for r in rows:
        higher = sum(r.deputies_by_level.get(lv, 0) for lv in ("national", "provincial", "city"))
        groups = " ".join(f"{n}/{r.groups}" for n in r.groups_active_per_quarter) if r.groups else "—"
        values.append(
            [
                r.township.name,
                r.deputies_total,
                higher,
                r.deputies_by_level.get("county", 0),
                r.deputies_by_level.get("township", 0),
                r.sessions,
                " ".join(str(n) for n in r.presidium_per_quarter) if r.township.has_presidium else "—",
                groups,
                f"{r.receptions} ({r.reception_months})",
                r.trainings,
                r.received,
                r.carried_over,
                r.closed,
                r.overdue,
                _pct(r.closed_rate),
                _pct(r.on_time_rate),
                _pct(r.met_rate),
                _pct(r.satisfied_rate),
                r.dormant,
                float(r.score_average) if r.score_state else "",
                grades_text(r.grades),
            ]
        )
        lights = r.lights
        colours.append(
            [""] * 5
            + [
                lights["session"].colour,
                lights["presidium"].colour,
                lights["groups"].colour,
                lights["receptions"].colour,
                lights["trainings"].colour,
            ]
            + ["", "", "", lights["overdue"].colour]
            + [""] * 7
        )
    legend = _(
        "Colours: green = quota met; yellow = not met yet, the period is still running; red = quota "
        "missed; no colour = not applicable. Quotas: a session a year, a presidium meeting a quarter, "
        "every group active each quarter, a reception every month, a training a year, no overdue proposal."
    )
    return {"headers": headers, "rows": values, "colours": colours, "legend": legend}
