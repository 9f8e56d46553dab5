"""Helpers of the apps' to-do lines (renda.core.figures.TODO_LINES): counts and links.

Every count comes from one aggregate query per table: `Count(filter=Q(...))` and
`Min("pk", filter=...)` (the record a line of one links to) in the same `aggregate()` call.
"""

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.http import urlencode

from .figures import TodoLine

Counted = tuple[int, int | None]  # (how many, the first one's pk)


def todo_counts(qs, filters) -> dict[str, Counted]:
    """{key: (count, first pk)} of the rows of `qs` matching each filter; one query."""
    exprs = {}
    for key, q in filters.items():
        exprs[f"{key}_n"] = Count("pk", filter=q)
        exprs[f"{key}_first"] = Min("pk", filter=q)
    row = qs.order_by().aggregate(**exprs)
    return {key: (row[f"{key}_n"] or 0, row[f"{key}_first"]) for key in filters}


def todo_url(name, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def todo_line(key, label, counted: Counted, url_many, url_one=None, *, order, urgent=False) -> TodoLine:
    """A line linking to the record when there is one (`url_one(first)`), else to the list."""
    count, first = counted
    url = url_one(first) if (url_one and count == 1 and first) else url_many
    return TodoLine(key=key, label=label, count=count, url=url, urgent=urgent, order=order)
