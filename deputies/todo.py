"""The roster's line of the home page's to-do list (renda.core.figures.TODO_LINES)."""

from django.utils.translation import gettext_lazy as _

from renda.core.figures import TodoAsk, TodoLine
from renda.core.todo import todo_line, todo_url

IMPORT_SESSION_PREFIX = "roster_import_"
LABEL = _("Roster imports waiting for confirmation")


def pending_imports(session) -> int:
    """Roster imports checked and waiting for the user's confirmation (kept in the session)."""
    return sum(1 for key in session.keys() if key.startswith(IMPORT_SESSION_PREFIX))


def deputy_todo_lines(*, ask: TodoAsk) -> list[TodoLine]:
    """A township secretary's roster imports waiting for confirmation."""
    access = ask.access
    if access.is_handling_unit or access.is_county or access.is_chair:
        return []
    counted = (pending_imports(ask.session or {}), None)
    return [todo_line("imports", LABEL, counted, todo_url("deputies:import"), order=40)]
