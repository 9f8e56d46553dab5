"""The county figures (selectors.county_figures) kept in the records cache
(renda.core.records_cache: dropped by any committed write to the records they are computed from).

Key: the records' generation, the year, the day (figures such as "overdue" and the traffic
lights depend on today), the language (light notes are translated text) and the townships asked
for. A cached answer costs one cache read instead of the twenty-odd aggregate queries of the
live computation.
"""

from django.utils import timezone

from renda.core import records_cache

from . import selectors


def county_figures(*, townships, year, today=None):
    """selectors.county_figures, from the cache when nothing was written since it was computed."""
    today = today or timezone.localdate()
    townships = list(townships)
    rows = records_cache.remember(
        "county-figures",
        (year, [t.pk for t in townships]),
        lambda: selectors.county_figures(townships=townships, year=year, today=today),
        today=today,
    )
    by_pk = {t.pk: t for t in townships}
    for row in rows:  # the caller's township objects, not the pickled copies
        row.township = by_pk.get(row.township.pk, row.township)
    return rows
