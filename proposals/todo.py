"""The proposals' lines of the home page's to-do list (renda.core.figures.TODO_LINES)."""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from renda.core.figures import TodoAsk, TodoLine
from renda.core.todo import todo_counts, todo_line, todo_url

from .models import DUE_SOON_DAYS, Proposal

LABELS = {
    "overdue": _("Replies overdue"),
    "due_soon": _("Replies due within 7 days"),
    "to_reply": _("Proposals my unit has to reply to"),
    "to_register": _("Suggestions waiting to be registered (立案)"),
    "to_evaluate": _("Replies waiting for the deputy's evaluation"),
}
REGISTER = "proposals:list"


def proposal_counts(*, qs, today):
    """Counts of the proposal lines over `qs` (already scoped), and the first row of each."""
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    open_q = Q(state__in=Proposal.OPEN_HANDLING_STATES)
    filters = {
        "overdue": open_q & Q(deadline__lt=today),
        "due_soon": open_q & Q(deadline__gte=today, deadline__lte=soon),
        "to_reply": open_q,
        "to_register": Q(state=Proposal.State.SUBMITTED),
        "to_evaluate": Q(state=Proposal.State.REPLIED),
    }
    return todo_counts(qs, filters)


def _proposal_one(pk):
    return todo_url("proposals:detail", pk)


def proposal_todo_lines(*, ask: TodoAsk) -> list[TodoLine]:
    """A handling unit's replies to write; the office's proposals to register, to follow and to
    have evaluated."""
    access = ask.access
    counts = proposal_counts(
        qs=access.scope(Proposal).filter(township_id__in=ask.township_ids), today=ask.today
    )

    def line(key, order, url, urgent=False):
        return todo_line(key, LABELS[key], counts[key], url, _proposal_one, order=order, urgent=urgent)

    if access.is_handling_unit:
        return [
            line("to_reply", 10, todo_url(REGISTER, state="")),
            line("overdue", 11, todo_url(REGISTER, overdue="on"), urgent=True),
            line("due_soon", 12, todo_url(REGISTER, due_soon="on")),
        ]
    lines = [
        line("overdue", 11, todo_url(REGISTER, overdue="on", year=""), urgent=True),
        line("due_soon", 12, todo_url(REGISTER, due_soon="on", year="")),
    ]
    if not access.is_chair:
        lines.append(line("to_register", 13, todo_url(REGISTER, state="submitted", year="")))
    lines.append(line("to_evaluate", 14, todo_url(REGISTER, state="replied", year="")))
    return lines
