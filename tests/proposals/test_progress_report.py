"""The quarterly report on proposal progress to the presidium (议案建议办理情况通报): an agenda item
whose text carries the proposal figures as of the meeting date, in the minutes, and its quota."""

import datetime as dt
import io

import docx
import pytest
from django.urls import reverse

from deputies.models import PresidiumMembership
from meetings.documents import minutes_docx
from meetings.models import AgendaItem
from meetings.selectors import compliance_due, compliance_for_townships, minutes_data
from meetings.services import agenda_item_add, agenda_item_update, presidium_meeting_create
from proposals import services
from proposals.selectors import proposal_progress_as_of
from renda.core import hooks
from renda.core.quotas import GREEN, RED, YELLOW
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
MEETING_DAY = dt.date(2025, 6, 20)


@pytest.fixture
def meeting(township, term, deputies):
    for d, role in zip(deputies[:3], ["chair", "vice_chair", "member"]):
        PresidiumMembership.objects.create(
            township=township, term=term, deputy=d, role=role, start_date=term.start_date
        )
    return presidium_meeting_create(
        by=staff_user(township),
        township=township,
        date=MEETING_DAY,
        kind="regular",
        chair=deputies[0],
        place="会议室",
    )


@pytest.fixture
def proposals(make_proposal, secretary):
    """As of 2025-06-20: received 3 (a 4th comes in July), 1 carried over from 2024; assigned 4;
    replied 2; closed 1; overdue 1 (deadline 2025-05-01, still being handled)."""
    closed = make_proposal("closed", replied_on=dt.date(2025, 4, 1), closed_on=dt.date(2025, 4, 20))
    overdue = make_proposal("in_progress", deadline=dt.date(2025, 5, 1))
    # replied before the meeting, closed after it: replied, not closed, as of the meeting
    make_proposal(
        "closed",
        deadline=dt.date(2025, 9, 1),
        replied_on=dt.date(2025, 5, 20),
        evaluated_on=dt.date(2025, 7, 1),
        closed_on=dt.date(2025, 7, 2),
    )
    make_proposal("assigned", submitted_on=dt.date(2025, 7, 1))  # after the meeting
    make_proposal("in_progress", submitted_on=dt.date(2024, 11, 1), deadline=dt.date(2025, 8, 30))
    return closed, overdue


EXPECTED = {"received": 3, "carried_over": 1, "assigned": 4, "replied": 2, "closed": 1, "overdue": 1}


def test_figures_as_of_the_meeting_date(township, proposals):
    figures = proposal_progress_as_of(township=township, on=MEETING_DAY)
    assert {k: figures[k] for k in EXPECTED} == EXPECTED
    assert hooks.first("proposal_progress", township=township, on=MEETING_DAY) == figures


def test_the_agenda_item_carries_the_figures_into_the_minutes_and_keeps_them(
    township, meeting, proposals, secretary
):
    _closed, overdue = proposals
    item = agenda_item_add(meeting=meeting, kind=AgendaItem.Kind.PROPOSAL_PROGRESS, topic="", by=secretary)
    assert item.topic == str(AgendaItem.Kind.PROPOSAL_PROGRESS.label)
    for n in ("3", "4", "2", "1"):
        assert n in item.text
    assert "2025" in item.text
    text = "\n".join(
        p.text
        for p in docx.Document(io.BytesIO(minutes_docx(minutes_data(meeting_id=meeting.pk)))).paragraphs
    )
    assert item.text in text

    # later events do not move the figures of that meeting
    p = services.proposal_reply(
        proposal=overdue, by=secretary, text="已答复", outcome="A", replied_on=dt.date(2025, 7, 5)
    )
    item = agenda_item_update(
        item=item, order=item.order, topic=item.topic, kind=item.kind, reporter="王明", by=secretary
    )
    assert proposal_progress_as_of(township=township, on=MEETING_DAY)["replied"] == EXPECTED["replied"]
    assert (
        item.text
        == agenda_item_add(
            meeting=meeting, kind=AgendaItem.Kind.PROPOSAL_PROGRESS, topic="x", by=secretary
        ).text
    )
    assert p.state == "replied"
    # an ordinary item keeps no such text
    plain = agenda_item_add(meeting=meeting, topic="审议方案", by=secretary)
    assert plain.text == "" and plain.kind == ""


def test_quarterly_quota_on_the_workbench(township, meeting, proposals, secretary, client_for):
    c = compliance_for_townships(townships=[township], year=2025)[township.pk]
    assert c.progress_by_quarter == [0, 0, 0, 0]
    agenda_item_add(meeting=meeting, kind=AgendaItem.Kind.PROPOSAL_PROGRESS, topic="", by=secretary)
    c = compliance_for_townships(townships=[township], year=2025)[township.pk]
    raw = [
        AgendaItem.objects.filter(
            meeting__township=township, meeting__quarter=q, meeting__date__year=2025, kind="proposal_progress"
        )
        .values("meeting")
        .distinct()
        .count()
        for q in range(1, 5)
    ]
    assert c.progress_by_quarter == raw == [0, 1, 0, 0]
    assert c.progress_light(today=dt.date(2025, 3, 1)).colour == YELLOW  # Q1 running, none yet
    missed = c.progress_light(today=dt.date(2025, 6, 25))  # Q1 over without a report
    assert (missed.colour, missed.note) == (RED, "1")
    c.progress_by_quarter = [1, 1, 0, 0]
    assert c.progress_light(today=dt.date(2025, 6, 25)).colour == GREEN
    due = compliance_due(compliance=c, today=dt.date(2025, 6, 25))
    assert any(d.done for d in due if "motions" in d.label or "议案" in d.label)
    r = client_for(secretary).get(reverse("meetings:index"), {"year": 2025})
    assert r.status_code == 200 and f'data-progress="{township.pk}"' in r.content.decode()


def test_the_form_adds_a_progress_report_without_a_topic(township, meeting, proposals, secretary, client_for):
    r = client_for(secretary).post(
        reverse("meetings:meeting_agenda_add", args=[meeting.pk]),
        {"agenda-kind": "proposal_progress", "agenda-order": 1, "agenda-topic": ""},
    )
    assert r.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.kind == "proposal_progress" and item.text
    r = client_for(secretary).get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert "data-progress-report" in r.content.decode()
    r = client_for(secretary).post(
        reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"agenda-order": 2, "agenda-topic": ""}
    )
    assert r.status_code == 400 and AgendaItem.objects.count() == 1  # the form again, with its error
