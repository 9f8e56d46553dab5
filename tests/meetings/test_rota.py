"""The reception rota of higher-level deputies at the township's liaison stations (seed 003:
provincial deputies once a year, city deputies every half year, county deputies every quarter)."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from deputies.models import LiaisonStation, Mandate
from meetings.models import Activity, RotaEntry
from meetings.selectors import rota_behind, rota_compliance, rota_counts
from meetings.services import rota_entry_create, rota_entry_record
from renda.core import quotas
from renda.core.exceptions import ApplicationError
from renda.core.services import record_void
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db
YEAR = 2025
AFTER = dt.date(YEAR + 1, 1, 10)  # the year is over: every period judged


@pytest.fixture
def station(township):
    return LiaisonStation.objects.create(township=township, name="红旗镇人大代表联络站")


@pytest.fixture
def higher(township):
    """A provincial, a city and a county deputy resident in the township, and a county deputy
    whose mandate ended on 1 May (owing Q1 and Q2 only)."""
    provincial = DeputyFactory(township=township, name="省代表", mandate__level="provincial")
    city = DeputyFactory(township=township, name="市代表", mandate__level="city")
    county = DeputyFactory(township=township, name="县代表", mandate__level="county")
    gone = DeputyFactory(township=township, name="离任县代表", mandate=False)
    Mandate.objects.create(
        township=township,
        deputy=gone,
        level="county",
        start_date=dt.date(2021, 11, 20),
        end_date=dt.date(YEAR, 5, 1),
        end_reason="resigned",
    )
    return {"provincial": provincial, "city": city, "county": county, "gone": gone}


def _held(township, station, deputy, day, by):
    entry = rota_entry_create(township=township, deputy=deputy, station=station, date=day, by=by)
    return rota_entry_record(entry=entry, state="held", by=by)


def test_the_rota_quotas_live_in_the_quota_table():
    assert quotas.DEFAULT_QUOTAS["rota_provincial_per_year"] == 1
    assert quotas.DEFAULT_QUOTAS["rota_city_per_half_year"] == 1
    assert quotas.DEFAULT_QUOTAS["rota_county_per_quarter"] == 1
    assert quotas.rota_quota("provincial") == (1, 1)
    assert quotas.rota_quota("city") == (2, 1)
    assert quotas.rota_quota("county") == (4, 1)
    assert quotas.period_bounds(year=YEAR, periods=2) == [
        (dt.date(YEAR, 1, 1), dt.date(YEAR, 6, 30)),
        (dt.date(YEAR, 7, 1), dt.date(YEAR, 12, 31)),
    ]


def test_rota_light_judges_only_the_periods_served():
    light = quotas.light_rota
    kw = {"required": 1, "year": YEAR}
    assert light(counts=[1, 0, 0, 0], owed=[True] * 4, today=AFTER, **kw).note == "2, 3, 4"
    assert light(counts=[1, 1, 0, 0], owed=[True, True, False, False], today=AFTER, **kw).colour == "green"
    assert light(counts=[0], owed=[True], today=dt.date(YEAR, 6, 1), **kw).colour == "yellow"
    # serving only from Q4, seen in Q2: nothing owed yet
    assert light(counts=[0] * 4, owed=[False] * 3 + [True], today=dt.date(YEAR, 5, 1), **kw).colour == "grey"
    assert light(counts=[0, 0], owed=[False, False], today=AFTER, **kw).colour == "grey"


def test_a_turn_needs_a_higher_level_deputy_and_a_station_of_the_township(
    township, other_township, station, higher, secretary
):
    township_deputy = DeputyFactory(township=township)
    with pytest.raises(ApplicationError) as err:
        rota_entry_create(
            township=township, deputy=township_deputy, station=station, date=dt.date(YEAR, 3, 1), by=secretary
        )
    assert err.value.field == "deputy"
    # the county deputy whose mandate ended on 1 May cannot be planned after it
    with pytest.raises(ApplicationError) as err:
        rota_entry_create(
            township=township, deputy=higher["gone"], station=station, date=dt.date(YEAR, 5, 1), by=secretary
        )
    assert err.value.field == "deputy"
    elsewhere = LiaisonStation.objects.create(township=other_township, name="青山乡联络站")
    with pytest.raises(ApplicationError) as err:
        rota_entry_create(
            township=township,
            deputy=higher["county"],
            station=elsewhere,
            date=dt.date(YEAR, 3, 1),
            by=secretary,
        )
    assert err.value.field == "station"
    assert not RotaEntry.objects.exists()
    entry = rota_entry_create(
        township=township, deputy=higher["county"], station=station, date=dt.date(YEAR, 3, 1), by=secretary
    )
    assert entry.state == "planned" and entry.history.first().history_user == secretary


def test_recording_a_turn_refuses_the_future_and_a_record_that_is_not_a_reception(
    township, station, higher, secretary
):
    future = rota_entry_create(
        township=township,
        deputy=higher["county"],
        station=station,
        date=dt.date(2026, 12, 20),
        by=secretary,
    )
    with pytest.raises(ApplicationError) as err:
        rota_entry_record(entry=future, state="held", by=secretary)
    assert err.value.field == "state"
    entry = rota_entry_create(
        township=township, deputy=higher["county"], station=station, date=dt.date(YEAR, 3, 1), by=secretary
    )
    inspection = Activity.objects.create(
        township=township, kind="inspection", start_date=entry.date, topic="视察"
    )
    with pytest.raises(ApplicationError) as err:
        rota_entry_record(entry=entry, state="held", activity=inspection, by=secretary)
    assert err.value.field == "activity"
    reception = Activity.objects.create(
        township=township, kind="reception", start_date=entry.date, topic="接待"
    )
    with pytest.raises(ApplicationError) as err:
        rota_entry_record(entry=entry, state="not_held", activity=reception, by=secretary)
    assert err.value.field == "activity"
    rota_entry_record(entry=entry, state="held", activity=reception, note="接待12人", by=secretary)
    entry.refresh_from_db()
    assert (entry.state, entry.activity_id, entry.note) == ("held", reception.pk, "接待12人")
    assert entry.history.count() == 2
    record_void(obj=entry, by=secretary, reason="重复排班")
    assert not RotaEntry.objects.filter(pk=entry.pk).exists()
    assert RotaEntry.all_objects.get(pk=entry.pk).void_reason == "重复排班"


def _raw_compliance(township, year):
    """Each (deputy, level) row recounted from raw mandates and entries: held turns per period,
    which periods the deputy served in, met when every period served has its turn."""
    out = {}
    held = [
        e for e in RotaEntry.objects.filter(township=township) if e.state == "held" and e.date.year == year
    ]
    for m in Mandate.objects.filter(township=township):
        if m.level not in ("provincial", "city", "county"):
            continue
        n = {"provincial": 1, "city": 2, "county": 4}[m.level]
        per = 12 // n
        counts, owed = [], []
        for i in range(n):
            lo = dt.date(year, i * per + 1, 1)
            hi = dt.date(year + ((i + 1) * per) // 12, ((i + 1) * per) % 12 + 1, 1) - dt.timedelta(days=1)
            owed.append(m.start_date <= hi and (m.end_date is None or m.end_date > lo))
            counts.append(sum(1 for e in held if e.deputy_id == m.deputy_id and lo <= e.date <= hi))
        if any(owed):
            out[(m.deputy_id, m.level)] = (counts, owed, all(c >= 1 for c, o in zip(counts, owed) if o))
    return out


def test_compliance_per_deputy_per_period_recounted_from_raw_rows(
    township, other_township, station, higher, secretary
):
    for day in (dt.date(YEAR, 2, 1), dt.date(YEAR, 8, 1), dt.date(YEAR, 8, 20)):
        _held(township, station, higher["county"], day, secretary)
    _held(township, station, higher["city"], dt.date(YEAR, 3, 5), secretary)
    _held(township, station, higher["provincial"], dt.date(YEAR, 10, 9), secretary)
    _held(township, station, higher["gone"], dt.date(YEAR, 1, 9), secretary)
    _held(township, station, higher["gone"], dt.date(YEAR, 4, 9), secretary)
    not_held = rota_entry_create(
        township=township, deputy=higher["county"], station=station, date=dt.date(YEAR, 5, 1), by=secretary
    )
    rota_entry_record(entry=not_held, state="not_held", by=secretary)
    rota_entry_create(
        township=township, deputy=higher["county"], station=station, date=dt.date(YEAR, 11, 1), by=secretary
    )  # planned, never recorded: does not count
    # another township's higher-level deputy counts only there
    DeputyFactory(township=other_township, mandate__level="county")

    page = rota_compliance(township=township, year=YEAR, today=AFTER)
    raw = _raw_compliance(township, YEAR)
    assert {
        (r.deputy_id, r.level): (r.counts, r.owed, r.light.colour == "green") for r in page["rows"]
    } == raw
    lights = {r.deputy.name: r.light for r in page["rows"]}
    assert lights["县代表"].colour == "red" and lights["县代表"].note == "2, 4"
    assert lights["市代表"].colour == "red" and lights["市代表"].note == "2"
    assert lights["省代表"].colour == "green" and lights["离任县代表"].colour == "green"
    assert page["met"] == sum(1 for v in raw.values() if v[2]) == 2
    entries = list(RotaEntry.objects.filter(township=township))
    assert page["planned"] == len(entries) == 9
    assert page["held"] == sum(e.state == "held" for e in entries) == 7
    assert page["not_held"] == 1

    counts = rota_counts(township_ids=[township.pk, other_township.pk], year=YEAR, today=AFTER)
    mine = counts[township.pk]
    assert (mine.deputies, mine.met, mine.entries, mine.held) == (len(raw), 2, 9, 7)
    assert mine.light.colour == "red" and mine.light.note == "2"
    assert (counts[other_township.pk].deputies, counts[other_township.pk].met) == (1, 0)
    behind = rota_behind(township_ids=[township.pk], year=YEAR, today=AFTER)
    assert {d.name for d in behind} == {"县代表", "市代表"}
    # during the year: the county deputy's Q4 turn is still to come (yellow), Q2 already missed
    during = rota_compliance(township=township, year=YEAR, today=dt.date(YEAR, 11, 15))
    assert {r.deputy.name: r.light.colour for r in during["rows"]}["县代表"] == "red"
    assert {r.deputy.name: r.light.note for r in during["rows"]}["县代表"] == "2"


def test_rota_page_plans_and_records_and_counts_its_queries(
    client_for, secretary, township, station, higher, django_assert_max_num_queries
):
    c = client_for(secretary)
    for i in range(4):
        _held(township, station, higher["county"], dt.date(YEAR, 3 * i + 2, 3), secretary)
    with django_assert_max_num_queries(30):
        r = c.get(reverse("meetings:rota"), {"year": YEAR})
    assert r.status_code == 200 and r.context["rota"]["met"] == 1
    html = r.content.decode()
    assert "县代表" in html and "省代表" in html
    r = c.post(
        reverse("meetings:rota") + f"?year={YEAR}",
        {"deputy": higher["city"].pk, "station": station.pk, "date": f"{YEAR}-09-09", "note": ""},
    )
    assert r.status_code == 302
    entry = RotaEntry.objects.get(deputy=higher["city"])
    # a township deputy: the message next to the field, no 500
    r = c.post(
        reverse("meetings:rota"),
        {"deputy": DeputyFactory(township=township).pk, "station": station.pk, "date": f"{YEAR}-09-09"},
    )
    assert r.status_code == 200 and r.context["form"].errors
    reception = Activity.objects.create(
        township=township, kind="reception", start_date=entry.date, topic="接待"
    )
    detail = reverse("meetings:rota_entry", args=[entry.pk])
    assert c.get(detail).status_code == 200
    r = c.post(detail, {"state": "held", "activity": reception.pk, "note": ""})
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.state == "held" and entry.activity == reception
    r = c.get(reverse("meetings:rota"), {"year": YEAR})
    city = next(row for row in r.context["rota"]["rows"] if row.deputy_id == higher["city"].pk)
    assert city.counts == [0, 1] and city.light.colour == "red"  # the first half year was missed
    assert r.context["rota"]["met"] == 1
    # the entry's page offers the void form; voiding its reception leaves the entry, unlinked
    assert reverse("record_void", args=[ContentType.objects.get_for_model(RotaEntry).pk, entry.pk]) in (
        c.get(detail).content.decode()
    )
    record_void(obj=reception, by=secretary, reason="误录")
    r = c.get(detail)
    link = reverse("meetings:activity_detail", args=[reception.pk])
    assert r.status_code == 200 and link not in r.content.decode()
    assert r.context["form"].initial["activity"] is None
    assert RotaEntry.objects.get(pk=entry.pk).state == "held"


def test_rota_other_township_404_reviewer_reads_only_and_get_never_writes(
    client_for, secretary, other_secretary, reviewer, township, station, higher
):
    entry = rota_entry_create(
        township=township, deputy=higher["county"], station=station, date=dt.date(YEAR, 3, 1), by=secretary
    )
    detail = reverse("meetings:rota_entry", args=[entry.pk])
    assert client_for(other_secretary).get(detail).status_code == 404
    assert client_for(other_secretary).post(detail, {"state": "held"}).status_code == 404
    page = client_for(other_secretary).get(reverse("meetings:rota"), {"year": YEAR})
    assert page.status_code == 200 and page.context["rota"]["entries"] == []
    rv = client_for(reviewer)
    rv.post(reverse("township_select"), {"township": township.pk})
    r = rv.get(reverse("meetings:rota"), {"year": YEAR})
    assert r.status_code == 200 and r.context["form"] is None and len(r.context["rota"]["entries"]) == 1
    r = rv.get(detail)
    assert r.status_code == 200 and r.context["form"] is None
    assert rv.post(detail, {"state": "held"}).status_code == 403
    assert rv.post(reverse("meetings:rota"), {}).status_code == 403
    entry.refresh_from_db()
    assert entry.state == "planned"
    before = (RotaEntry.objects.count(), RotaEntry.history.count())
    client_for(secretary).get(reverse("meetings:rota"), {"year": YEAR})
    client_for(secretary).get(detail)
    assert (RotaEntry.objects.count(), RotaEntry.history.count()) == before


def test_the_deputy_archive_shows_the_rota_section(client_for, secretary, township, station, higher):
    entry = _held(township, station, higher["county"], dt.date(YEAR, 3, 1), secretary)
    r = client_for(secretary).get(reverse("deputies:detail", args=[higher["county"].pk]), {"year": YEAR})
    section = next(s for s in r.context["sections"] if s.key == "meetings.rota")
    assert [row[0].url for row in section.rows] == [reverse("meetings:rota_entry", args=[entry.pk])]
    assert reverse("meetings:rota_entry", args=[entry.pk]) in r.content.decode()


def test_dashboard_workbench_and_work_report_carry_the_rota_figures(
    client_for, secretary, reviewer, township, station, higher
):
    from renda.dashboard.documents import work_report_docx
    from renda.dashboard.selectors import county_figures, work_report_data

    _held(township, station, higher["provincial"], dt.date(YEAR, 6, 1), secretary)
    rota_entry_create(
        township=township, deputy=higher["city"], station=station, date=dt.date(YEAR, 7, 1), by=secretary
    )
    raw = _raw_compliance(township, YEAR)
    met = sum(1 for v in raw.values() if v[2])
    entries = RotaEntry.objects.filter(township=township)
    held = sum(1 for e in entries if e.state == "held")
    row = county_figures(townships=[township], year=YEAR, today=AFTER)[0]
    assert (row.rota_deputies, row.rota_met, row.rota_entries, row.rota_held) == (len(raw), met, 2, held)
    assert row.lights["rota"].colour == "red"

    rv = client_for(reviewer)
    r = rv.get(reverse("dashboard:index"), {"year": YEAR})
    assert f"{met}/{len(raw)}" in r.content.decode()
    drill = rv.get(reverse("dashboard:records"), {"metric": "rota", "township": township.pk, "year": YEAR})
    assert drill.status_code == 200 and len(drill.context["items"]) == len(raw) - met

    data = work_report_data(township=township, year=YEAR, today=AFTER)
    c = data.contact
    assert (c.rota_held, c.rota_entries, c.rota_met, c.rota_deputies) == (held, 2, met, len(raw))
    import io

    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(work_report_docx(data))).paragraphs)
    assert "轮值" in text and f"实际接待{held}次" in text


def test_the_workbench_shows_the_rota_line(client_for, secretary, township, station, higher):
    r = client_for(secretary).get(reverse("home"))
    assert r.status_code == 200
    figures = r.context["figures"]
    assert figures.rota_deputies == len(_raw_compliance(township, dt.date.today().year))
    assert reverse("meetings:rota") in r.content.decode()


def test_a_turn_whose_reception_is_voided_is_not_held_until_it_is_restored(
    client_for, township, station, higher, secretary, chair
):
    from meetings.archive import rota_section
    from renda.core.archive import ArchiveDeputy
    from renda.core.services import record_restore

    day = dt.date(YEAR, 3, 1)
    entry = rota_entry_create(
        township=township, deputy=higher["county"], station=station, date=day, by=secretary
    )
    reception = Activity.objects.create(township=township, kind="reception", start_date=day, topic="接待选民")
    rota_entry_record(entry=entry, state="held", activity=reception, by=secretary)
    county = higher["county"].pk

    def seen():
        page = rota_compliance(township=township, year=YEAR, today=AFTER)
        row = next(r for r in page["rows"] if r.deputy_id == county)
        counts = rota_counts(township_ids=[township.pk], year=YEAR, today=AFTER)[township.pk]
        who = ArchiveDeputy(deputy_id=county, township_id=township.pk, township_name="", name="")
        archive = rota_section(deputies=[who], year=YEAR)[county].rows[0][2]
        html = client_for(secretary).get(reverse("meetings:rota"), {"year": YEAR}).content.decode()
        row_html = html.split(reverse("meetings:rota_entry", args=[entry.pk]), 1)[1].split("</tr>", 1)[0]
        badge = (
            "danger" if "text-bg-danger" in row_html else "success" if "text-bg-success" in row_html else ""
        )
        return (
            page["held"],
            page["not_held"],
            row.counts[0],
            counts.held,
            str(archive),
            badge,
        )

    held = seen()
    assert held[:4] == (1, 0, 1, 1)

    record_void(obj=reception, by=secretary, reason="重复录入")
    assert seen()[:4] == (0, 1, 0, 0)
    assert seen()[4:] == (str(RotaEntry.State.NOT_HELD.label), "danger")
    assert RotaEntry.objects.get(pk=entry.pk).state == "held"  # the recorded state is kept

    record_restore(obj=Activity.all_objects.get(pk=reception.pk), by=chair)
    assert seen() == held
