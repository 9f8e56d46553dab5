import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Decision
from meetings.services import (
    decision_complete,
    decision_create,
    decision_progress_add,
    presidium_meeting_create,
)
from meetings.tasks import decisions_mark_overdue
from renda.core.exceptions import ApplicationError
from renda.core.models import Reminder
from tests.factories import staff_user


def _decision(meeting, deadline, title="关于农村道路的审议意见"):
    return decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind="opinion",
        title=title,
        text="加快建设。",
        responsible_unit="镇交通站",
        deadline=deadline,
    )


@pytest.mark.django_db
def test_follow_up_progress_then_done_reported_at_a_later_meeting(meeting, presidium, secretary):
    d = _decision(meeting, dt.date(2025, 6, 30))
    d = decision_progress_add(decision=d, date=dt.date(2025, 4, 20), note="已完成勘测设计", by=secretary)
    assert d.status == Decision.Status.IN_PROGRESS
    later = presidium_meeting_create(
        by=staff_user(meeting.township), township=meeting.township, date=dt.date(2025, 6, 20), kind="regular"
    )
    with pytest.raises(ApplicationError):
        decision_complete(
            by=staff_user(d.township), decision=d, completed_on=dt.date(2025, 6, 1), reported_at=meeting
        )
    d = decision_complete(decision=d, completed_on=dt.date(2025, 6, 1), reported_at=later, by=secretary)
    assert d.status == Decision.Status.DONE and d.reported_at == later
    assert list(later.decisions_reported.all()) == [d]
    with pytest.raises(ApplicationError):
        decision_progress_add(by=staff_user(d.township), decision=d, date=dt.date(2025, 6, 2), note="again")


@pytest.mark.django_db
def test_beat_job_marks_overdue_and_reminds_once(meeting, monkeypatch):
    from django.utils import timezone

    # given one decision past its deadline, one done, one not yet due
    late = _decision(meeting, dt.date(2025, 4, 30), "逾期事项")
    done = _decision(meeting, dt.date(2025, 4, 30), "已办结事项")
    decision_complete(by=staff_user(done.township), decision=done, completed_on=dt.date(2025, 4, 1))
    future = _decision(meeting, dt.date(2099, 1, 1), "未到期事项")
    # when the daily job runs twice
    first = decisions_mark_overdue.apply().get()
    second = decisions_mark_overdue.apply().get()
    # then only the late one is overdue, with exactly one reminder for the township
    assert (first, second) == (1, 0)
    assert Decision.objects.get(pk=late.pk).status == Decision.Status.OVERDUE
    assert Decision.objects.get(pk=done.pk).status == Decision.Status.DONE
    assert Decision.objects.get(pk=future.pk).status == Decision.Status.OPEN
    reminders = Reminder.objects.filter(township=meeting.township)
    assert reminders.count() == 1
    assert "逾期事项" in reminders.get().text
    assert reminders.get().url == reverse("meetings:decision_detail", args=[late.pk])
    # and completing it closes the reminder
    decision_complete(
        by=staff_user(meeting.township),
        decision=Decision.objects.get(pk=late.pk),
        completed_on=timezone.localdate(),
    )
    assert reminders.get().done


@pytest.mark.django_db
def test_open_follow_up_list_across_meetings(client_for, secretary, meeting, django_assert_max_num_queries):
    later = presidium_meeting_create(
        by=staff_user(meeting.township), township=meeting.township, date=dt.date(2025, 6, 20), kind="regular"
    )
    for i in range(15):
        _decision(meeting if i % 2 else later, dt.date(2025, 9, 30), f"事项{i}")
    closed = _decision(meeting, dt.date(2025, 9, 30), "已完成的事项")
    decision_complete(by=staff_user(closed.township), decision=closed, completed_on=dt.date(2025, 5, 1))
    client = client_for(secretary)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meetings:decision_list"))
    html = response.content.decode()
    assert "事项14" in html and "事项0" in html
    assert "已完成的事项" not in html


@pytest.mark.django_db
def test_decision_detail_progress_form(client_for, secretary, meeting):
    d = _decision(meeting, dt.date(2099, 6, 30))
    client = client_for(secretary)
    url = reverse("meetings:decision_detail", args=[d.pk])
    assert client.post(url, {"action": "progress", "date": "2025-04-01", "note": ""}).status_code == 400
    assert client.post(url, {"action": "progress", "date": "2025-04-01", "note": "已启动"}).status_code == 302
    assert Decision.objects.get(pk=d.pk).status == Decision.Status.IN_PROGRESS
