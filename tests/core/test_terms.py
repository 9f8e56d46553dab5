"""One answer to "which term covers a date": the query (term_on, terms_on) and the in-memory
rule the demo seeders use (covering) agree on every day around the terms' boundaries."""

import datetime as dt

from renda.core.models import Term
from renda.core.terms import covering, term_on, terms_on
from tests.factories import TermFactory, TownshipFactory


def test_the_query_and_the_in_memory_rule_agree_at_the_boundaries(db):
    township = TownshipFactory()
    old = TermFactory(
        township=township, number=17, start_date=dt.date(2016, 12, 28), end_date=dt.date(2021, 12, 27)
    )
    new = TermFactory(
        township=township, number=18, start_date=dt.date(2021, 12, 28), end_date=dt.date(2026, 12, 27)
    )
    terms = list(Term.objects.filter(township=township))
    for day, expected in (
        (dt.date(2016, 12, 27), None),
        (dt.date(2016, 12, 28), old),
        (dt.date(2021, 12, 27), old),  # a term covers its last day
        (dt.date(2021, 12, 28), new),  # and the next one its first
        (dt.date(2026, 12, 27), new),
        (dt.date(2026, 12, 28), None),  # the next term is not recorded yet
    ):
        assert term_on(township=township, on=day) == expected
        assert covering(terms, day) == expected
        assert terms_on(township_ids=[township.pk], on=day).get(township.pk) == expected
