"""Training of new deputies before their first session (DOMAIN: 学习培训, new deputies before
their first session): the untrained ones flagged on a page, the workbench and the work report."""

import datetime as dt

import pytest
from django.urls import reverse

from deputies.models import Mandate
from meetings.models import Activity, ActivityParticipation, Session
from meetings.selectors import new_deputy_training, new_deputy_training_counts
from renda.core.models import Term
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def _training(township, day, deputies):
    a = Activity.objects.create(township=township, kind="training", start_date=day, topic="新任代表培训")
    for d in deputies:
        ActivityParticipation.objects.create(township=township, activity=a, deputy=d)
    return a


@pytest.fixture
def cohort(township, other_township, term):
    """The current term (2021-12-28 …) of 红旗镇 with its first session on 2022-01-10."""
    earlier = Term.objects.create(
        township=township, number=17, start_date=dt.date(2016, 12, 28), end_date=dt.date(2021, 12, 27)
    )
    names = ["培训早", "培训迟", "缺训代表", "补选新", "已离任", "连任者"]
    people = {n: DeputyFactory(township=township, name=n) for n in names[:4]}
    # 补选新: elected at a by-election on 2026-02-01, no session since
    Mandate.objects.filter(deputy=people["补选新"]).update(
        start_date=dt.date(2026, 2, 1), start_reason="by_election"
    )
    people["已离任"] = DeputyFactory(township=township, name="已离任")
    Mandate.objects.filter(deputy=people["已离任"]).update(
        end_date=dt.date(2025, 6, 1), end_reason="resigned"
    )
    people["连任者"] = DeputyFactory(township=township, name="连任者")
    Mandate.objects.create(
        township=township,
        deputy=people["连任者"],
        level="township",
        term=earlier,
        term_number=17,
        start_date=earlier.start_date,
        end_date=term.start_date,
        end_reason="term_ended",
    )
    # a county deputy is not a new township deputy
    people["县代表"] = DeputyFactory(township=township, name="县代表", mandate__level="county")
    Session.objects.create(
        township=township, term=term, number=1, start_date=dt.date(2022, 1, 10), end_date=dt.date(2022, 1, 11)
    )
    Session.objects.create(
        township=township, term=term, number=2, start_date=dt.date(2023, 1, 10), end_date=dt.date(2023, 1, 11)
    )
    _training(township, dt.date(2022, 1, 5), [people["培训早"], people["连任者"], people["县代表"]])
    _training(township, dt.date(2022, 3, 1), [people["培训迟"]])
    # a training before the term began counts for no one of it
    _training(township, dt.date(2021, 10, 1), [people["缺训代表"]])
    # another township's new deputy
    DeputyFactory(township=other_township, name="青山新")
    return people


def _raw(township, today):
    """Recount from raw rows: township mandates of the term covering today, of deputies serving
    today with no township mandate in another term; first session and first training after."""
    term = next(t for t in Term.objects.filter(township=township) if t.start_date <= today <= t.end_date)
    out = {}
    mandates = list(Mandate.objects.filter(level="township"))
    for m in mandates:
        if m.township_id != township.pk or m.term_id != term.pk:
            continue
        if not (m.start_date <= today and (m.end_date is None or m.end_date > today)):
            continue
        if any(o.deputy_id == m.deputy_id and o.term_id != term.pk for o in mandates):
            continue
        sessions = sorted(
            s.start_date
            for s in Session.objects.filter(township=township, term=term)
            if s.start_date >= m.start_date
        )
        trained = sorted(
            p.activity.start_date
            for p in ActivityParticipation.objects.filter(deputy_id=m.deputy_id).select_related("activity")
            if p.activity.kind == "training" and p.activity.start_date >= m.start_date
        )
        first = sessions[0] if sessions else None
        t = trained[0] if trained else None
        if t is not None:
            status = "trained" if first is None or t <= first else "late"
        else:
            status = "untrained" if first is not None and first <= today else "pending"
        out[m.deputy.name] = status
    return out


def test_new_deputies_and_their_training_recounted_from_raw_rows(township, other_township, cohort):
    rows = new_deputy_training(township_ids=[township.pk, other_township.pk], today=TODAY)
    mine = {r.deputy.name: r.status for r in rows[township.pk]}
    assert mine == _raw(township, TODAY)
    assert mine == {"培训早": "trained", "培训迟": "late", "缺训代表": "untrained", "补选新": "pending"}
    assert [r.deputy.name for r in rows[township.pk] if not r.flagged] == ["培训早"]
    late = next(r for r in rows[township.pk] if r.deputy.name == "培训迟")
    assert late.first_session.number == 1 and late.trained_on == dt.date(2022, 3, 1)
    assert [r.deputy.name for r in rows[other_township.pk]] == ["青山新"]
    counts = new_deputy_training_counts(township_ids=[township.pk], today=TODAY)[township.pk]
    assert counts == {"new": 4, "trained": 1, "late": 1, "untrained": 2, "pending": 1}


def test_training_page_flags_the_untrained_in_few_queries(
    client_for, secretary, township, cohort, django_assert_max_num_queries
):
    c = client_for(secretary)
    with django_assert_max_num_queries(25):
        r = c.get(reverse("meetings:training"))
    assert r.status_code == 200
    today = dt.date.today()
    assert {x.deputy.name: x.status for x in r.context["rows"]} == _raw(township, today)
    assert r.context["untrained"] == sum(
        1 for s in _raw(township, today).values() if s in ("untrained", "pending")
    )
    html = r.content.decode()
    assert "缺训代表" in html and "table-warning" in html


def test_training_page_access_and_get_never_writes(
    client_for, secretary, other_secretary, reviewer, township, cohort
):
    other = client_for(other_secretary).get(reverse("meetings:training"))
    assert other.status_code == 200
    assert "缺训代表" not in other.content.decode()
    rv = client_for(reviewer)
    rv.post(reverse("township_select"), {"township": township.pk})
    r = rv.get(reverse("meetings:training"))
    assert r.status_code == 200 and not r.context["can_write"] and "缺训代表" in r.content.decode()
    before = (Activity.objects.count(), ActivityParticipation.objects.count(), Mandate.objects.count())
    client_for(secretary).get(reverse("meetings:training"))
    assert (
        Activity.objects.count(),
        ActivityParticipation.objects.count(),
        Mandate.objects.count(),
    ) == before


def test_the_workbench_lists_untrained_new_deputies_and_the_work_report_counts_them(
    secretary, township, cohort
):
    from renda.dashboard import todo
    from renda.dashboard.documents import work_report_docx
    from renda.dashboard.selectors import work_report_data

    lines = {x.key: x for x in todo.todo_lines(user=secretary, township_ids=[township.pk], today=TODAY)}
    raw = _raw(township, TODAY)
    assert (
        lines["training_missing"].count == sum(1 for s in raw.values() if s in ("untrained", "pending")) == 2
    )
    assert lines["training_missing"].url == reverse("meetings:training")

    data = work_report_data(township=township, year=2026, today=TODAY)
    nd = data.activities.new_deputies
    assert nd == {"new": len(raw), "trained": 1, "late": 1, "untrained": 2, "pending": 1}
    import io

    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(work_report_docx(data))).paragraphs)
    assert "本届新当选的4名代表" in text


def test_the_county_dashboard_has_a_training_column_with_its_drill_down(
    client_for, reviewer, secretary, township, other_township, cohort
):
    from renda.core.quotas import GREY, RED
    from renda.dashboard.selectors import county_figures, county_totals

    rows = county_figures(townships=[township, other_township], year=2026, today=TODAY)
    mine = rows[0]
    raw = _raw(township, TODAY)
    in_time = sum(1 for s in raw.values() if s == "trained")
    assert (mine.training_new, mine.training_in_time) == (len(raw), in_time) == (4, 1)
    # 培训迟 trained after the first session and 缺训代表 not at all: red; 补选新's session is ahead
    assert mine.lights["training"].colour == RED and mine.lights["training"].note == "2"
    assert rows[1].training_new == len(_raw(other_township, TODAY)) == 1
    total = county_totals(rows)
    assert (total.training_new, total.training_in_time) == (5, rows[1].training_in_time + 1)
    empty = county_figures(townships=[township], year=2019, today=TODAY)[0]
    assert empty.training_new == 0 and empty.lights["training"].colour == GREY

    rv = client_for(reviewer)
    year = dt.date.today().year
    r = rv.get(reverse("dashboard:index"), {"year": year})
    now = _raw(township, dt.date.today())
    trained_now = sum(1 for s in now.values() if s == "trained")
    assert f'data-figure="training">{trained_now}/{len(now)}<' in r.content.decode()
    drill = rv.get(
        reverse("dashboard:records"), {"metric": "training", "township": township.pk, "year": year}
    )
    assert drill.status_code == 200
    assert sorted(d.name for d in drill.context["items"]) == sorted(
        name for name, s in now.items() if s != "trained"
    )
    home = client_for(secretary).get(reverse("home")).content.decode()
    assert 'data-figure="training">' in home and f"新任代表{len(now)}名，其中{trained_now}名" in home


def test_the_deputy_archive_page_and_docx_show_a_new_deputys_training(
    client_for, secretary, township, cohort
):
    import io

    import docx
    from django.utils import translation

    from meetings.selectors import TRAINING_STATUS_LABELS
    from renda.core.archive import deputy_archives
    from renda.dashboard.documents import deputy_archive_docx

    raw = _raw(township, dt.date(2026, 12, 31) if dt.date.today().year > 2026 else dt.date.today())
    c = client_for(secretary)
    for name in ("培训早", "培训迟", "缺训代表", "补选新"):
        deputy = cohort[name]
        r = c.get(reverse("deputies:detail", args=[deputy.pk]), {"year": 2026})
        section = next(s for s in r.context["sections"] if s.key == "meetings.training")
        assert str(TRAINING_STATUS_LABELS[raw[name]]) in section.summary
        assert section.summary in r.content.decode()
    r = c.get(reverse("deputies:detail", args=[cohort["连任者"].pk]), {"year": 2026})
    assert not [s for s in r.context["sections"] if s.key == "meetings.training"]
    assert 'data-archive-section="meetings.training"' not in r.content.decode()

    with translation.override("zh-hans"):
        archives = {a.name: a for a in deputy_archives(township_ids=[township.pk], year=2026)}
        late = deputy_archive_docx(archives["培训迟"])
        again = deputy_archive_docx(archives["连任者"])
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(late)).paragraphs)
    assert "首次参会前培训" in text and "2022-03-01" in text and "首次会议后才培训" in text
    assert "首次参会前培训" not in "\n".join(p.text for p in docx.Document(io.BytesIO(again)).paragraphs)
