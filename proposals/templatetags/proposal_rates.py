"""{% rates_cells row %}: the cells of one row of proposal figures (items, closed, overdue and the
four rates) on the statistics page, the same HTML templates/proposals/_rates_row.html wrote, in
one call a row: the include resolved and localised each of its dozen variables through the
template engine, and a county's page has a row for each of its 200 townships."""

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_RATES = ("closed_rate", "on_time_rate", "met_rate", "satisfied_rate")


@register.simple_tag
def rates_cells(row) -> SafeString:
    overdue = row["overdue"]
    cells = [
        format_html(
            '<td class="text-end">{}</td><td class="text-end">{}</td><td class="text-end{}">{}</td>\n',
            localize(row["total"]),
            localize(row["closed"]),
            " text-danger fw-bold" if overdue else "",
            localize(overdue),
        )
    ]
    for name in _RATES:
        rate = row[name]
        cells.append(
            format_html('<td class="text-end">{}</td>\n', "—" if rate is None else f"{localize(rate)}%")
        )
    return mark_safe("".join(cells))  # noqa: S308 - each cell made by format_html
