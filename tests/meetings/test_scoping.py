import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.services import activity_attachment_add, activity_save, decision_create, session_create
from tests.factories import DeputyFactory, UserFactory, staff_user


@pytest.fixture
def records(township, meeting, deputies):
    session = session_create(
        by=staff_user(township),
        township=township,
        number=2,
        start_date=dt.date(2025, 1, 10),
        end_date=dt.date(2025, 1, 11),
    )
    activity, _w = activity_save(
        by=staff_user(township),
        township=township,
        kind="inspection",
        start_date=dt.date(2025, 5, 20),
        topic="视察",
        deputies=deputies[:2],
    )
    attachment = activity_attachment_add(
        by=staff_user(activity.township),
        activity=activity,
        upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 test"),
    )
    decision = decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind="opinion",
        title="意见",
        text="x",
        responsible_unit="u",
        deadline=dt.date(2025, 6, 30),
    )
    return {
        "session": session,
        "meeting": meeting,
        "activity": activity,
        "decision": decision,
        "attachment": attachment,
    }


DETAIL_URLS = [
    ("meetings:session_detail", "session"),
    ("meetings:session_attendance", "session"),
    ("meetings:meeting_detail", "meeting"),
    ("meetings:activity_detail", "activity"),
    ("meetings:decision_detail", "decision"),
    ("meetings:attachment_download", "attachment"),
]
WRITE_URLS = [
    ("meetings:session_edit", "session"),
    ("meetings:meeting_edit", "meeting"),
    ("meetings:activity_edit", "activity"),
]
LIST_URLS = [
    "meetings:index",
    "meetings:session_list",
    "meetings:meeting_list",
    "meetings:decision_list",
    "meetings:activity_list",
    "meetings:calendar",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name,key", DETAIL_URLS)
def test_detail_pages_by_role(client_for, records, secretary, chair, other_secretary, reviewer, name, key):
    url = reverse(name, args=[records[key].pk])
    assert client_for(secretary).get(url).status_code == 200
    assert client_for(chair).get(url).status_code == 200
    assert client_for(reviewer).get(url).status_code == 200
    assert client_for(other_secretary).get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name,key", WRITE_URLS)
def test_write_pages_by_role(client_for, records, secretary, other_secretary, reviewer, name, key):
    url = reverse(name, args=[records[key].pk])
    assert client_for(secretary).get(url).status_code == 200
    assert client_for(reviewer).get(url).status_code == 403
    assert client_for(reviewer).post(url, {}).status_code == 403
    assert client_for(other_secretary).get(url).status_code == 404


@pytest.mark.django_db
def test_reviewer_cannot_write_attendance_or_build_minutes(client_for, records, reviewer, deputies):
    session = records["session"]
    r = client_for(reviewer).post(
        reverse("meetings:session_attendance", args=[session.pk]), {f"status_{deputies[0].pk}": "unexcused"}
    )
    assert r.status_code == 403
    assert (
        client_for(reviewer)
        .post(reverse("meetings:meeting_minutes", args=[records["meeting"].pk]))
        .status_code
        == 403
    )
    for name in ("meetings:session_create", "meetings:meeting_create", "meetings:activity_create"):
        assert client_for(reviewer).get(reverse(name)).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("name", LIST_URLS)
def test_lists_show_only_own_township(
    client_for, records, other_township, other_secretary, secretary, reviewer, name
):
    other_deputy = DeputyFactory(township=other_township)
    activity_save(
        by=staff_user(other_township),
        township=other_township,
        kind="inspection",
        start_date=dt.date(2025, 5, 21),
        topic="别镇的视察",
        deputies=[other_deputy],
    )
    params = (
        {"year": 2025, "month": 5}
        if name == "meetings:calendar"
        else {"year": 2025}
        if name == "meetings:index"
        else {}
    )
    own = client_for(secretary).get(reverse(name), params).content.decode()
    assert "别镇的视察" not in own
    assert client_for(reviewer).get(reverse(name), params).status_code == 200
    assert client_for(other_secretary).get(reverse(name), params).status_code == 200
    if name in ("meetings:activity_list", "meetings:calendar"):
        assert "别镇的视察" in client_for(reviewer).get(reverse(name), params).content.decode()
        assert "视察" in own


@pytest.mark.django_db
def test_handling_unit_is_refused(client_for, township, records):
    unit = UserFactory(username="unit", township=township, role="handling_unit")
    assert client_for(unit).get(reverse("meetings:activity_list")).status_code == 403
    assert (
        client_for(unit).get(reverse("meetings:session_detail", args=[records["session"].pk])).status_code
        == 403
    )
