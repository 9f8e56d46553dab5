"""Reception issue register (两簿两卡): the eight steps, redirected matters, figures, pages."""

import datetime as dt

import pytest
from django.db.models import Q
from django.urls import reverse

from meetings.models import ReceptionIssue
from meetings.selectors import reception_issue_list, reception_issue_summary
from meetings.services import (
    activity_save,
    reception_issue_archive,
    reception_issue_feedback,
    reception_issue_record,
    reception_issue_reply,
    reception_issue_sort,
    reception_issue_supervise,
)
from renda.core.exceptions import ApplicationError
from tests.factories import staff_user

pytestmark = pytest.mark.django_db
YEAR = 2025
DAY = dt.date(YEAR, 3, 14)


@pytest.fixture
def reception(township, deputies):
    activity, _warnings = activity_save(
        by=staff_user(township),
        township=township,
        kind="reception",
        start_date=DAY,
        topic="3月代表接待选民日",
        notice_date=dt.date(YEAR, 3, 7),
        deputies=[],
        on_duty=deputies[:2],
    )
    return activity


def _record(reception, by, **kw):
    values = {"voter_name": "王某", "content": "村道破损，雨天积水", "received_by": None}
    values.update(kw)
    return reception_issue_record(activity=reception, by=by, **values)


def test_an_issue_goes_through_the_steps_with_history(reception, deputies, secretary):
    issue = _record(reception, secretary, received_by=deputies[0], voter_phone="13812345678")
    assert issue.state == "received" and issue.history.first().history_user == secretary

    issue = reception_issue_sort(
        issue=issue,
        classification="government",
        on=dt.date(YEAR, 3, 17),
        handler="镇交通运输管理站",
        deadline=dt.date(YEAR, 4, 17),
        by=secretary,
    )
    assert issue.state == "assigned"
    issue = reception_issue_supervise(issue=issue, note="电话督促", on=dt.date(YEAR, 4, 1), by=secretary)
    assert issue.state == "supervised"
    issue = reception_issue_reply(issue=issue, reply="已修缮", on=dt.date(YEAR, 4, 10), by=secretary)
    issue = reception_issue_feedback(issue=issue, feedback="satisfied", on=dt.date(YEAR, 4, 12), by=secretary)
    issue = reception_issue_archive(issue=issue, on=dt.date(YEAR, 4, 15), by=secretary)
    issue.refresh_from_db()
    assert (issue.state, issue.replied_on, issue.feedback) == ("archived", dt.date(YEAR, 4, 10), "satisfied")
    assert issue.history.count() == 6


def test_a_redirected_matter_is_not_assigned_and_what_the_voter_was_told_is_the_reply(reception, secretary):
    issue = _record(reception, secretary)
    with pytest.raises(ApplicationError) as err:
        reception_issue_sort(issue=issue, classification="court", on=dt.date(YEAR, 3, 15), by=secretary)
    assert err.value.field == "reply"
    issue = reception_issue_sort(
        issue=issue, classification="court", on=dt.date(YEAR, 3, 15), reply="请向法院起诉", by=secretary
    )
    assert (issue.state, issue.handler, issue.replied_on) == ("replied", "", dt.date(YEAR, 3, 15))
    # a redirected matter may be archived without the voter's feedback
    assert reception_issue_archive(issue=issue, on=dt.date(YEAR, 3, 16), by=secretary).state == "archived"


def test_the_services_refuse_broken_rules(reception, township, deputies, secretary):
    inspection, _w = activity_save(
        by=staff_user(township),
        township=township,
        kind="inspection",
        start_date=DAY,
        topic="视察",
        deputies=deputies[:1],
    )
    with pytest.raises(ApplicationError) as err:
        _record(inspection, secretary)
    assert err.value.field == "activity"
    with pytest.raises(ApplicationError) as err:
        _record(reception, secretary, received_by=deputies[5])  # not on duty that day
    assert err.value.field == "received_by"
    with pytest.raises(ApplicationError) as err:
        _record(reception, secretary, content="  ")
    assert err.value.field == "content"
    issue = _record(reception, secretary)
    for kwargs, field in [
        ({"classification": "government", "on": dt.date(YEAR, 3, 15)}, "handler"),
        ({"classification": "government", "on": dt.date(YEAR, 3, 15), "handler": "水利站"}, "deadline"),
        ({"classification": "government", "on": dt.date(YEAR, 3, 1), "handler": "x", "deadline": DAY}, "on"),
        ({"classification": "nonsense", "on": dt.date(YEAR, 3, 15)}, "classification"),
    ]:
        with pytest.raises(ApplicationError) as err:
            reception_issue_sort(issue=issue, by=secretary, **kwargs)
        assert err.value.field == field
    # a step out of order
    with pytest.raises(ApplicationError):
        reception_issue_reply(issue=issue, reply="答复", on=dt.date(YEAR, 3, 20), by=secretary)
    with pytest.raises(ApplicationError):
        reception_issue_archive(issue=issue, on=dt.date(YEAR, 3, 20), by=secretary)
    issue.refresh_from_db()
    assert issue.state == "received" and ReceptionIssue.objects.count() == 1


def test_the_register_figures_recount_from_raw_rows(reception, secretary):
    today = dt.date(YEAR, 6, 1)
    a = _record(reception, secretary)
    b = _record(reception, secretary)
    c = _record(reception, secretary)
    _record(reception, secretary)  # received only
    reception_issue_sort(
        issue=a,
        classification="government",
        on=DAY,
        handler="水利站",
        deadline=dt.date(YEAR, 4, 1),
        by=secretary,
    )  # overdue on 1 June
    reception_issue_sort(issue=b, classification="private", on=DAY, reply="自行调解", by=secretary)
    reception_issue_feedback(issue=b, feedback="basically", on=DAY, by=secretary)
    reception_issue_sort(
        issue=c,
        classification="government",
        on=DAY,
        handler="民政办",
        deadline=dt.date(YEAR, 4, 1),
        by=secretary,
    )
    reception_issue_reply(issue=c, reply="已解决", on=dt.date(YEAR, 3, 30), by=secretary)
    reception_issue_feedback(issue=c, feedback="unsatisfied", on=dt.date(YEAR, 4, 2), by=secretary)

    qs = reception_issue_list(user=secretary, filters={"year": str(YEAR)})
    s = reception_issue_summary(qs=qs, today=today)

    raw = ReceptionIssue.objects.filter(activity__start_date__year=YEAR)
    assert s.total == raw.count() == 4
    assert s.government == raw.filter(classification="government").count() == 2
    assert s.redirected == raw.exclude(classification__in=["", "government"]).count() == 1
    assert s.unsorted == raw.filter(state="received").count() == 1
    assert (
        s.overdue == raw.filter(Q(state__in=["assigned", "supervised"]) & Q(deadline__lt=today)).count() == 1
    )
    assert s.replied == raw.exclude(reply="").count() == 2
    assert (s.satisfied, s.basically, s.unsatisfied) == (0, 1, 1)
    assert s.satisfaction_rate == 50.0


def test_pages_record_an_issue_and_take_it_through_a_step(client_for, secretary, reception, deputies):
    c = client_for(secretary)
    url = reverse("meetings:issue_create", args=[reception.pk])
    assert c.get(url).status_code == 200
    assert not ReceptionIssue.objects.exists()  # no write on GET
    r = c.post(url, {"voter_name": "", "content": "路灯不亮"})
    assert r.status_code == 400 and r.context["form"].errors.get("voter_name")
    r = c.post(url, {"voter_name": "李某", "content": "路灯不亮", "received_by": deputies[0].pk})
    issue = ReceptionIssue.objects.get()
    assert r.status_code == 302 and r.url == reverse("meetings:issue_detail", args=[issue.pk])
    detail = c.get(r.url)
    assert detail.status_code == 200 and "sort" in detail.context["forms"]
    step = reverse("meetings:issue_step", args=[issue.pk, "sort"])
    # bad input: a message beside the field, no 500
    r = c.post(step, {"sort-classification": "government", "sort-on": f"{YEAR}-03-15", "sort-handler": ""})
    assert r.status_code == 400 and r.context["forms"]["sort"].errors.get("handler")
    r = c.post(step, {"sort-classification": "government", "sort-on": "2025-13-45"})
    assert r.status_code == 400 and r.context["forms"]["sort"].errors.get("on")
    r = c.post(
        step,
        {
            "sort-classification": "government",
            "sort-on": f"{YEAR}-03-15",
            "sort-handler": "镇建设办",
            "sort-deadline": f"{YEAR}-04-15",
        },
    )
    assert r.status_code == 302
    issue.refresh_from_db()
    assert issue.state == "assigned"
    assert c.post(reverse("meetings:issue_step", args=[issue.pk, "nonsense"])).status_code == 404
    # the register lists it; the reception shows it
    r = c.get(reverse("meetings:issue_list") + f"?year={YEAR}&state=open")
    assert r.status_code == 200 and r.context["summary"].total == 1
    r = c.get(reverse("meetings:activity_detail", args=[reception.pk]))
    assert [i.pk for i in r.context["issues"]] == [issue.pk]
    # adopting it as a suggestion prefills the proposal form with the issue
    r = c.get(reverse("proposals:create") + f"?activity={reception.pk}&issue={issue.pk}")
    assert r.status_code == 200 and r.context["form"].initial["content"] == "路灯不亮"


def test_issue_pages_other_township_404_reviewer_reads_masked_and_cannot_write(
    client_for, secretary, other_secretary, reviewer, reception
):
    issue = _record(reception, secretary, voter_phone="13812345678")
    detail = reverse("meetings:issue_detail", args=[issue.pk])
    assert client_for(other_secretary).get(detail).status_code == 404
    assert client_for(other_secretary).get(
        reverse("meetings:issue_create", args=[reception.pk])
    ).status_code in (
        403,
        404,
    )
    r = client_for(reviewer).get(detail)
    assert r.status_code == 200 and r.context["phone"] == "138****5678" and not r.context["forms"]
    assert "13812345678" not in r.content.decode()
    step = reverse("meetings:issue_step", args=[issue.pk, "sort"])
    assert client_for(reviewer).post(step, {"sort-classification": "private"}).status_code == 403
    assert client_for(secretary).get(detail).context["phone"] == "13812345678"
    r = client_for(other_secretary).get(reverse("meetings:issue_list"))
    assert r.status_code == 200 and r.context["summary"].total == 0


def test_issue_list_query_count_does_not_grow(
    client_for, secretary, reception, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(secretary)
    url = reverse("meetings:issue_list") + "?year=abc&activity=x"
    _record(reception, secretary)
    c.get(url)
    with CaptureQueriesContext(connection) as one:
        c.get(url)
    for _n in range(12):
        _record(reception, secretary)
    with django_assert_max_num_queries(len(one)):
        r = c.get(url)
    assert r.status_code == 200 and r.context["summary"].total == 13


def test_the_work_report_counts_the_issues_step_by_step_as_of_its_cutoff(reception, secretary):
    """Issues raised at the year's receptions in the work report: each step counted only if it was
    taken by 31 December, recounted from the raw rows; a step taken in January leaves the past
    year's figures as they were."""
    import io

    import docx
    from django.utils import translation

    from renda.dashboard.documents import work_report_docx
    from renda.dashboard.selectors import work_report_data

    a, b, c, d = (_record(reception, secretary) for _i in range(4))
    reception_issue_sort(
        issue=a,
        classification="government",
        on=DAY,
        handler="水利站",
        deadline=dt.date(YEAR, 12, 1),
        by=secretary,
    )
    reception_issue_reply(issue=a, reply="已修复", on=dt.date(YEAR, 11, 20), by=secretary)
    reception_issue_feedback(issue=a, feedback="satisfied", on=dt.date(YEAR, 11, 25), by=secretary)
    reception_issue_sort(issue=b, classification="petition", on=DAY, reply="请走信访渠道", by=secretary)
    reception_issue_sort(
        issue=c,
        classification="government",
        on=DAY,
        handler="民政办",
        deadline=dt.date(YEAR + 1, 1, 20),
        by=secretary,
    )
    reception_issue_reply(issue=c, reply="已答复", on=dt.date(YEAR + 1, 1, 8), by=secretary)  # next year
    _ = d  # received only

    data = work_report_data(township=reception.township, year=YEAR, today=dt.date(YEAR + 1, 2, 1))
    end = dt.date(YEAR, 12, 31)
    raw = ReceptionIssue.objects.filter(township=reception.township, activity__start_date__year=YEAR)
    issues = data.contact.issues
    assert issues.raised == raw.count() == 4
    assert issues.government == raw.filter(classification="government", assigned_on__lte=end).count() == 2
    assert issues.redirected == raw.filter(classification="petition").count() == 1
    assert issues.replied == raw.filter(replied_on__lte=end).count() == 2  # c's January reply not yet
    assert issues.with_feedback == issues.satisfied == raw.filter(feedback="satisfied").count() == 1

    with translation.override("zh-hans"):
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(work_report_docx(data))).paragraphs)
    assert "群众在接待中反映问题4件" in text and "已答复群众2件" in text


def test_the_deputy_archive_lists_the_issues_the_deputy_received_without_the_voter(
    reception, deputies, secretary, client_for
):
    import io

    import docx
    from django.utils import translation

    from renda.core.archive import deputy_archive
    from renda.dashboard.documents import deputy_archive_docx

    wang, li = deputies[0], deputies[1]
    first = _record(reception, secretary, received_by=wang, voter_name="赵某某", content="自家宅基地纠纷")
    _record(reception, secretary, received_by=wang)
    _record(reception, secretary, received_by=li)
    reception_issue_sort(
        issue=first, classification="private", on=DAY, reply="建议通过村调解委员会调解", by=secretary
    )

    with translation.override("zh-hans"):
        archive = deputy_archive(deputy=wang, year=YEAR, user=secretary)
        section = next(s for s in archive.sections if s.key == "meetings.issues")
        raw = ReceptionIssue.objects.filter(received_by=wang, activity__start_date__year=YEAR)
        assert len(section.rows) == raw.count() == 2
        replied = raw.filter(replied_on__isnull=False).count()
        assert section.summary == f"接待群众反映问题2件，已答复{replied}件。" and replied == 1
        private = str(ReceptionIssue(classification="private").get_classification_display())
        assert [str(r[1]) for r in section.rows] == [private, "尚未梳理"]
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(deputy_archive_docx(archive))).paragraphs)
        page = (
            client_for(secretary)
            .get(reverse("deputies:detail", args=[wang.pk]), {"year": YEAR})
            .content.decode()
        )
    assert "接待中群众反映的问题" in text and "接待中群众反映的问题" in page
    # the voter and what they said stay in the register: the archive goes to the county
    for shown in (text, page, repr(section)):
        assert "赵某某" not in shown and "宅基地" not in shown
    # a deputy who received none has no such section
    zhang = deputies[2]
    assert "meetings.issues" not in [s.key for s in deputy_archive(deputy=zhang, year=YEAR).sections]
