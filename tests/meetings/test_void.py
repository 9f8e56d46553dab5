"""Voiding a presidium meeting voids its agenda items and decisions; the chair restores them."""

import datetime as dt

from django.urls import reverse

from meetings.models import AgendaItem, Decision, PresidiumMeeting
from meetings.services import decision_create
from renda.core.services import record_restore, record_void
from tests.factories import staff_user


def test_voided_meeting_takes_its_agenda_and_decisions_along(meeting, secretary, chair, client_for):
    item = AgendaItem.objects.create(township=meeting.township, meeting=meeting, topic="审议年度计划")
    decision = decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind="opinion",
        title="关于年度计划的审议意见",
        text="请抓紧落实。",
        responsible_unit="镇政府",
        deadline=dt.date(2025, 6, 30),
        agenda_item=item,
    )
    client = client_for(secretary)
    assert (
        "作废这条记录" in client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    )

    record_void(obj=meeting, by=secretary, reason="会议未召开，误录")

    assert not PresidiumMeeting.objects.filter(pk=meeting.pk).exists()
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert not Decision.objects.filter(pk=decision.pk).exists()
    assert "关于年度计划的审议意见" not in client.get(reverse("meetings:decision_list")).content.decode()
    assert client.get(reverse("meetings:decision_detail", args=[decision.pk])).status_code == 404

    record_restore(obj=PresidiumMeeting.all_objects.get(pk=meeting.pk), by=chair)

    assert AgendaItem.objects.filter(pk=item.pk).exists() and Decision.objects.filter(pk=decision.pk).exists()
    assert client.get(reverse("meetings:decision_detail", args=[decision.pk])).status_code == 200
