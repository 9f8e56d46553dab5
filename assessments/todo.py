"""The assessments' line of the home page's to-do list (renda.core.figures.TODO_LINES)."""

from django.db.models import Count, Min, Q
from django.utils.translation import gettext_lazy as _

from renda.core.figures import TodoAsk, TodoLine
from renda.core.todo import todo_line, todo_url

from .models import Assessment

LABEL = _("Published scores waiting to be locked")


def assessment_counts(*, township_ids):
    """Published assessments not locked yet, and the earliest year among them."""
    published = Q(state=Assessment.State.PUBLISHED)
    row = Assessment.objects.filter(township_id__in=township_ids).aggregate(
        n=Count("pk", filter=published), year=Min("year", filter=published)
    )
    return {"to_lock": (row["n"] or 0, row["year"])}


def _scores_of_year(year):
    return todo_url("assessments:index", year=year)


def assessment_todo_lines(*, ask: TodoAsk) -> list[TodoLine]:
    """Scores to lock: the chair's sign-off comes first on their list, last on the others'."""
    if ask.access.is_handling_unit:
        return []
    chair = ask.access.is_chair
    counted = assessment_counts(township_ids=ask.township_ids)["to_lock"]
    url = todo_url("assessments:index")
    return [
        todo_line("to_lock", LABEL, counted, url, _scores_of_year, order=0 if chair else 90, urgent=chair)
    ]
