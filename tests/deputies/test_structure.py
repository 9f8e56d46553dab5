"""The structure statistics (deputy_structure) against a recount of the raw rows in Python: who
serves by the mandate timeline (begun, not ended by the day), the levels a person holds, age
bands at their boundaries, values outside the choices, voided deputies, another township's
deputies, the level picked; and the page from the records cache."""

import datetime as dt
import json
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deputies import services
from deputies.models import Deputy, Mandate
from deputies.selectors import AGE_BANDS, deputy_structure
from tests.factories import DeputyFactory
from tests.pages import TOKEN, page_view

ETHNICITIES = ["汉族", "汉族", "回族", "壮族", ""]
LEVELS = Mandate.Level.values


def _age(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _birth_dates(on):
    """Every band's edges: a deputy turning 35 (45, 55, 60) today, and one turning it tomorrow."""
    edges = [on.replace(year=on.year - n) for n in (35, 45, 55, 60)]
    return [
        None,
        *edges,
        *(d + dt.timedelta(days=1) for d in edges),
        dt.date(1950, 3, 1),
        dt.date(1999, 7, 9),
    ]


def _roster(rng, townships, on):
    """Deputies with random fields and 0–3 mandates: ended before, ending today, starting
    tomorrow, open; some voided."""
    births = _birth_dates(on)
    for i in range(60):
        d = DeputyFactory(
            township=rng.choice(townships),
            mandate=False,
            gender=rng.choice("MMF"),
            ethnicity=rng.choice(ETHNICITIES),
            birth_date=births[i % len(births)],
            affiliation=rng.choice([*Deputy.Affiliation.values, ""]),
            education=rng.choice([*Deputy.Education.values, ""]),
            occupation=rng.choice([*Deputy.Occupation.values, ""]),
        )
        for _n in range(rng.randint(0, 3)):
            start = on + dt.timedelta(days=rng.choice([-900, -30, 0, 1]))
            end = rng.choice([None, None, on, on + dt.timedelta(days=5), start + dt.timedelta(days=10)])
            end = end if end is None or end >= start else None
            Mandate.objects.create(
                township=d.township,
                deputy=d,
                level=rng.choice(LEVELS),
                start_date=start,
                end_date=end,
                end_reason="resigned" if end else "",
            )
        if i % 13 == 0:
            Deputy.objects.filter(pk=d.pk).update(voided_at=timezone.now())


def _by(rows, field, choices):
    counts = [sum(getattr(d, field) == value for d in rows) for value in choices]
    unknown = sum(getattr(d, field) not in choices for d in rows)
    return counts + ([unknown] if unknown else [])


def _recount(*, township_ids, on, level):
    held: dict[int, set] = {}
    for m in Mandate.objects.all():
        if m.start_date <= on and (m.end_date is None or m.end_date > on):
            held.setdefault(m.deputy_id, set()).add(m.level)
    rows = [
        d
        for d in Deputy.all_objects.filter(township_id__in=township_ids)
        if d.voided_at is None and held.get(d.pk) and (level is None or level in held[d.pk])
    ]
    ages = [_age(d.birth_date, on) for d in rows if d.birth_date]
    by_age = [sum((lo or 0) <= a < (hi or 999) for a in ages) for lo, hi in AGE_BANDS]
    unknown_age = sum(d.birth_date is None for d in rows)
    han = sum(d.ethnicity == "汉族" for d in rows)
    return {
        "total": len(rows),
        "by_level": [sum(lv in held[d.pk] for d in rows) for lv in LEVELS],
        "by_gender": [sum(d.gender == "M" for d in rows), sum(d.gender == "F" for d in rows)],
        "by_age": by_age + ([unknown_age] if unknown_age else []),
        "by_ethnicity": [han, len(rows) - han],
        "by_affiliation": _by(rows, "affiliation", Deputy.Affiliation.values),
        "by_education": _by(rows, "education", Deputy.Education.values),
        "by_occupation": _by(rows, "occupation", Deputy.Occupation.values),
    }


def _numbers(stats):
    return {k: v if k == "total" else [n for _label, n in v] for k, v in stats.items() if k != "on"}


@pytest.mark.django_db
def test_structure_is_the_recount_of_the_raw_rows(township, other_township, secretary, reviewer):
    on = timezone.localdate()
    _roster(random.Random(20), [township, other_township], on)
    for user, ids in ((reviewer, [township.pk, other_township.pk]), (secretary, [township.pk])):
        for level in (None, *LEVELS):
            with CaptureQueriesContext(connection) as queries:
                stats = deputy_structure(user=user, on=on, level=level)
            assert _numbers(stats) == _recount(township_ids=ids, on=on, level=level), (user, level)
            assert sum("deputies_deputy" in q["sql"] for q in queries.captured_queries) == 1
    # a county user picking a township
    stats = deputy_structure(user=reviewer, township=other_township, on=on)
    assert _numbers(stats) == _recount(township_ids=[other_township.pk], on=on, level=None)
    assert _numbers(stats)["total"] > 0


def _chart(html, name):
    """{label: n} of one of the page's charts (its ECharts option, from json_script)."""
    found = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', html, re.S)
    assert found, name
    option = json.loads(found.group(1))
    if option["series"][0]["type"] == "pie":
        return {p["name"]: p["value"] for p in option["series"][0]["data"]}
    return dict(zip(option["xAxis"]["data"], option["series"][0]["data"]))


@pytest.mark.django_db(transaction=True)
def test_structure_page_from_the_cache_until_a_committed_write(
    township, other_township, secretary, reviewer, client_for
):
    zhang = DeputyFactory(township=township, name="张三", gender="M")
    DeputyFactory(township=other_township, name="李四", gender="F", mandate__level="county")
    url = reverse("deputies:structure")
    own, county = client_for(secretary), client_for(reviewer)
    first, before = page_view(own, url)
    with CaptureQueriesContext(connection) as queries:
        second = own.get(url).content.decode()
    assert len(queries) < before and len(queries) <= 5
    assert not any("deputies_" in q["sql"] for q in queries.captured_queries)  # none of the figures
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert _chart(second, "chart-gender") == {"男": 1}
    # another user: their own figures (every township), not the secretary's; the level in the address
    for _ in range(2):
        assert _chart(page_view(county, url)[0], "chart-gender") == {"男": 1, "女": 1}
        assert _chart(page_view(county, url + "?level=county")[0], "chart-gender") == {"女": 1}
    assert _chart(page_view(own, url)[0], "chart-gender") == {"男": 1}
    # a committed change: shown at once, to both
    services.mandate_end(
        mandate=zhang.mandates.get(),
        end_date=timezone.localdate(),
        end_reason="resigned",
        note="辞职",
        by=secretary,
    )
    assert _chart(page_view(own, url)[0], "chart-gender") == {}
    assert _chart(page_view(county, url)[0], "chart-gender") == {"女": 1}
