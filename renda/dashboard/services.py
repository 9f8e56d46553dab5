"""Writes of the dashboard app: the secretary's text of the year-end work report."""

from django.db import transaction
from django.utils.translation import gettext as _

from renda.core.access import authorize
from renda.core.exceptions import ApplicationError
from renda.core.history import history_actor
from renda.core.models import Township

from .models import WorkReportText


def work_report_text_save(
    *, township: Township, year: int, opening: str, problems: str, plans: str, by
) -> WorkReportText:
    """Create or update the secretary's part of a township's work report for a year."""
    authorize(by, township)
    if not (problems or "").strip():
        raise ApplicationError(_("Please describe the existing problems."), field="problems")
    if not (plans or "").strip():
        raise ApplicationError(_("Please describe the plans for the next stage."), field="plans")
    with transaction.atomic():
        text, _created = WorkReportText.objects.select_for_update().get_or_create(
            township=township, year=year, defaults={"problems": problems, "plans": plans}
        )
        text.opening, text.problems, text.plans = opening.strip(), problems.strip(), plans.strip()
        history_actor(text, by)
        text.save(update_fields=["opening", "problems", "plans", "updated_at"])
    return text
