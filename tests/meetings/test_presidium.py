import datetime as dt
from io import BytesIO

import docx
import pytest
from django.urls import reverse

from meetings.models import AgendaItem, Decision, PresidiumAttendance, PresidiumMeeting
from meetings.services import (
    agenda_item_add,
    agenda_vote_record,
    decision_create,
    presidium_attendance_save,
    presidium_meeting_create,
)
from renda.core.exceptions import ApplicationError
from renda.core.models import DocumentJob
from tests.factories import TermFactory, TownshipFactory, UserFactory, staff_user


def _item(meeting, topic="审议预算调整方案", order=1):
    return agenda_item_add(
        meeting=meeting,
        topic=topic,
        order=order,
        reporting_unit="镇财政所",
        reporter="王明",
        reporter_rank="principal",
        by=staff_user(meeting.township),
    )


@pytest.mark.django_db
def test_meeting_takes_members_quarter_and_number(meeting, presidium):
    assert meeting.member_count == 9 and meeting.majority_needed == 5
    assert meeting.quarter == 1 and meeting.number == 1
    assert PresidiumAttendance.objects.filter(meeting=meeting).count() == 9


@pytest.mark.django_db
def test_majority_of_all_members_not_of_those_present(meeting, presidium):
    # given 9 members, of whom only 6 attend
    absent = {m.deputy_id: ("excused", "出差") for m in presidium[6:]}
    presidium_attendance_save(by=staff_user(meeting.township), meeting=meeting, entries=absent)
    item = _item(meeting)
    # when 4 vote for and 2 against: a majority of those present, but not of all 9
    item = agenda_vote_record(
        by=staff_user(item.township), item=item, votes_for=4, votes_against=2, votes_abstain=0
    )
    # then it fails
    assert item.passed is False
    # and 5 for passes
    item = agenda_vote_record(
        by=staff_user(item.township), item=item, votes_for=5, votes_against=1, votes_abstain=0
    )
    assert item.passed is True


@pytest.mark.django_db
def test_votes_cannot_exceed_members_present(meeting, presidium):
    presidium_attendance_save(
        by=staff_user(meeting.township), meeting=meeting, entries={presidium[8].deputy_id: ("unexcused", "")}
    )
    item = _item(meeting)
    with pytest.raises(ApplicationError):
        agenda_vote_record(
            by=staff_user(item.township), item=item, votes_for=9, votes_against=0, votes_abstain=0
        )


@pytest.mark.django_db
def test_no_decision_on_an_item_that_failed_the_majority(meeting):
    item = agenda_vote_record(
        by=staff_user(meeting.township), item=_item(meeting), votes_for=4, votes_against=0, votes_abstain=5
    )
    with pytest.raises(ApplicationError) as exc:
        decision_create(
            by=staff_user(meeting.township),
            meeting=meeting,
            kind="decision",
            title="决定",
            text="x",
            responsible_unit="镇政府",
            deadline=dt.date(2025, 6, 30),
            agenda_item=item,
        )
    assert exc.value.field == "agenda_item"


@pytest.mark.django_db
def test_meeting_page_shows_the_majority_rule(client_for, secretary, meeting):
    item = agenda_vote_record(
        by=staff_user(meeting.township), item=_item(meeting), votes_for=4, votes_against=0, votes_abstain=0
    )
    html = client_for(secretary).get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert item.topic in html
    assert "badge text-bg-danger" in html  # not adopted


@pytest.mark.django_db
def test_subdistrict_has_no_presidium_meetings(client_for, db):
    street = TownshipFactory(name="城关街道", code="chengguan", kind="jiedao")
    TermFactory(township=street)
    user = UserFactory(username="jd", township=street, role="township_secretary")
    with pytest.raises(ApplicationError):
        presidium_meeting_create(
            by=staff_user(street), township=street, date=dt.date(2025, 3, 1), kind="regular"
        )
    response = client_for(user).get(reverse("meetings:meeting_create"), follow=True)
    assert response.redirect_chain and not PresidiumMeeting.objects.exists()


@pytest.mark.django_db
def test_minutes_docx_built_by_job_and_read_back(
    client_for, secretary, meeting, presidium, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # given a meeting with 4 agenda items, one absent member, a non-voting official and decisions
    presidium_attendance_save(
        by=staff_user(meeting.township),
        meeting=meeting,
        entries={presidium[8].deputy_id: ("excused", "外出学习")},
    )
    topics = ["听取一季度工作报告", "审议民生实事方案", "听取建议办理通报", "讨论代表活动安排"]
    items = [_item(meeting, t, i) for i, t in enumerate(topics, start=1)]
    agenda_vote_record(by=secretary, item=items[1], votes_for=8, votes_against=0, votes_abstain=0)
    client = client_for(secretary)
    client.post(
        reverse("meetings:meeting_non_voting_add", args=[meeting.pk]),
        {"nonvoting-kind": "official", "nonvoting-name": "李副镇长", "nonvoting-post": "镇人民政府"},
    )
    decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind="decision",
        title="关于民生实事项目的决定",
        text="同意实施。",
        responsible_unit="镇人民政府",
        deadline=dt.date(2025, 6, 30),
        agenda_item=items[1],
    )
    decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind="opinion",
        title="关于农村道路的审议意见",
        text="加快建设。",
        responsible_unit="镇交通站",
        deadline=dt.date(2025, 6, 30),
    )
    # when the secretary asks for the minutes
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:meeting_minutes", args=[meeting.pk]))
    assert response.status_code == 302
    job = DocumentJob.objects.get(kind="meeting_minutes")
    assert job.status == DocumentJob.Status.DONE, job.error
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("document_download", args=[job.pk]) in page
    # then the .docx has the title, the attendees, each agenda item and each decision
    document = docx.Document(BytesIO(job.file.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "红旗镇" in document.paragraphs[0].text
    for m in presidium[:8]:
        assert m.deputy.name in text
    assert presidium[8].deputy.name in text and "外出学习" in text
    assert "李副镇长" in text
    for topic in topics:
        assert topic in text
    assert "关于民生实事项目的决定" in text and "关于农村道路的审议意见" in text
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=1)


@pytest.mark.django_db
def test_decision_numbers_run_per_term(meeting):
    item = agenda_vote_record(
        by=staff_user(meeting.township), item=_item(meeting), votes_for=6, votes_against=0, votes_abstain=0
    )
    a = decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind="opinion",
        title="一",
        text="x",
        responsible_unit="u",
        deadline=dt.date(2025, 6, 30),
    )
    b = decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind="decision",
        title="二",
        text="x",
        responsible_unit="u",
        deadline=dt.date(2025, 6, 30),
        agenda_item=item,  # a decision is adopted on an item put to the vote
    )
    assert (a.number, b.number) == (1, 2)
    assert Decision.objects.filter(term=meeting.term).count() == 2


def _edit_data(item, **changes):
    data = {
        "order": item.order,
        "topic": item.topic,
        "reporting_unit": item.reporting_unit,
        "reporter": item.reporter,
        "reporter_rank": item.reporter_rank,
        **changes,
    }
    return {f"item{item.pk}-{k}": v for k, v in data.items()}


@pytest.mark.django_db
def test_secretary_corrects_an_agenda_item_on_the_meeting_page(client_for, secretary, chair, meeting):
    item = _item(meeting)
    page = client_for(secretary).get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("meetings:agenda_edit", args=[item.pk]) in page
    assert reverse("meetings:agenda_delete", args=[item.pk]) in page
    # when the secretary corrects the topic and the reporter
    r = client_for(secretary).post(
        reverse("meetings:agenda_edit", args=[item.pk]),
        _edit_data(item, topic="审议2025年预算调整方案", reporter="李强"),
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert (item.topic, item.reporter, item.reporting_unit) == ("审议2025年预算调整方案", "李强", "镇财政所")
    # then the item's history and the meeting's history say who changed it
    assert item.history.latest().history_user == secretary
    page = client_for(chair).get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert any("审议2025年预算调整方案" in e["reason"] for e in page.context["history"])
    # an empty topic: the page again (400), that item's form open with the error beside the field
    r = client_for(chair).post(reverse("meetings:agenda_edit", args=[item.pk]), _edit_data(item, topic=""))
    assert r.status_code == 400
    edited = next(i for i in r.context["items"] if i.pk == item.pk)
    assert edited.edit_form.is_bound and "topic" in edited.edit_form.errors
    html = r.content.decode()
    assert f'class="collapse show d-print-none" id="agenda-edit-{item.pk}"' in html
    item.refresh_from_db()
    assert item.topic == "审议2025年预算调整方案"


@pytest.mark.django_db
def test_agenda_item_deleted_unless_a_decision_was_adopted_on_it(client_for, secretary, meeting):
    keep, drop = _item(meeting, "审议民生实事方案", 1), _item(meeting, "误录的议题", 2)
    decision = decision_create(
        by=staff_user(meeting.township),
        meeting=meeting,
        kind="opinion",
        title="关于民生实事的审议意见",
        text="x",
        responsible_unit="镇政府",
        deadline=dt.date(2025, 6, 30),
        agenda_item=keep,
    )
    c = client_for(secretary)
    # an item recorded by mistake goes, and the meeting's history says so
    r = c.post(reverse("meetings:agenda_delete", args=[drop.pk]), follow=True)
    assert r.status_code == 200
    assert not AgendaItem.objects.filter(pk=drop.pk).exists()
    assert any("误录的议题" in e["reason"] for e in r.context["history"])
    # the item the review opinion was adopted on stays, with a clear message
    r = c.post(reverse("meetings:agenda_delete", args=[keep.pk]), follow=True)
    assert AgendaItem.objects.filter(pk=keep.pk).exists()
    decision.refresh_from_db()
    assert decision.agenda_item_id == keep.pk
    shown = [str(m) for m in r.context["messages"]]
    assert shown == ["议题“审议民生实事方案”已形成第1号审议意见，不能删除；如有错误，请修改该议题。"], shown
    # and its delete button is shown disabled
    assert reverse("meetings:agenda_delete", args=[keep.pk]) not in r.content.decode()


@pytest.mark.django_db
def test_agenda_item_edit_and_delete_are_guarded(client_for, meeting, reviewer, other_secretary, township):
    item = _item(meeting)
    unit = UserFactory(username="unit", township=township, role="handling_unit")
    for name in ("meetings:agenda_edit", "meetings:agenda_delete"):
        url = reverse(name, args=[item.pk])
        assert client_for(reviewer).post(url, _edit_data(item, topic="x")).status_code == 403
        assert client_for(unit).post(url, _edit_data(item, topic="x")).status_code == 403
        assert client_for(other_secretary).post(url, _edit_data(item, topic="x")).status_code == 404
        assert client_for(other_secretary).get(url).status_code == 405
    item.refresh_from_db()
    assert item.topic == "审议预算调整方案"
    page = client_for(reviewer).get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("meetings:agenda_edit", args=[item.pk]) not in page
