import datetime as dt

import pytest
from django.urls import reverse

from deputies.models import Deputy, DeputyGroup, Mandate
from deputies.selectors import deputy_list, deputy_structure
from renda.core import hooks
from renda.core.archive import ARCHIVE_SECTION, ArchiveSection, deputy_archive
from tests.deputies.factories import id_number, keyed, make_group
from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _deputy(township, name, **kw):
    return keyed(DeputyFactory(township=township, name=name, **kw))


def test_stroke_order_and_pinyin_order(township, secretary):
    for name in ["周杰", "丁一", "王五", "李四", "欧阳明", "黄华", "张三"]:
        _deputy(township, name)
    by_strokes = [d.name for d in deputy_list(user=secretary, filters={"sort": "strokes"})]
    # 丁2 王4 李7 张7 周8 欧阳8 黄11; equal strokes by pinyin (li < zhang; ouyang < zhou)
    assert by_strokes == ["丁一", "王五", "李四", "张三", "欧阳明", "周杰", "黄华"]
    by_pinyin = [d.name for d in deputy_list(user=secretary, filters={"sort": "pinyin"})]
    assert by_pinyin == ["丁一", "黄华", "李四", "欧阳明", "王五", "张三", "周杰"]


def test_search_by_name_initials_and_unit(township, secretary):
    a = _deputy(township, "张明华", work_unit="红星村委会主任")
    b = _deputy(township, "李红")
    assert list(deputy_list(user=secretary, filters={"q": "zmh"})) == [a]
    assert list(deputy_list(user=secretary, filters={"q": "红星村"})) == [a]
    assert list(deputy_list(user=secretary, filters={"q": "李"})) == [b]


def test_filters_status_level_group_ethnicity(township, term, secretary):
    current = _deputy(township, "张三", ethnicity="回族")
    former = _deputy(township, "李四", mandate__end_date=dt.date(2024, 1, 1))
    county = _deputy(township, "王五", mandate__level="county")
    make_group(township, term, 1, members=[current])
    assert set(deputy_list(user=secretary)) == {current, county}
    assert list(deputy_list(user=secretary, filters={"status": "former"})) == [former]
    assert list(deputy_list(user=secretary, filters={"level": "county"})) == [county]
    assert list(deputy_list(user=secretary, filters={"ethnicity": "minority"})) == [current]
    group = current.deputy_groups.get()
    assert list(deputy_list(user=secretary, filters={"group": group.pk})) == [current]


def test_list_is_scoped_per_role(township, other_township, secretary, other_secretary, reviewer, client_for):
    mine = _deputy(township, "张三")
    theirs = _deputy(other_township, "李四")

    def listed(user):
        return {row.pk for row in client_for(user).get("/deputies/").context["deputies"]}

    assert listed(secretary) == {mine.pk}
    assert listed(other_secretary) == {theirs.pk}
    assert listed(reviewer) == {mine.pk, theirs.pk}
    assert client_for(secretary).get(f"/deputies/{theirs.pk}/").status_code == 404
    assert client_for(reviewer).get(f"/deputies/{theirs.pk}/").status_code == 200


def test_handling_unit_sees_no_roster(township, client_for):
    unit = UserFactory(username="unit", township=township, role="handling_unit")
    assert client_for(unit).get("/deputies/").status_code == 403


@pytest.mark.parametrize(
    "url",
    ["/deputies/new/", "/deputies/import/", "/deputies/groups/new/", "/deputies/stations/new/"],
)
def test_reviewer_cannot_write(reviewer, client_for, url):
    assert client_for(reviewer).get(url).status_code == 403


def test_other_township_cannot_edit(township, other_secretary, client_for):
    d = _deputy(township, "张三")
    assert client_for(other_secretary).get(f"/deputies/{d.pk}/edit/").status_code == 404
    m = d.mandates.get()
    assert client_for(other_secretary).post(f"/deputies/mandates/{m.pk}/end/").status_code == 404


def test_phone_and_id_masked_for_reviewer_only(township, secretary, reviewer, client_for):
    number = id_number(dt.date(1975, 5, 1))
    d = _deputy(township, "张三", phone="13812341234", id_number=number)
    own = client_for(secretary).get(f"/deputies/{d.pk}/").content.decode()
    assert "13812341234" in own and number in own
    county = client_for(reviewer).get(f"/deputies/{d.pk}/").content.decode()
    assert "13812341234" not in county and number not in county
    assert "138****1234" in county and "*" * 18 in county and "340225" not in county
    assert "1975-05" in county and "1975-05-01" not in county  # birth date as year-month
    listed = client_for(reviewer).get("/deputies/").content.decode()
    assert "13812341234" not in listed and "138****1234" in listed


def test_list_query_count_does_not_grow(
    township, term, secretary, reviewer, client_for, django_assert_max_num_queries
):
    group = make_group(township, term, 1)
    for i in range(30):
        d = _deputy(township, f"张{i}", mandate__level="township")
        Mandate.objects.create(township=township, deputy=d, level="county", start_date=term.start_date)
        group.members.add(d, through_defaults={"township": township, "term": term})
    for user, bound in ((secretary, 10), (reviewer, 6)):
        c = client_for(user)
        c.get("/deputies/")  # warm the session and per-process caches
        with django_assert_max_num_queries(bound):
            response = c.get("/deputies/?sort=pinyin")
        assert len(response.context["deputies"]) == 30
        levels = [Mandate.Level.COUNTY.label, Mandate.Level.TOWNSHIP.label]
        assert all(d.levels == levels for d in response.context["deputies"])
        assert response.content.decode().count(f'href="/deputies/groups/{group.pk}/"') == 30


def test_group_list_counts_in_a_fixed_number_of_queries(
    township, term, secretary, reviewer, client_for, django_assert_max_num_queries
):
    groups = [make_group(township, term, n) for n in (1, 2)]
    for i in range(12):
        d = _deputy(township, f"张{i}", mandate__level="township" if i % 4 else "county")
        groups[i % 2].members.add(d, through_defaults={"township": township, "term": term})
    former = _deputy(township, "王五", mandate__end_date=term.start_date + dt.timedelta(days=30))
    groups[0].members.add(former, through_defaults={"township": township, "term": term})
    for user, bound in ((secretary, 7), (reviewer, 6)):
        c = client_for(user)
        c.get("/deputies/groups/")  # warm the session and per-process caches
        with django_assert_max_num_queries(bound):
            response = c.get("/deputies/groups/")
        counts = {g.pk: (g.member_count, g.other_level_count) for g in response.context["groups"]}
        assert counts == {groups[0].pk: (6, 3), groups[1].pk: (6, 0)}


def test_structure_counts_and_query_bound(township, secretary, client_for, django_assert_max_num_queries):
    today = dt.date.today()
    _deputy(township, "张三", gender="M", birth_date=today.replace(year=today.year - 30), ethnicity="汉族")
    _deputy(
        township,
        "李四",
        gender="F",
        birth_date=dt.date(1950, 1, 1),
        ethnicity="回族",
        affiliation="cpc",
        education="bachelor",
    )
    _deputy(township, "王五", mandate__end_date=dt.date(2023, 1, 1))  # no longer serving
    stats = deputy_structure(user=secretary)
    assert stats["total"] == 2
    assert dict(stats["by_gender"]) == {"男": 1, "女": 1} or [n for _l, n in stats["by_gender"]] == [1, 1]
    assert [n for _l, n in stats["by_ethnicity"]] == [1, 1]
    ages = [n for _l, n in stats["by_age"]]
    assert ages[0] == 1 and ages[4] == 1 and sum(ages) == 2
    assert dict((k, v) for k, v in stats["by_level"])  # five levels listed
    assert [n for _l, n in stats["by_level"]][-1] == 2
    c = client_for(secretary)
    c.get("/deputies/structure/")  # warm the session and per-process caches
    with django_assert_max_num_queries(12):
        response = c.get("/deputies/structure/")
    assert response.status_code == 200
    assert b'data-chart="chart-level"' in response.content


def test_create_deputy_with_field_errors_in_chinese(township, term, secretary, client_for):
    c = client_for(secretary)
    number = id_number(dt.date(1975, 5, 1))
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = c.post(
        "/deputies/new/",
        {
            "name": "张三",
            "gender": "M",
            "ethnicity": "汉族",
            "id_number": bad,
            "m-level": "township",
            "m-term": term.pk,
            "m-start_reason": "elected",
            "m-start_date": "2021-12-28",
        },
    )
    assert response.status_code == 200
    assert not response.context["mandate_form"].errors, response.context["mandate_form"].errors
    assert response.context["form"].errors["id_number"] == ["身份证号码的校验位不正确。"]
    response = c.post(
        "/deputies/new/",
        {
            "name": "张三",
            "gender": "M",
            "ethnicity": "汉族",
            "id_number": number,
            "m-level": "township",
            "m-term": term.pk,
            "m-start_reason": "elected",
            "m-start_date": "2021-12-28",
        },
    )
    d = Deputy.objects.get()
    assert response.status_code == 302 and d.birth_date == dt.date(1975, 5, 1)
    assert d.mandates.get().term == term


def test_end_mandate_through_view(township, secretary, client_for):
    d = _deputy(township, "张三")
    m = d.mandates.get()
    c = client_for(secretary)
    response = c.post(
        f"/deputies/mandates/{m.pk}/end/", {"end_reason": "recalled", "end_date": "2024-05-01", "note": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors["note"]
    response = c.post(
        f"/deputies/mandates/{m.pk}/end/",
        {"end_reason": "recalled", "end_date": "2024-05-01", "note": "依法罢免"},
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.end_reason, m.end_date, m.end_note) == ("recalled", dt.date(2024, 5, 1), "依法罢免")


def test_archive_sections_registered_by_other_apps_are_rendered(
    township, secretary, client_for, settings, tmp_path
):
    d = _deputy(township, "张三")
    seen = []

    def section(*, deputies, year, user=None, today=None):
        seen.extend((p.deputy_id, year, user.pk) for p in deputies)
        return {
            p.deputy_id: ArchiveSection("tests.example", "Example section", summary=f"score {year}")
            for p in deputies
        }

    hooks.register(ARCHIVE_SECTION, section, order=999)
    try:
        sections = deputy_archive(deputy=d, year=2024, user=secretary).sections
        mine = next(s for s in sections if s.key == "tests.example")
        assert mine.summary == "score 2024" and mine.title == "Example section"
        keys = [s.key for s in sections]
        assert keys.index("deputies.roster") < keys.index("tests.example")
        response = client_for(secretary).get(f"/deputies/{d.pk}/?year=2024")
        assert response.status_code == 200
        assert (d.pk, 2024, secretary.pk) in seen
        assert "Example section" in response.content.decode()
    finally:
        hooks.unregister(ARCHIVE_SECTION, section)


def test_group_and_station_pages(township, term, secretary, reviewer, client_for):
    members = [_deputy(township, f"张{i}") for i in range(3)]
    c = client_for(secretary)
    response = c.post(
        "/deputies/groups/new/",
        {
            "term": term.pk,
            "number": 1,
            "name": "第1代表小组",
            "activity_room": "红星村活动室",
            "villages": "红星村",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    group = DeputyGroup.objects.get()
    response = c.post(f"/deputies/groups/{group.pk}/members/", {"members": [m.pk for m in members]})
    assert response.status_code == 302
    assert group.members.count() == 3
    page = c.get(f"/deputies/groups/{group.pk}/")
    assert page.context["size_warning"]  # 3 members: warned, not refused
    response = c.post(
        "/deputies/stations/new/",
        {
            "name": "红旗镇代表联络站",
            "kind": "station",
            "head": members[0].pk,
            "deputy_heads": [members[1].pk],
        },
    )
    assert response.status_code == 302
    assert client_for(reviewer).get(reverse("deputies:stations")).status_code == 200
    assert client_for(reviewer).get(reverse("deputies:groups")).status_code == 200


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 6), "red").save(out, "PNG")
    return out.getvalue()


def test_photo_is_served_through_a_permission_checked_view(
    township, other_township, secretary, other_secretary, reviewer, client_for
):
    from django.core.files.base import ContentFile

    # given a deputy with a photo, and one without
    d = _deputy(township, "张三")
    content = _png()
    d.photo.save("zhangsan.png", ContentFile(content), save=True)
    bare = _deputy(township, "李四")
    url = reverse("deputies:photo", args=[d.pk])
    # the detail and edit pages show it through the view, never by its /media/ address
    for page in (f"/deputies/{d.pk}/", f"/deputies/{d.pk}/edit/"):
        html = client_for(secretary).get(page).content.decode()
        assert f'src="{url}?v=' in html, page
        assert "/media/" not in html, page
    # whoever may see the deputy gets the picture
    for user in (secretary, reviewer):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == content
        assert "private" in response["Cache-Control"]
    # another township's secretary, a deputy without a photo: not found; a handling unit: refused
    assert client_for(other_secretary).get(url).status_code == 404
    assert client_for(secretary).get(reverse("deputies:photo", args=[bare.pk])).status_code == 404
    unit = UserFactory(username="unit", township=township, role="handling_unit")
    assert client_for(unit).get(url).status_code == 403


def test_roster_rows_show_what_the_model_says(township, term, secretary, client_for):
    """The roster works out each row's cells in the view (no per-row template work): they agree
    with the deputy's own fields and displays, read again from the database."""
    group = make_group(township, term, 1)
    for i in range(4):
        d = _deputy(township, f"李{i}", mandate__level="township")
        Mandate.objects.create(township=township, deputy=d, level="county", start_date=term.start_date)
        if i % 2:
            group.members.add(d, through_defaults={"township": township, "term": term})
    r = client_for(secretary).get(reverse("deputies:list"))
    assert r.status_code == 200
    rows = list(r.context["deputies"])
    assert len(rows) == 4
    body = r.content.decode()
    for d in rows:
        fresh = Deputy.objects.get(pk=d.pk)
        assert d.url == reverse("deputies:detail", args=[d.pk]) and f'href="{d.url}"' in body
        assert d.gender_shown == fresh.get_gender_display()
        assert d.affiliation_shown == fresh.get_affiliation_display()
        assert d.birth_month == (fresh.birth_date.strftime("%Y.%m") if fresh.birth_date else "")
        assert sorted(map(str, d.levels)) == sorted(str(m.get_level_display()) for m in fresh.mandates.all())
        in_group = fresh.deputy_groups.filter(pk=group.pk).exists()
        assert d.group_url == (reverse("deputies:group", args=[group.pk]) if in_group else "")
