"""Yearly plans of deputy groups and liaison stations compared with what they held."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.urls import reverse

from deputies.models import DeputyGroup, LiaisonStation
from meetings.models import Activity, PlannedActivity
from meetings.selectors import plan_vs_held, plans_by_township
from meetings.services import planned_activity_add
from renda.core.exceptions import ApplicationError
from renda.core.quotas import GREEN, GREY, RED, YELLOW, light_plan

pytestmark = pytest.mark.django_db
YEAR = 2025
TODAY = dt.date(YEAR, 12, 5)


@pytest.fixture
def group(township, term):
    return DeputyGroup.objects.create(township=township, term=term, number=1, name="第一代表小组")


@pytest.fixture
def station(township):
    return LiaisonStation.objects.create(township=township, name="红旗镇人大代表联络站")


def _plan(township, by, month, kind="group", subject="集中学习", **owner):
    return planned_activity_add(
        township=township, year=YEAR, month=month, kind=kind, subject=subject, by=by, **owner
    )


def _held(township, day, kind="group", **owner):
    return Activity.objects.create(township=township, kind=kind, start_date=day, topic="活动", **owner)


@pytest.fixture
def plans(township, secretary, group, station):
    _plan(township, secretary, 3, group=group)  # held on 3-10
    _plan(township, secretary, 6, group=group)  # two planned in June, one held: one missed
    _plan(township, secretary, 6, group=group, subject="视察准备")
    _plan(township, secretary, 9, kind="inspection", group=group)  # a group activity held instead: missed
    _plan(township, secretary, 12, group=group)  # December, not held yet: due
    _plan(township, secretary, 1, kind="reception", station=station)  # held
    _plan(township, secretary, 12, kind="reception", station=station)  # held on 12-02
    _held(township, dt.date(YEAR, 3, 10), group=group)
    _held(township, dt.date(YEAR, 6, 12), group=group)
    _held(township, dt.date(YEAR, 9, 3), group=group)  # unplanned (kind differs)
    _held(township, dt.date(YEAR, 1, 15), kind="reception", station=station)
    _held(township, dt.date(YEAR, 12, 2), kind="reception", station=station)
    _held(township, dt.date(YEAR - 1, 3, 10), group=group)  # another year: not counted


def test_planned_activities_refuse_bad_input_with_a_message(
    township, other_township, secretary, group, station
):
    other_group = DeputyGroup.objects.create(
        township=other_township, term=other_township.terms.get(), number=1, name="外镇小组"
    )
    for kw, field in (
        ({}, "group"),
        ({"group": group, "station": station}, "group"),
        ({"group": other_group}, "group"),
        ({"group": group, "month": 13}, "month"),
        ({"group": group, "subject": "  "}, "subject"),
        ({"group": group, "kind": "party"}, "kind"),
    ):
        values = {"month": 3, "kind": "group", "subject": "集中学习", **kw}
        with pytest.raises(ApplicationError) as err:
            planned_activity_add(township=township, year=YEAR, by=secretary, **values)
        assert err.value.field == field, kw
    item = _plan(township, secretary, 3, group=group)
    assert item.history.first().history_user == secretary and PlannedActivity.objects.count() == 1


def test_plan_against_held_matches_kind_and_month_and_recounts(township, plans, group, station):
    data = plan_vs_held(township=township, year=YEAR, today=TODAY)
    owners = {(o.kind, o.owner.pk): o for o in data["owners"]}
    g, s = owners[("group", group.pk)], owners[("station", station.pk)]
    assert [r.status for r in g.rows] == ["held", "held", "missed", "missed", "due"]
    assert (g.planned, g.held, g.missed, g.due_now) == (5, 2, 2, 1)
    assert [a.start_date for a in g.unplanned] == [dt.date(YEAR, 9, 3)]
    assert (s.planned, s.held, s.missed) == (2, 2, 0)
    assert g.light.colour == RED and s.light.colour == GREEN and data["light"].colour == RED

    # held = per (owner, month, kind): the lesser of planned and held, recounted from raw rows
    planned = {
        (r["group_id"], r["station_id"], r["month"], r["kind"]): r["n"]
        for r in PlannedActivity.objects.filter(township=township, year=YEAR)
        .values("group_id", "station_id", "month", "kind")
        .annotate(n=Count("pk"))
    }
    held = {
        (r["group_id"], r["station_id"], r["m"], r["kind"]): r["n"]
        for r in Activity.objects.filter(township=township, start_date__year=YEAR)
        .annotate(m=ExtractMonth("start_date"))
        .values("group_id", "station_id", "m", "kind")
        .annotate(n=Count("pk"))
    }
    assert data["held"] == sum(min(n, held.get(k, 0)) for k, n in planned.items()) == 4
    assert data["planned"] == sum(planned.values()) == 7
    assert data["unplanned"] == sum(max(0, n - planned.get(k, 0)) for k, n in held.items()) == 1


def test_the_figures_only_matching_gives_the_pages_figures(township, plans, group, station):
    """plans_by_township(detail=False) (the dashboard, the drill-down) matches named tuples, not
    model rows: the same statuses, the same items and activities matched, the same totals."""
    full = plans_by_township(township_ids=[township.pk], year=YEAR, today=TODAY)[township.pk]
    lean = plans_by_township(township_ids=[township.pk], year=YEAR, today=TODAY, detail=False)[township.pk]
    for name in ("planned", "held", "missed", "due_now", "due", "unplanned", "light"):
        assert lean[name] == full[name]
    for a, b in zip(full["owners"], lean["owners"], strict=True):
        assert [(r.item.pk, r.status, getattr(r.activity, "pk", None)) for r in a.rows] == [
            (r.item.pk, r.status, getattr(r.activity, "pk", None)) for r in b.rows
        ]
        assert [x.pk for x in a.unplanned] == [x.pk for x in b.unplanned]


def test_plan_light_boundaries():
    assert light_plan(planned=0, due=0, missed=0, due_now=0).colour == GREY
    assert light_plan(planned=3, due=0, missed=0, due_now=0).colour == GREY  # nothing due yet
    assert light_plan(planned=3, due=1, missed=0, due_now=1).colour == YELLOW
    assert light_plan(planned=3, due=2, missed=0, due_now=0).colour == GREEN
    assert light_plan(planned=3, due=2, missed=1, due_now=1).colour == RED


def test_plan_page_and_workbench_show_the_figures(
    township, plans, secretary, client_for, django_assert_max_num_queries, settings
):
    data = plan_vs_held(township=township, year=YEAR)
    client = client_for(secretary)
    with django_assert_max_num_queries(30):
        r = client.get(reverse("meetings:plans"), {"year": YEAR})
    html = r.content.decode()
    assert r.status_code == 200
    for name in ("planned", "held", "missed", "unplanned"):
        assert f'data-figure="{name}">{data[name]}<' in html
    r = client.get(reverse("meetings:index"), {"year": YEAR})
    assert r.status_code == 200 and 'id="plans"' in r.content.decode()


def test_plan_access_other_township_reviewer_and_get_writes_nothing(
    township, plans, secretary, other_secretary, reviewer, group, client_for
):
    item = PlannedActivity.objects.filter(group=group).first()
    void = reverse("record_void", args=[ContentType.objects.get_for_model(PlannedActivity).pk, item.pk])
    assert client_for(other_secretary).post(void, {"reason": "错"}).status_code == 404
    other_page = client_for(other_secretary).get(reverse("meetings:plans"), {"year": YEAR}).content.decode()
    assert group.name not in other_page

    rev = client_for(reviewer)
    session = rev.session
    session["selected_township"] = township.pk
    session.save()
    before = PlannedActivity.history.count()
    r = rev.get(reverse("meetings:plans"), {"year": YEAR})
    assert r.status_code == 200 and group.name in r.content.decode() and "/void/" not in r.content.decode()
    assert PlannedActivity.history.count() == before
    assert rev.post(reverse("meetings:plans") + f"?year={YEAR}", {"month": 3}).status_code == 403
    assert rev.post(void, {"reason": "错"}).status_code == 403

    own = client_for(secretary)
    r = own.post(
        reverse("meetings:plans") + f"?year={YEAR}",
        {"group": group.pk, "month": 4, "kind": "group", "subject": "四月集中活动"},
    )
    assert r.status_code == 302 and PlannedActivity.objects.filter(month=4).count() == 1
    r = own.post(reverse("meetings:plans") + f"?year={YEAR}", {"month": 4, "kind": "group", "subject": "x"})
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()
    # each planned item has its void form on the page; voiding one asks for the reason
    assert void in own.get(reverse("meetings:plans"), {"year": YEAR}).content.decode()
    back = reverse("meetings:plans") + f"?year={YEAR}"
    r = own.post(void, {"reason": "计划调整，误录", "next": back})
    assert r.status_code == 302 and r.url == back
    assert not PlannedActivity.objects.filter(pk=item.pk).exists()
    assert PlannedActivity.all_objects.get(pk=item.pk).void_reason == "计划调整，误录"


def test_the_county_dashboard_has_a_plans_column_with_its_drill_down(
    township, other_township, plans, secretary, reviewer, client_for
):
    from renda.dashboard.selectors import county_figures, county_totals

    other_group = DeputyGroup.objects.create(
        township=other_township, term=other_township.terms.get(), number=1, name="外镇小组"
    )
    PlannedActivity.objects.create(
        township=other_township, year=YEAR, month=2, kind="group", subject="外镇计划", group=other_group
    )
    rows = county_figures(townships=[township, other_township], year=YEAR, today=TODAY)
    # recounted from raw rows: per (owner, month, kind) the lesser of planned and held
    for row in rows:
        planned: dict = {}
        for p in PlannedActivity.objects.filter(township=row.township, year=YEAR):
            key = (p.group_id, p.station_id, p.month, p.kind)
            planned[key] = planned.get(key, 0) + 1
        held: dict = {}
        for a in Activity.objects.filter(township=row.township, start_date__year=YEAR):
            key = (a.group_id, a.station_id, a.start_date.month, a.kind)
            held[key] = held.get(key, 0) + 1
        assert row.plans_planned == sum(planned.values())
        assert row.plans_held == sum(min(n, held.get(k, 0)) for k, n in planned.items())
    assert (rows[0].plans_planned, rows[0].plans_held) == (7, 4)
    assert (rows[1].plans_planned, rows[1].plans_held) == (1, 0)
    assert rows[0].lights["plans"].colour == RED and rows[0].lights["plans"].note == "2"
    assert rows[1].lights["plans"].colour == RED
    total = county_totals(rows)
    assert (total.plans_planned, total.plans_held) == (8, 4)
    assert county_figures(townships=[township], year=YEAR + 1, today=TODAY)[0].lights["plans"].colour == GREY

    rv = client_for(reviewer)
    r = rv.get(reverse("dashboard:index"), {"year": YEAR})
    assert 'data-figure="plans">4/7<' in r.content.decode()
    drill = rv.get(reverse("dashboard:records"), {"metric": "plans", "township": township.pk, "year": YEAR})
    assert drill.status_code == 200
    # the year is over: every planned activity not held is missed
    assert len(drill.context["items"]) == 7 - 4
    assert all(p.township_id == township.pk for p in drill.context["items"])
    assert "集中学习" in drill.content.decode()


def test_the_work_report_says_planned_against_held_per_group_and_station(township, plans, group, station):
    import io

    import docx
    from django.utils import translation

    from renda.dashboard.documents import work_report_docx
    from renda.dashboard.selectors import work_report_data

    data = work_report_data(township=township, year=YEAR, today=TODAY)
    plans = data.yearly_plans
    raw = plan_vs_held(township=township, year=YEAR, today=TODAY)
    assert (plans.planned, plans.held, plans.missed, plans.unplanned) == (7, 4, 2, 1)
    assert [(o["name"], o["held"], o["planned"]) for o in plans.owners] == [
        (o.owner.name, o.held, o.planned) for o in raw["owners"] if o.planned
    ]
    # a group without a plan is left out of the sentence
    DeputyGroup.objects.create(township=township, term=group.term, number=2, name="第二代表小组")
    data = work_report_data(township=township, year=YEAR, today=TODAY)
    with translation.override("zh-hans"):
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(work_report_docx(data))).paragraphs)
    assert "全年计划开展活动7次，按计划开展4次" in text
    assert (
        "第一代表小组按计划开展2次（计划5次）" in text
        and "红旗镇人大代表联络站按计划开展2次（计划2次）" in text
    )
    assert "2次计划活动未在计划月份开展" in text and "另开展计划外活动1次" in text
    assert "第二代表小组按计划" not in text


def test_the_plans_page_filters_one_group_and_keeps_notes(
    township, plans, secretary, other_secretary, reviewer, group, station, client_for
):
    other_group = DeputyGroup.objects.create(
        township=township, term=group.term, number=2, name="第二代表小组"
    )
    _plan(township, secretary, 5, group=other_group, subject="第二小组计划")
    own = client_for(secretary)
    url = reverse("meetings:plans") + f"?year={YEAR}&group={group.pk}"
    r = own.post(
        url, {"group": group.pk, "month": 7, "kind": "group", "subject": "七月学习", "note": "  结合汛期  "}
    )
    assert r.status_code == 302 and r["Location"] == url
    item = PlannedActivity.objects.get(subject="七月学习")
    assert (item.group, item.note, item.history.first().history_user) == (group, "结合汛期", secretary)

    r = own.get(url)
    html = r.content.decode()
    figures = plan_vs_held(township=township, year=YEAR, group=group)
    planned = PlannedActivity.objects.filter(group=group, year=YEAR).count()
    assert figures["planned"] == planned == 6 and [o.owner for o in figures["owners"]] == [group]
    assert f'data-figure="planned">{planned}<' in html and "结合汛期" in html
    assert "第二小组计划" not in html, html[html.index("第二小组计划") - 300 :][:400]
    assert [o.owner for o in r.context["plan"]["owners"]] == [group]
    assert r.context["form"].initial["group"] == group.pk

    # voiding from the filtered page comes back to it
    assert f'name="next" value="{url.replace("&", "&amp;")}"' in html
    void = reverse("record_void", args=[ContentType.objects.get_for_model(PlannedActivity).pk, item.pk])
    r = own.post(void, {"reason": "误录", "next": url})
    assert r.status_code == 302 and r["Location"] == url
    assert not PlannedActivity.objects.filter(pk=item.pk).exists()

    # another township's group: 404; a malformed one: the whole township
    assert client_for(other_secretary).get(url).status_code == 404
    assert own.get(reverse("meetings:plans"), {"year": YEAR, "group": "x1"}).status_code == 200
    # a county reviewer follows the link without choosing the township first
    r = client_for(reviewer).get(url)
    assert r.status_code == 200 and group.name in r.content.decode() and r.context["form"] is None


def test_the_group_page_shows_its_plan_against_held(
    township, plans, secretary, reviewer, group, station, client_for, django_assert_max_num_queries
):
    PlannedActivity.objects.filter(group=group, month=3).update(note="结合春耕")
    client = client_for(secretary)
    url = reverse("deputies:group", args=[group.pk])
    with django_assert_max_num_queries(25):
        r = client.get(url, {"year": YEAR})
    html = r.content.decode()
    assert r.status_code == 200

    # recounted from raw rows: the group's planned activities of the year and, per (month,
    # kind), the lesser of planned and held; the year is over, so the rest are missed
    planned: dict = {}
    for p in PlannedActivity.objects.filter(group=group, year=YEAR):
        planned[(p.month, p.kind)] = planned.get((p.month, p.kind), 0) + 1
    held: dict = {}
    for a in Activity.objects.filter(group=group, start_date__year=YEAR):
        held[(a.start_date.month, a.kind)] = held.get((a.start_date.month, a.kind), 0) + 1
    n_planned = sum(planned.values())
    n_held = sum(min(n, held.get(k, 0)) for k, n in planned.items())
    n_unplanned = sum(max(0, n - planned.get(k, 0)) for k, n in held.items())
    assert (n_planned, n_held, n_unplanned) == (5, 2, 1)
    assert f'data-figure="plan-planned">{n_planned}<' in html
    assert f'data-figure="plan-held">{n_held}<' in html
    assert f'data-figure="plan-missed">{n_planned - n_held}<' in html
    assert f'data-figure="plan-unplanned">{n_unplanned}<' in html
    assert "结合春耕" in html and "视察准备" in html
    # one "held" badge per planned activity held
    assert html.count('class="badge text-bg-success"') == n_held
    # staff edit the plan on the plans page, narrowed to the group
    link = f"{reverse('meetings:plans')}?year={YEAR}&amp;group={group.pk}"
    assert link in html

    # a reviewer reads it too; a year outside the group's term shows the nearest of its years
    r = client_for(reviewer).get(url, {"year": YEAR})
    assert r.status_code == 200 and f'data-figure="plan-planned">{n_planned}<' in r.content.decode()
    r = client.get(url, {"year": 2040})
    assert r.status_code == 200 and r.context["year"] == group.term.end_date.year

    # the old plan editor is gone
    assert client.get(f"/deputies/groups/{group.pk}/plan/").status_code == 404


def test_a_planned_activity_is_corrected_on_its_form(
    township, plans, secretary, other_secretary, reviewer, group, client_for
):
    item = PlannedActivity.objects.filter(group=group, month=3).get()
    url = reverse("meetings:plan_edit", args=[item.pk]) + f"?group={group.pk}"
    own = client_for(secretary)
    page = own.get(reverse("meetings:plans"), {"year": YEAR, "group": group.pk}).content.decode()
    assert url.replace("&", "&amp;") in page
    assert own.get(url).status_code == 200
    r = own.post(url, {"month": 4, "kind": "inspection", "subject": " 视察春耕 ", "note": "改到四月"})
    assert (
        r.status_code == 302 and r["Location"] == f"{reverse('meetings:plans')}?year={YEAR}&group={group.pk}"
    )
    item.refresh_from_db()
    assert (item.month, item.kind, item.subject, item.note, item.group, item.year) == (
        4,
        "inspection",
        "视察春耕",
        "改到四月",
        group,
        YEAR,
    )
    assert item.history.first().history_user == secretary
    r = own.post(url, {"month": 4, "kind": "inspection", "subject": "  ", "note": ""})
    assert r.status_code == 200 and "invalid-feedback" in r.content.decode()
    assert client_for(other_secretary).get(url).status_code == 404
    assert client_for(reviewer).post(url, {"month": 5, "kind": "group", "subject": "x"}).status_code == 403
    with pytest.raises(ApplicationError):
        from meetings.services import planned_activity_update

        planned_activity_update(item=item, month=5, kind="group", subject="x", by=other_secretary)
    item.refresh_from_db()
    assert item.month == 4


def test_the_plans_own_note_stays_shown_when_its_first_activity_is_voided(
    township, secretary, reviewer, group, station, client_for
):
    from meetings.models import PlanNote
    from meetings.services import plan_note_set
    from renda.core.services import record_void

    first = _plan(township, secretary, 2, group=group, subject="学习法律法规")
    _plan(township, secretary, 8, group=group, subject="视察农村人居环境整治")
    plan_note_set(
        township=township, year=YEAR, group=group, text="每季度至少开展一次集中活动。", by=secretary
    )
    with pytest.raises(ApplicationError):
        plan_note_set(township=township, year=YEAR, group=group, text="改", by=reviewer)

    record_void(obj=first, by=secretary, reason="录入错误")

    client = client_for(secretary)
    page = client.get(reverse("meetings:plans"), {"year": YEAR}).content.decode()
    assert "每季度至少开展一次集中活动。" in page and "学习法律法规" not in page
    group_page = client.get(reverse("deputies:group", args=[group.pk]), {"year": YEAR}).content.decode()
    assert "每季度至少开展一次集中活动。" in group_page

    # the plans page writes it, for a station too; an empty text clears it
    url = reverse("meetings:plan_note") + f"?year={YEAR}"
    assert client.post(url, {"station": station.pk, "text": "每月接待一次"}).status_code == 302
    assert client.post(url, {"group": group.pk, "text": ""}).status_code == 302
    assert dict(PlanNote.objects.values_list("station_id", "text")) == {None: "", station.pk: "每月接待一次"}
    assert client.post(url, {"text": "无主"}).status_code == 302  # neither: a message, nothing written
    assert PlanNote.objects.count() == 2
    assert client_for(reviewer).post(url, {"group": group.pk, "text": "改"}).status_code in (403, 404)
