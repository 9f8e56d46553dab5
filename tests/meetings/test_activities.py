import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from meetings.models import Activity, ActivityAttachment, ActivityParticipation
from meetings.rules import reception_warnings
from meetings.services import activity_attachment_add, activity_save
from renda.core.exceptions import ApplicationError
from tests.factories import staff_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _activity(township, **kw):
    data = {"kind": "inspection", "start_date": dt.date(2025, 5, 20), "topic": "视察农村道路"}
    data.update(kw)
    return {"township": township, **data}


@pytest.mark.django_db
def test_reception_notice_counts_working_days_across_national_day():
    # 2025: 1–8 October are holidays, 28 September (Sunday) a make-up workday.
    reception = dt.date(2025, 10, 9)
    # nine calendar days ahead but only one working day: refused
    warnings = reception_warnings(start_date=reception, notice_date=dt.date(2025, 9, 30), on_duty_count=2)
    assert len(warnings) == 1 and "1" in warnings[0]
    # Friday 26 September: 28 Sep (make-up), 29, 30 Sep and 9 Oct = 4 working days: fine
    assert reception_warnings(start_date=reception, notice_date=dt.date(2025, 9, 26), on_duty_count=2) == []


@pytest.mark.django_db
def test_reception_rule_falls_back_to_weekends_for_uncovered_years():
    # 2040 is beyond chinese-calendar's data and not entered: Friday → Monday is one working day,
    # and the warnings say the year's holidays are unknown
    missing = "2040年：该年度节假日安排尚未录入，按周末计算。"
    with translation.override("zh-hans"):  # built outside a request: whatever an earlier test left
        warnings = reception_warnings(
            start_date=dt.date(2040, 3, 5), notice_date=dt.date(2040, 3, 2), on_duty_count=2
        )
        later = reception_warnings(
            start_date=dt.date(2040, 3, 8), notice_date=dt.date(2040, 3, 2), on_duty_count=2
        )
    assert len(warnings) == 2 and missing in warnings
    assert later == [missing]


@pytest.mark.django_db
def test_reception_with_one_deputy_on_duty_is_saved_with_warnings(township, deputies):
    activity, warnings = activity_save(
        by=staff_user(township),
        **_activity(
            township, kind="reception", start_date=dt.date(2025, 10, 9), notice_date=dt.date(2025, 9, 30)
        ),
        deputies=[],
        on_duty=deputies[:1],
    )
    assert activity.pk and len(warnings) == 2
    assert ActivityParticipation.objects.get(activity=activity).role == "on_duty"


@pytest.mark.django_db
def test_report_to_voters_ratings_must_add_up(township, deputies):
    # seed 000's tally: 29 + 16 ≠ 46
    bad = _activity(
        township,
        kind="report",
        topic="代表述职",
        voter_count=46,
        rating_excellent=29,
        rating_competent=16,
        rating_incompetent=0,
    )
    with pytest.raises(ApplicationError) as exc:
        activity_save(by=staff_user(township), **bad, deputies=[], on_duty=deputies[:1])
    assert exc.value.field == "rating_excellent"
    assert not Activity.objects.exists()
    good = _activity(
        township,
        kind="report",
        topic="代表述职",
        voter_count=46,
        rating_excellent=29,
        rating_competent=16,
        rating_incompetent=1,
    )
    activity, _w = activity_save(by=staff_user(township), **good, deputies=[], on_duty=deputies[:1])
    assert ActivityParticipation.objects.get(activity=activity).role == "reporter"


@pytest.mark.django_db
def test_ratings_refused_on_the_form_beside_the_field(client_for, secretary, deputies):
    response = client_for(secretary).post(
        reverse("meetings:activity_create"),
        {
            "kind": "report",
            "start_date": "2025-12-10",
            "organiser": "presidium",
            "topic": "代表述职",
            "on_duty": [deputies[0].pk],
            "voter_count": 46,
            "rating_excellent": 29,
            "rating_competent": 16,
            "rating_incompetent": 0,
            "suggestions_count": 0,
        },
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_law_check_names_the_law(township, deputies):
    with pytest.raises(ApplicationError) as exc:
        activity_save(by=staff_user(township), **_activity(township, kind="law_check"), deputies=deputies[:3])
    assert exc.value.field == "law_name"


@pytest.mark.django_db
def test_group_activity_from_the_form(client_for, secretary, township, term, deputies):
    from deputies.models import DeputyGroup

    group = DeputyGroup.objects.create(township=township, term=term, number=1, name="第1代表小组")
    response = client_for(secretary).post(
        reverse("meetings:activity_create"),
        {
            "kind": "group",
            "start_date": "2025-05-20",
            "organiser": "group",
            "group": group.pk,
            "topic": "集中学习",
            "deputies": [d.pk for d in deputies[:10]],
            "suggestions_count": 2,
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.group == group and activity.participations.count() == 10


@pytest.mark.django_db
def test_attachment_type_and_content_checked(township, deputies):
    activity, _w = activity_save(by=staff_user(township), **_activity(township), deputies=deputies[:2])
    with pytest.raises(ApplicationError) as exc:
        activity_attachment_add(
            by=staff_user(activity.township),
            activity=activity,
            upload=SimpleUploadedFile("tool.exe", b"MZ\x90\x00"),
        )
    assert exc.value.field == "file"
    with pytest.raises(ApplicationError):  # a renamed executable
        activity_attachment_add(
            by=staff_user(activity.township),
            activity=activity,
            upload=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" * 10),
        )
    att = activity_attachment_add(
        by=staff_user(activity.township), activity=activity, upload=SimpleUploadedFile("签到表.png", PNG)
    )
    assert att.content_type == "image/png" and att.size == len(PNG)
    assert ActivityAttachment.objects.count() == 1


@pytest.mark.django_db
def test_attachment_refused_on_the_page(client_for, secretary, township, deputies):
    activity, _w = activity_save(by=staff_user(township), **_activity(township), deputies=deputies[:2])
    response = client_for(secretary).post(
        reverse("meetings:activity_attachment_add", args=[activity.pk]),
        {"file": SimpleUploadedFile("notes.docx", b"PK\x03\x04")},
    )
    assert response.status_code == 400
    assert "notes.docx" in response.content.decode()
    assert not ActivityAttachment.objects.exists()


@pytest.mark.django_db
def test_activity_corrected_from_the_form(client_for, secretary, township, deputies):
    activity, _w = activity_save(by=secretary, **_activity(township), deputies=deputies[:2])
    response = client_for(secretary).post(
        reverse("meetings:activity_edit", args=[activity.pk]),
        {
            "kind": "inspection",
            "start_date": "2025-05-21",
            "organiser": "presidium",
            "topic": "视察农村饮水",
            "deputies": [d.pk for d in deputies[1:4]],
            "suggestions_count": 1,
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.topic, activity.start_date) == ("视察农村饮水", dt.date(2025, 5, 21))
    assert set(activity.participations.values_list("deputy_id", flat=True)) == {d.pk for d in deputies[1:4]}
    assert activity.history.first().history_user == secretary


@pytest.mark.django_db
def test_activity_stays_in_its_township(township, other_township, deputies, secretary):
    activity, _w = activity_save(by=secretary, **_activity(township), deputies=deputies[:2])
    with pytest.raises(ApplicationError):
        activity_save(by=secretary, activity=activity, **_activity(other_township), deputies=deputies[:2])
