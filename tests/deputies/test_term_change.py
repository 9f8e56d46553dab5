"""换届: two terms with a term change between them. Attendance, majority, scores and the work
report of each year follow the mandate timeline; the old term stays as recorded."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import ScoreResult
from assessments.services import assessments_compute
from deputies import services
from deputies.models import DeputyGroup, GroupMembership, Mandate, PresidiumMembership
from deputies.selectors import deputy_serving
from meetings.models import SessionAttendance
from meetings.services import presidium_meeting_create, session_create
from renda.core.exceptions import ApplicationError
from renda.core.models import Term, Township
from renda.dashboard.selectors import work_report_data
from tests.factories import DeputyFactory, TermFactory, TownshipFactory, UserFactory, staff_user

OLD_START, OLD_END = dt.date(2020, 1, 1), dt.date(2024, 12, 31)
NEW_START, NEW_END = dt.date(2025, 1, 1), dt.date(2029, 12, 31)


@pytest.fixture
def town(db):
    return TownshipFactory(name="换届镇", code="hj")


@pytest.fixture
def old_term(town):
    return TermFactory(township=town, number=1, start_date=OLD_START, end_date=OLD_END)


@pytest.fixture
def town_secretary(town):
    return UserFactory(username="hjsec", township=town, role="township_secretary")


@pytest.fixture
def people(town, old_term):
    """Six deputies of the old term (a–f); a chairs, b vice-chairs, c is a member."""
    ds = [DeputyFactory(township=town, name=n) for n in ("甲一", "乙二", "丙三", "丁四", "戊五", "己六")]
    for d, role in zip(ds[:3], ["chair", "vice_chair", "member"]):
        PresidiumMembership.objects.create(
            township=town, term=old_term, deputy=d, role=role, start_date=OLD_START
        )
    group = DeputyGroup.objects.create(
        township=town, term=old_term, number=1, name="第一代表小组", leader=ds[0]
    )
    GroupMembership.objects.bulk_create(
        [GroupMembership(township=town, group=group, deputy=d, term=old_term) for d in ds]
    )
    return ds


def _change(town, people, secretary, **kw):
    a, b, _c, d, _e, _f = people
    args = {
        "township": town,
        "start_date": NEW_START,
        "end_date": NEW_END,
        "reelected": [a, b, d],
        "presidium": [(a, "chair"), (b, "vice_chair"), (d, "member")],
        "by": secretary,
    }
    args.update(kw)
    return services.term_change(**args)


@pytest.mark.django_db
def test_two_terms_with_a_term_change(town, old_term, people, town_secretary):
    a, b, c, d, e, f = people
    old_session = session_create(
        by=staff_user(town),
        township=town,
        number=5,
        start_date=dt.date(2024, 3, 1),
        end_date=dt.date(2024, 3, 2),
    )
    old_meeting = presidium_meeting_create(
        by=staff_user(town), township=town, date=dt.date(2024, 6, 1), kind="regular", chair=a
    )

    new = _change(town, people, town_secretary)
    # a deputy newly elected in a by-election, after the term began
    g = DeputyFactory(township=town, name="庚七", mandate=False)
    services.mandate_create(
        deputy=g,
        level="township",
        term=new,
        start_date=dt.date(2025, 2, 1),
        start_reason="by_election",
        by=town_secretary,
    )
    services.presidium_member_add(
        township=town, term=new, deputy=g, role="member", start_date=dt.date(2025, 2, 1), by=town_secretary
    )

    # the old term is untouched and its mandates ended with it
    old_term.refresh_from_db()
    assert (old_term.start_date, old_term.end_date) == (OLD_START, OLD_END)
    ended = Mandate.objects.filter(term=old_term)
    assert ended.count() == 6 and all(m.end_date == NEW_START and m.end_reason == "term_ended" for m in ended)
    assert set(deputy_serving(township=town, on=OLD_END)) == set(people)
    assert set(deputy_serving(township=town, on=NEW_START)) == {a, b, d}
    # groups set up from the old ones, re-elected members only
    new_group = DeputyGroup.objects.get(term=new)
    assert set(new_group.members.all()) == {a, b, d} and new_group.leader == a
    assert set(DeputyGroup.objects.get(term=old_term).members.all()) == set(people)

    # attendance of each year
    new_session = session_create(
        by=staff_user(town),
        township=town,
        number=1,
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 3, 2),
    )
    old_expected = set(
        SessionAttendance.objects.filter(session=old_session).values_list("deputy_id", flat=True)
    )
    new_expected = set(
        SessionAttendance.objects.filter(session=new_session).values_list("deputy_id", flat=True)
    )
    assert old_expected == {p.pk for p in people}
    assert new_expected == {a.pk, b.pk, d.pk, g.pk}

    # majority of each term
    new_meeting = presidium_meeting_create(
        by=staff_user(town), township=town, date=dt.date(2025, 6, 1), kind="regular", chair=b
    )
    assert (old_meeting.member_count, old_meeting.majority_needed) == (3, 2)
    assert (new_meeting.member_count, new_meeting.majority_needed) == (4, 3)
    with pytest.raises(ApplicationError):  # c is no longer in the presidium
        presidium_meeting_create(
            by=staff_user(town), township=town, date=dt.date(2025, 7, 1), kind="regular", chair=c
        )

    # scores of each year: who is scored and for how many days
    assessments_compute(townships=[town], year=2024)
    assessments_compute(townships=[town], year=2025)
    days_2024 = dict(
        ScoreResult.objects.filter(assessment__year=2024).values_list("deputy_id", "served_days")
    )
    days_2025 = dict(
        ScoreResult.objects.filter(assessment__year=2025).values_list("deputy_id", "served_days")
    )
    assert days_2024 == {p.pk: 366 for p in people}
    assert days_2025 == {
        a.pk: 365,
        b.pk: 365,
        d.pk: 365,
        g.pk: (dt.date(2025, 12, 31) - dt.date(2025, 2, 1)).days + 1,
    }

    # work report of each year
    today = dt.date(2026, 6, 1)
    r2024 = work_report_data(township=town, year=2024, today=today)
    r2025 = work_report_data(township=town, year=2025, today=today)
    assert r2024.deputies.total == 6 and r2025.deputies.total == 4
    assert [s.expected for s in r2024.sessions] == [6]
    assert [s.expected for s in r2025.sessions] == [4]
    assert [grp.members for grp in r2024.groups] == [6]
    assert [grp.members for grp in r2025.groups] == [3]


@pytest.mark.django_db
def test_term_change_refusals(town, old_term, people, town_secretary):
    with pytest.raises(ApplicationError) as exc:
        _change(town, people, town_secretary, start_date=dt.date(2024, 12, 1))
    assert exc.value.field == "start_date" and "2024-12-31" in exc.value.message
    with pytest.raises(ApplicationError) as exc:
        _change(town, people, town_secretary, presidium=[(people[2], "chair")])
    assert exc.value.field == "presidium" and people[2].name in exc.value.message
    assert not Term.objects.filter(township=town, number=2).exists()  # nothing half-written
    assert not Mandate.objects.filter(term=old_term, end_date__isnull=False).exists()


@pytest.mark.django_db
def test_subdistrict_has_no_term_change(db):
    jiedao = TownshipFactory(name="城关街道", code="cg", kind=Township.Kind.JIEDAO)
    secretary = UserFactory(username="cgsec", township=jiedao, role="township_secretary")
    TermFactory(township=jiedao, number=1, start_date=OLD_START, end_date=OLD_END)
    with pytest.raises(ApplicationError, match="街道"):
        services.term_change(
            township=jiedao, start_date=NEW_START, end_date=NEW_END, reelected=[], by=secretary
        )
    # no 人代会 and no township deputies either
    with pytest.raises(ApplicationError):
        session_create(
            by=staff_user(jiedao),
            township=jiedao,
            number=1,
            start_date=dt.date(2024, 3, 1),
            end_date=dt.date(2024, 3, 1),
        )
    county_deputy = DeputyFactory(township=jiedao, mandate__level="county")
    with pytest.raises(ApplicationError, match="街道"):
        services.mandate_create(
            deputy=county_deputy,
            level="township",
            term=Term.objects.get(township=jiedao),
            start_date=OLD_START,
            by=secretary,
        )


@pytest.mark.django_db
def test_term_change_through_the_form(client_for, township, term, secretary):
    a, b = DeputyFactory(township=township), DeputyFactory(township=township)
    client = client_for(secretary)
    page = client.get(reverse("deputies:term_change"))
    assert page.status_code == 200 and a.name in page.content.decode()
    start = term.end_date + dt.timedelta(days=1)
    data = {
        "number": term.number + 1,
        "start_date": start.isoformat(),
        "end_date": dt.date(start.year + 5, start.month, start.day - 1).isoformat(),
        "reelected": [a.pk],
        "chair": b.pk,  # not re-elected: refused beside the field
        "copy_groups": "on",
    }
    response = client.post(reverse("deputies:term_change"), data)
    assert response.status_code == 200 and b.name in response.content.decode()
    assert not Term.objects.filter(township=township, number=term.number + 1).exists()
    data["chair"] = a.pk
    response = client.post(reverse("deputies:term_change"), data)
    assert response.status_code == 302
    new = Term.objects.get(township=township, number=term.number + 1)
    assert PresidiumMembership.objects.get(term=new).deputy == a


@pytest.mark.django_db
def test_presidium_page_and_refusals(client_for, township, term, secretary):
    a, b = DeputyFactory(township=township), DeputyFactory(township=township)
    county_only = DeputyFactory(township=township, mandate__level="county")
    client = client_for(secretary)
    url = reverse("deputies:presidium")
    response = client.post(url, {"deputy": a.pk, "role": "chair", "start_date": "2022-01-05"})
    assert response.status_code == 302
    # one chair at a time
    response = client.post(url, {"deputy": b.pk, "role": "chair", "start_date": "2023-01-05"})
    assert response.status_code == 200 and a.name in response.content.decode()
    # a county deputy is not a township deputy
    with pytest.raises(ApplicationError) as exc:
        services.presidium_member_add(
            township=township,
            term=term,
            deputy=county_only,
            role="member",
            start_date=dt.date(2023, 1, 5),
            by=secretary,
        )
    assert county_only.name in exc.value.message and "2023-01-05" in exc.value.message
    # the page lists the member and the history
    m = PresidiumMembership.objects.get(deputy=a)
    response = client.post(
        reverse("deputies:presidium_edit", args=[m.pk]),
        {"role": "chair", "start_date": "2022-01-05", "end_date": "2024-01-01", "reason": "调任"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert a.name in page and "调任" in page


# --- 换届 from the election result's Excel file ---------------------------------------------------

ELECTION_HEADERS = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "身份证号",
    "工作单位及职务",
    "当选日期",
    "得票数",
]


def _election_file(rows):
    from tests.deputies.factories import xlsx

    return xlsx(rows, headers=ELECTION_HEADERS, title="换届镇第二届人民代表大会代表当选名单")


def _newcomer(name="新当选", seq=7, elected=""):
    from tests.deputies.factories import id_number

    return [
        9,
        name,
        "女",
        "汉族",
        "1980.03",
        id_number(dt.date(1980, 3, 9), female=True, seq=seq),
        "新村主任",
        elected,
        1200,
    ]


@pytest.mark.django_db
def test_election_result_preview_reads_rows_and_refuses_bad_ones(town, old_term, people):
    from deputies.importing import election_result_read
    from tests.deputies.factories import id_number

    a, b, *_rest = people
    a.id_number = id_number(dt.date(1975, 5, 1), seq=3)
    a.save()
    content = _election_file(
        [
            [1, "甲一", "", "", "", a.id_number, "", "", 1500],  # re-elected, by ID number
            [2, "乙二", "", "", "", "", "", "2025-01-05", 1400],  # re-elected, by a unique name
            _newcomer(),
            [4, "无名氏", "", "", "", "", "", "", 900],  # new, without gender / ethnicity / birth
            [5, "错号", "男", "汉族", "1970.01", "340225197001010000", "", "", 800],  # bad ID number
            [6, "早选", "男", "汉族", "1970.01", "", "", "2024-12-01", 700],  # before the new term
        ]
    )
    result = election_result_read(
        township=town, content=content, number=2, start_date=NEW_START, end_date=NEW_END
    )
    assert not result.file_error
    rows = {r.name: r for r in result.rows}
    assert rows["甲一"].deputy == a and rows["甲一"].reelected and rows["甲一"].status == "unchanged"
    assert rows["乙二"].deputy == b and rows["乙二"].elected == dt.date(2025, 1, 5)
    assert rows["新当选"].status == "new" and not rows["新当选"].reelected
    columns = {name: {c for c, _m in rows[name].errors} for name in ("无名氏", "错号", "早选")}
    assert columns["无名氏"] == {"性别", "民族", "出生年月"}
    assert rows["错号"].status == "error" and columns["错号"] == {"身份证号"}
    assert columns["早选"] == {"当选日期"} and "2024.12.01" in rows["早选"].errors[0][1]
    assert not result.ok
    # the 得票数 column is listed as not imported, and nothing was written
    assert any(header == "得票数" for _l, header, _n in result.unused)
    assert not Term.objects.filter(township=town, number=2).exists()


@pytest.mark.django_db
def test_election_result_name_shared_by_two_deputies_is_refused(town, old_term, people):
    from deputies.importing import election_result_read

    DeputyFactory(township=town, name="甲一")
    result = election_result_read(
        township=town,
        content=_election_file([[1, "甲一", "", "", "", "", "", "", 1]]),
        number=2,
        start_date=NEW_START,
        end_date=NEW_END,
    )
    assert result.rows[0].status == "error" and result.rows[0].errors[0][0] == "姓名"
    assert "甲一" in result.rows[0].errors[0][1] and "2" in result.rows[0].errors[0][1]


@pytest.mark.django_db
def test_term_change_with_election_result_in_one_transaction(town, old_term, people, town_secretary):
    from deputies.importing import term_change_with_election_result
    from deputies.models import Deputy

    a, b, c, d, e, f = people
    content = _election_file(
        [
            [1, "甲一", "", "", "", "", "", "", 1],
            [2, "乙二", "", "", "", "", "", "2025-01-03", 1],
            _newcomer(),
        ]
    )
    # a presidium member not in the election result: the whole step is refused, nothing written
    with pytest.raises(ApplicationError):
        term_change_with_election_result(
            township=town,
            content=content,
            number=2,
            start_date=NEW_START,
            end_date=NEW_END,
            presidium=[(c, "chair")],
            by=town_secretary,
        )
    assert not Term.objects.filter(township=town, number=2).exists()
    assert not Deputy.objects.filter(name="新当选").exists()
    assert Mandate.objects.filter(deputy=c, end_date__isnull=True).exists()

    new, result = term_change_with_election_result(
        township=town,
        content=content,
        number=2,
        start_date=NEW_START,
        end_date=NEW_END,
        presidium=[(a, "chair"), (b, "vice_chair")],
        by=town_secretary,
    )
    assert (result.reelected_count, result.newly_elected_count) == (2, 1)
    newcomer = Deputy.objects.get(township=town, name="新当选")
    serving = set(deputy_serving(township=town, on=dt.date(2025, 6, 1)))
    assert serving == {a, b, newcomer}
    assert set(deputy_serving(township=town, on=OLD_END)) == set(people)
    starts = dict(Mandate.objects.filter(term=new).values_list("deputy__name", "start_date"))
    assert starts == {"甲一": NEW_START, "乙二": dt.date(2025, 1, 3), "新当选": NEW_START}
    assert PresidiumMembership.objects.get(term=new, role="vice_chair").start_date == dt.date(2025, 1, 3)
    # the old groups as a start: re-elected members only
    group = DeputyGroup.objects.get(term=new)
    assert set(GroupMembership.objects.filter(group=group).values_list("deputy__name", flat=True)) == {
        "甲一",
        "乙二",
    }


@pytest.mark.django_db
def test_term_change_with_election_result_through_the_page(client_for, township, term, secretary):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deputies.models import Deputy

    a = DeputyFactory(township=township, name="留任甲")
    DeputyFactory(township=township, name="离任乙")
    client = client_for(secretary)
    start = term.end_date + dt.timedelta(days=1)
    data = {
        "number": term.number + 1,
        "start_date": start.isoformat(),
        "end_date": dt.date(start.year + 5, start.month, start.day - 1).isoformat(),
        "copy_groups": "on",
    }
    url = reverse("deputies:term_change")
    bad = _election_file([[1, "留任甲", "", "", "", "", "", "", 1], [2, "无名氏", "", "", "", "", "", "", 1]])
    page = client.post(url, {**data, "election_file": SimpleUploadedFile("结果.xlsx", bad)})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="election-errors"' in text and "无名氏" in text
    assert 'name="token"' not in text

    good = _election_file([[1, "留任甲", "", "", "", "", "", "", 1], _newcomer()])
    page = client.post(url, {**data, "election_file": SimpleUploadedFile("结果.xlsx", good)})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="election-ready"' in text
    assert not Term.objects.filter(township=township, number=term.number + 1).exists()
    token = page.context["token"]
    assert token

    response = client.post(url, {**data, "token": token, "chair": a.pk})
    assert response.status_code == 302
    new = Term.objects.get(township=township, number=term.number + 1)
    assert set(deputy_serving(township=township, on=start).values_list("name", flat=True)) == {
        "留任甲",
        "新当选",
    }
    assert Deputy.objects.get(name="新当选").mandates.get().term == new
    assert PresidiumMembership.objects.get(term=new).deputy == a
    # the kept copy is gone: confirming again does nothing more
    response = client.post(url, {**data, "token": token})
    assert response.status_code == 200 and Term.objects.filter(township=township).count() == 2


@pytest.mark.django_db
def test_election_result_preview_can_be_cancelled(client_for, township, term, secretary):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile

    DeputyFactory(township=township, name="留任甲")
    client = client_for(secretary)
    start = term.end_date + dt.timedelta(days=1)
    data = {
        "number": term.number + 1,
        "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=1800)).isoformat(),
    }
    file = SimpleUploadedFile("结果.xlsx", _election_file([[1, "留任甲", "", "", "", "", "", "", 1]]))
    page = client.post(reverse("deputies:term_change"), {**data, "election_file": file})
    token = page.context["token"]
    assert default_storage.exists(f"imports/{token}.upload")
    response = client.post(reverse("deputies:term_change_cancel"), {"token": token})
    assert response.status_code == 302 and not default_storage.exists(f"imports/{token}.upload")
    response = client.post(reverse("deputies:term_change"), {**data, "token": token})
    assert response.status_code == 200
    assert not Term.objects.filter(township=township, number=term.number + 1).exists()
