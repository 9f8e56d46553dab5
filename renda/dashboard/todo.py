"""The home page's to-do list (工作台): what the signed-in user has to do now, one line per kind
of task, each with its count and a link to the record (one) or the filtered list (several).

Every app publishes its lines under renda.core.figures.TODO_LINES (`<app>/todo.py`); this module
asks them all and puts the lines in order. Each app counts with a fixed number of aggregate
queries, whatever the number of townships or rows.

Lines per role:
- township secretary: everything of the township;
- township chair: their sign-offs first (scores to lock), then what the presidium follows;
- handling unit: the proposals of their unit to reply to, overdue and due soon;
- county users: the same figures across the townships they see (or the one picked).
"""

from renda.core import hooks
from renda.core.access import access_for
from renda.core.figures import TODO_LINES, TodoAsk, TodoLine


def todo_lines(*, user, township_ids, session=None, today) -> list[TodoLine]:
    """The to-do lines of `user` over `township_ids` (the townships the page is about)."""
    ask = TodoAsk(
        user=user,
        access=access_for(user),
        township_ids=list(township_ids),
        today=today,
        session=session or {},
    )
    lines = [line for answer in hooks.collect(TODO_LINES, ask=ask) for line in answer]
    return sorted(lines, key=lambda line: line.order)
