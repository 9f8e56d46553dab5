"""{% rates_cells r %} writes the same cells as the template include it replaced
(templates/proposals/_rates_row.html), in both languages, for every kind of value."""

import pytest
from django.template import Context, Template
from django.utils import translation

from proposals.counting import stats_finish
from proposals.summaries import FIGURE_KEYS

# the include, as it was
INCLUDE = (
    '<td class="text-end">{{ r.total }}</td><td class="text-end">{{ r.closed }}</td>'
    '<td class="text-end{% if r.overdue %} text-danger fw-bold{% endif %}">{{ r.overdue }}</td>\n'
    + "".join(
        f'<td class="text-end">{{{{ r.{name}|default_if_none:"—" }}}}{{% if r.{name} is not None %}}%{{% endif %}}</td>\n'
        for name in ("closed_rate", "on_time_rate", "met_rate", "satisfied_rate")
    )
)


def _row(**counts):
    return stats_finish({**dict.fromkeys(FIGURE_KEYS, 0), **counts})


ROWS = [
    _row(),  # no item: every rate missing
    _row(received=3, received_closed=1, replied=3, on_time=2, met=3, evaluated=1, satisfied=1, overdue=2),
    _row(received=12345, carried_over=7, received_closed=12345, replied=7, on_time=0, closed=12000),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cells_are_those_of_the_include(language):
    with translation.override(language):
        for row in ROWS:
            ours = Template("{% load proposal_rates %}{% rates_cells r %}").render(Context({"r": row}))
            assert ours == Template(INCLUDE).render(Context({"r": row}))
    assert "—" in ours or "%" in ours
