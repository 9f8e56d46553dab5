"""The working-day calendar kept in the app (issue 15, point 6): the county admin enters a year's
holidays and make-up working days, which override the package; a year without data is said so
wherever a deadline or the reception notice rule falls in it; month deadlines move off rest days;
the notice rule counts a rest-day reception correctly; the workbench counts deputies on duty."""

import datetime as dt
import io

import chinese_calendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from meetings.models import Activity, ActivityParticipation
from meetings.rules import reception_warnings
from proposals.models import HandlingUnit, Proposal, ProposalSettings
from proposals.workflow import deadline_compute
from renda.core import workdays
from renda.core.exceptions import ApplicationError
from renda.core.workcalendar import CalendarDay, calendar_year_replace, rows_read, text_rows
from tests.factories import DeputyFactory

pytestmark = pytest.mark.django_db

NEW_YEAR_2027 = dt.date(2027, 1, 1)  # a Friday; 2027 is not in the package
MISSING_2027 = "2027年：该年度节假日安排尚未录入，按周末计算。"
NOTICE_2027 = "2027-01-01 放假 元旦\n2027-01-02 放假 元旦\n2027-01-03 放假 元旦\n2027-02-07 上班 春节"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workdays.clear_cache()
    # messages built outside a request: in Chinese whatever language an earlier test left active
    with translation.override("zh-hans"):
        yield
    workdays.clear_cache()


def _enter_2027(admin_user):
    return calendar_year_replace(year=2027, rows=rows_read(text_rows(NOTICE_2027), year=2027), by=admin_user)


def test_2027_new_year_without_data_counts_weekends_and_says_so():
    assert not workdays.package_covers(2027)
    assert not workdays.year_has_data(2027)
    assert workdays.is_workday(NEW_YEAR_2027)  # weekends only: a Friday works
    assert workdays.missing_data_messages(NEW_YEAR_2027) == [MISSING_2027]
    assert workdays.missing_data_messages(dt.date(2026, 6, 1)) == []


def test_2027_new_year_with_entered_data_is_a_holiday(admin_user):
    assert _enter_2027(admin_user) == 4
    assert workdays.year_has_data(2027)
    assert not workdays.is_workday(NEW_YEAR_2027)
    assert workdays.is_workday(dt.date(2027, 2, 7))  # a Sunday made a working day
    assert workdays.is_workday(dt.date(2027, 1, 4))  # days not listed follow the week
    assert not workdays.is_workday(dt.date(2027, 1, 9))
    assert workdays.missing_data_messages(NEW_YEAR_2027) == []
    assert workdays.add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)


def test_entered_days_override_the_package_for_the_whole_year(admin_user):
    national_day = dt.date(2026, 10, 1)  # a Thursday, a holiday in the package
    assert not workdays.is_workday(national_day)
    calendar_year_replace(
        year=2026, rows=rows_read([["2026-01-01", "放假", "元旦"]], year=2026), by=admin_user
    )
    assert not workdays.is_workday(dt.date(2026, 1, 1))
    assert workdays.is_workday(national_day)
    # replacing the year again swaps the days; the history keeps who did what
    calendar_year_replace(
        year=2026, rows=rows_read([["2026-10-01", "放假", "国庆节"]], year=2026), by=admin_user
    )
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [national_day]
    assert (
        CalendarDay.history.filter(history_type="-", date=dt.date(2026, 1, 1)).get().history_user
        == admin_user
    )


def test_only_the_county_admin_enters_days(secretary, chair, reviewer):
    rows = rows_read(text_rows(NOTICE_2027), year=2027)
    for user in (secretary, chair, reviewer):
        with pytest.raises(ApplicationError):
            calendar_year_replace(year=2027, rows=rows, by=user)
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-13-01 放假 元旦", "不是日期"),
        ("2026-12-31 放假 元旦", "不在 2027 年"),
        ("2027-01-01 休假 元旦", "放假"),
        ("2027-01-04 上班 春节", "周末"),
        ("2027-01-01 放假 元旦\n2027-01-01 放假 元旦", "重复"),
        ("", "请输入"),
    ],
)
def test_page_refuses_bad_lines_beside_the_field(admin_user, client_for, text, message):
    r = client_for(admin_user).post(reverse("calendar"), {"year": 2027, "text": text})
    assert r.status_code == 200
    assert message in str(r.context["form"].errors["text"])
    assert not CalendarDay.objects.exists()


def test_page_for_the_admin_paste_and_xlsx(admin_user, client_for):
    c = client_for(admin_user)
    page = c.get(reverse("calendar") + "?year=2027")
    assert page.status_code == 200 and MISSING_2027 in page.content.decode()
    r = c.post(reverse("calendar"), {"year": 2027, "text": NOTICE_2027})
    assert r.status_code == 302
    assert CalendarDay.objects.filter(date__year=2027).count() == 4
    page = c.get(reverse("calendar") + "?year=2027").content.decode()
    assert MISSING_2027 not in page and "元旦" in page

    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "类型", "名称"])
    ws.append([dt.datetime(2028, 1, 1), "放假", "元旦"])
    ws.append(["2028-01-29", "上班", "春节"])
    buf = io.BytesIO()
    wb.save(buf)
    upload = SimpleUploadedFile("2028.xlsx", buf.getvalue())
    r = c.post(reverse("calendar"), {"year": 2028, "table": upload})
    assert r.status_code == 302
    assert dict(CalendarDay.objects.filter(date__year=2028).values_list("date", "kind")) == {
        dt.date(2028, 1, 1): "holiday",
        dt.date(2028, 1, 29): "workday",
    }
    bad = SimpleUploadedFile("x.xlsx", b"not a workbook at all")
    r = c.post(reverse("calendar"), {"year": 2028, "table": bad})
    assert r.status_code == 200 and r.context["form"].errors["table"]


def test_page_is_read_only_for_township_staff(secretary, client_for):
    c = client_for(secretary)
    page = c.get(reverse("calendar") + "?year=2027")
    assert page.status_code == 200 and page.context["form"] is None
    assert c.post(reverse("calendar"), {"year": 2027, "text": NOTICE_2027}).status_code == 403
    assert not CalendarDay.objects.exists()


# --- deadlines ---------------------------------------------------------------------------


def _first_workday_by_package(day):
    while not chinese_calendar.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def test_month_deadline_on_a_holiday_moves_to_the_next_working_day(township):
    ProposalSettings.objects.update_or_create(
        township=township, defaults={"deadline_amount": 3, "deadline_unit": "months"}
    )
    deadline = deadline_compute(township=township, start=dt.date(2026, 7, 1))
    assert deadline == _first_workday_by_package(dt.date(2026, 10, 1)) > dt.date(2026, 10, 1)
    # a working day stays where it is
    assert deadline_compute(township=township, start=dt.date(2026, 3, 3)) == dt.date(2026, 6, 3)


def test_month_deadline_on_2027_new_year_with_and_without_data(township, admin_user):
    ProposalSettings.objects.update_or_create(
        township=township, defaults={"deadline_amount": 3, "deadline_unit": "months"}
    )
    assert deadline_compute(township=township, start=dt.date(2026, 10, 1)) == NEW_YEAR_2027
    _enter_2027(admin_user)
    assert deadline_compute(township=township, start=dt.date(2026, 10, 1)) == dt.date(2027, 1, 4)


def _assigned_proposal(township, deadline):
    deputy = DeputyFactory(township=township)
    return Proposal.objects.create(
        township=township,
        term=township.terms.get(),
        year=2026,
        number_scope="recess-2026",
        serial=1,
        number="2026-1",
        title="关于修路的建议",
        content="内容",
        lead_deputy=deputy,
        submitted_on=dt.date(2026, 9, 20),
        state="assigned",
        assigned_on=dt.date(2026, 10, 1),
        deadline=deadline,
        lead_unit=HandlingUnit.objects.create(township=township, name="交通办"),
    )


def test_proposal_page_says_when_the_deadlines_year_has_no_data(
    township, term, secretary, admin_user, client_for
):
    p = _assigned_proposal(township, NEW_YEAR_2027)
    url = reverse("proposals:detail", args=[p.pk])
    assert MISSING_2027 in client_for(secretary).get(url).content.decode()
    _enter_2027(admin_user)
    workdays.clear_cache()
    assert MISSING_2027 not in client_for(secretary).get(url).content.decode()


# --- the reception notice rule -----------------------------------------------------------


def test_notice_for_a_saturday_reception_counts_the_working_days_before_it():
    saturday = dt.date(2025, 5, 17)
    assert not chinese_calendar.is_workday(saturday)
    # noticed on Wednesday: Wednesday, Thursday, Friday = 3 working days ahead
    assert reception_warnings(start_date=saturday, notice_date=dt.date(2025, 5, 14), on_duty_count=2) == []
    # noticed on Thursday: 2 only
    warnings = reception_warnings(start_date=saturday, notice_date=dt.date(2025, 5, 15), on_duty_count=2)
    assert len(warnings) == 1 and "2" in warnings[0]
    # a reception on a working day is counted as before: Monday notice, Thursday reception
    assert (
        reception_warnings(start_date=dt.date(2025, 5, 22), notice_date=dt.date(2025, 5, 19), on_duty_count=2)
        == []
    )
    assert reception_warnings(
        start_date=dt.date(2025, 5, 22), notice_date=dt.date(2025, 5, 20), on_duty_count=2
    )


def test_notice_rule_in_2027_with_and_without_data(admin_user):
    # reception Monday 4 January 2027, noticed Wednesday 30 December 2026
    kw = {"start_date": dt.date(2027, 1, 4), "notice_date": dt.date(2026, 12, 30), "on_duty_count": 2}
    assert reception_warnings(**kw) == [MISSING_2027]  # 30, 31 Dec, 1 Jan (a Friday): 3 days
    _enter_2027(admin_user)
    warnings = reception_warnings(**kw)
    assert len(warnings) == 1 and "2" in warnings[0] and MISSING_2027 not in warnings


def test_reception_page_shows_the_missing_year(township, secretary, client_for):
    a = Activity.objects.create(
        township=township,
        kind="reception",
        start_date=dt.date(2027, 1, 9),
        notice_date=dt.date(2027, 1, 4),
        topic="接待选民",
    )
    page = client_for(secretary).get(reverse("meetings:activity_detail", args=[a.pk])).content.decode()
    assert MISSING_2027 in page


# --- the workbench -----------------------------------------------------------------------


def test_workbench_counts_the_deputies_actually_on_duty(township, term, secretary, client_for):
    from django.utils import timezone

    today = timezone.localdate()
    deputies = [DeputyFactory(township=township) for _ in range(4)]
    first = Activity.objects.create(
        township=township, kind="reception", start_date=today.replace(day=1), topic="接待"
    )
    second = Activity.objects.create(township=township, kind="reception", start_date=today, topic="接待")
    for a, d, role in [
        (first, deputies[0], "on_duty"),
        (first, deputies[1], "on_duty"),
        (first, deputies[2], "participant"),
        (second, deputies[0], "on_duty"),
    ]:
        ActivityParticipation.objects.create(township=township, activity=a, deputy=d, role=role)
    # a reception of another month and a group activity today: not counted
    other = Activity.objects.create(
        township=township,
        kind="reception",
        start_date=today.replace(day=1) - dt.timedelta(days=1),
        topic="接待",
    )
    ActivityParticipation.objects.create(
        township=township, activity=other, deputy=deputies[3], role="on_duty"
    )
    group = Activity.objects.create(township=township, kind="group", start_date=today, topic="小组活动")
    ActivityParticipation.objects.create(
        township=township, activity=group, deputy=deputies[3], role="on_duty"
    )

    expected = len(
        {
            p.deputy_id
            for p in ActivityParticipation.objects.filter(township=township, role="on_duty").select_related(
                "activity"
            )
            if p.activity.kind == "reception"
            and p.activity.start_date.year == today.year
            and p.activity.start_date.month == today.month
            and p.activity.start_date <= today
        }
    )
    r = client_for(secretary).get(reverse("home"))
    assert r.status_code == 200
    assert r.context["on_duty_this_month"] == expected == 2
    assert "实际在岗代表 2 名" in r.content.decode()
