import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import AttendanceStatus, SessionAttendance, SessionPrepItem
from meetings.services import session_attendance_save, session_create
from renda.core.exceptions import ApplicationError
from tests.factories import DeputyFactory, staff_user


@pytest.mark.django_db
def test_session_gets_every_current_deputy_present_and_the_checklist(township, deputies):
    # given a deputy whose mandate ended before the session, and one from another township
    gone = DeputyFactory(township=township, mandate__end_date=dt.date(2024, 6, 30))
    # when
    session = session_create(
        by=staff_user(township),
        township=township,
        number=3,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    # then
    rows = SessionAttendance.objects.filter(session=session)
    assert rows.count() == len(deputies)
    assert not rows.filter(deputy=gone).exists()
    assert set(rows.values_list("status", flat=True)) == {AttendanceStatus.PRESENT}
    assert SessionPrepItem.objects.filter(session=session).count() == 5
    assert str(session.title) in ("第十八届第三次会议", "Term 十八, session 三")


@pytest.mark.django_db
def test_session_number_is_unique_in_term(township):
    session_create(
        by=staff_user(township),
        township=township,
        number=3,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    with pytest.raises(ApplicationError) as exc:
        session_create(
            by=staff_user(township),
            township=township,
            number=3,
            start_date=dt.date(2025, 2, 10),
            end_date=dt.date(2025, 2, 11),
        )
    assert exc.value.field == "number"


@pytest.mark.django_db
def test_excused_absence_needs_a_reason(township, deputies):
    session = session_create(
        by=staff_user(township),
        township=township,
        number=3,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    d = deputies[0]
    with pytest.raises(ApplicationError) as exc:
        session_attendance_save(
            by=staff_user(session.township), session=session, entries={d.pk: ("excused", "  ")}
        )
    assert d.pk in exc.value.extra["rows"]
    assert SessionAttendance.objects.get(session=session, deputy=d).status == "present"


@pytest.mark.django_db
def test_attendance_of_80_deputies_saves_in_one_request_with_bounded_queries(
    client_for, secretary, township, django_assert_max_num_queries
):
    # given a session with 80 deputies
    people = [DeputyFactory(township=township) for _ in range(80)]
    session = session_create(
        by=staff_user(township),
        township=township,
        number=2,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    client = client_for(secretary)
    url = reverse("meetings:session_attendance", args=[session.pk])
    with django_assert_max_num_queries(20):
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count('class="form-select form-select-sm js-status"') == 80
    # when the secretary changes four exceptions and keeps everyone else present
    data = {f"status_{d.pk}": "present" for d in people}
    data[f"status_{people[0].pk}"] = "late"
    data[f"status_{people[1].pk}"] = "left_early"
    data[f"status_{people[2].pk}"] = "excused"
    data[f"reason_{people[2].pk}"] = "因病请假"
    data[f"status_{people[3].pk}"] = "unexcused"
    with django_assert_max_num_queries(25):
        response = client.post(url, data)
    # then
    assert response.status_code == 302
    rows = dict(SessionAttendance.objects.filter(session=session).values_list("deputy_id", "status"))
    assert rows[people[0].pk] == "late" and rows[people[1].pk] == "left_early"
    assert rows[people[2].pk] == "excused" and rows[people[3].pk] == "unexcused"
    assert sum(1 for s in rows.values() if s == "present") == 76
    assert SessionAttendance.objects.get(session=session, deputy=people[2]).reason == "因病请假"


@pytest.mark.django_db
def test_attendance_error_is_shown_beside_the_row(client_for, secretary, township, deputies):
    session = session_create(
        by=staff_user(township),
        township=township,
        number=2,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    response = client_for(secretary).post(
        reverse("meetings:session_attendance", args=[session.pk]), {f"status_{deputies[0].pk}": "excused"}
    )
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()


@pytest.mark.django_db
def test_floor_speech_and_resolution_added_from_the_session_page(client_for, secretary, township, deputies):
    session = session_create(
        by=staff_user(township),
        township=township,
        number=2,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    client = client_for(secretary)
    r = client.post(
        reverse("meetings:session_child_add", args=[session.pk, "speech"]),
        {"speech-deputy": deputies[0].pk, "speech-topic": "农村道路"},
    )
    assert r.status_code == 302
    r = client.post(
        reverse("meetings:session_child_add", args=[session.pk, "resolution"]),
        {"resolution-number": 1, "resolution-title": "关于政府工作报告的决议", "resolution-text": "批准"},
    )
    assert r.status_code == 302
    assert session.speeches.get().deputy == deputies[0]
    assert session.resolutions.get().title == "关于政府工作报告的决议"
