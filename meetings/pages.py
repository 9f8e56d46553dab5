"""What the dashboard's pages show of the meetings (renda.core.figures)."""

from .models import Activity, PlannedActivity


def record_list_url(*, model) -> str | None:
    """The list behind a drill-down of activities or of planned activities."""
    return {Activity: "meetings:index", PlannedActivity: "meetings:plans"}.get(model)
