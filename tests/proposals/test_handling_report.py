"""The handling report (办理情况报告): one cutoff for every figure, lists and table totals that are
the figures the prose gives, recounted here from the raw rows; its 成文日期 and its organ."""

import dataclasses
import datetime as dt
import io

import docx
import pytest
from django.urls import reverse
from django.utils import translation

from proposals import services
from proposals.documents import handling_report_docx
from proposals.models import Proposal, ProposalEvent, ProposalReply
from proposals.selectors import proposal_report_data
from renda.core.models import DocumentJob, Township
from renda.core.organs import township_organs

END = dt.date(2025, 12, 31)
PAST = dt.date(2026, 3, 1)  # 2025 is over: figures as of 31 December 2025
CURRENT = dt.date(2025, 12, 1)  # 2025 is the current year: figures as of today
OPEN_HANDLING = {"assigned", "in_progress"}


def _year_items(make_proposal, secretary, unit, other_unit):
    """2025: closed; in progress past its deadline; registered (no unit); replied; replied in 2025
    and closed only in January 2026; assigned to the other unit, deadline in 2026."""
    make_proposal("closed", replied_on=dt.date(2025, 4, 1), outcome="A")
    make_proposal("in_progress", assigned_on=dt.date(2025, 8, 1), title="关于修缮村道的建议")
    make_proposal("registered", title="关于增设公交站点的建议")
    make_proposal("replied", replied_on=dt.date(2025, 6, 1), outcome="B", title="关于整治河塘的建议")
    late = make_proposal("evaluated", replied_on=dt.date(2025, 10, 1), outcome="C", title="关于路灯的建议")
    services.proposal_close(proposal=late, by=secretary, closed_on=dt.date(2026, 1, 10))
    make_proposal(
        "assigned",
        submitted_on=dt.date(2025, 11, 20),
        lead_unit=other_unit,
        deadline=dt.date(2026, 2, 20),
        title="关于农贸市场的建议",
    )


def _state_at(proposal, day):
    """The state on `day` from the raw history: the latest step dated by then, not undone."""
    steps = [
        e
        for e in ProposalEvent.objects.filter(proposal=proposal).order_by("pk")
        if e.effective_on <= day and e.undone_at is None and e.action != "undo"
    ]
    return steps[-1].to_state if steps else None


def _text(content):
    document = docx.Document(io.BytesIO(content))
    return document, "\n".join(p.text for p in document.paragraphs)


@pytest.mark.django_db
@pytest.mark.parametrize("today", [PAST, CURRENT], ids=["past year", "current year"])
def test_open_items_listed_are_the_ones_counted_and_the_overdue_are_marked(
    make_proposal, secretary, township, unit, other_unit, today
):
    _year_items(make_proposal, secretary, unit, other_unit)
    cutoff = min(END, today)
    # independent: each 2025 item's state at the cutoff from its raw steps
    raw = list(Proposal.objects.filter(township=township, year=2025).exclude(state="not_accepted"))
    states = {p.number: _state_at(p, cutoff) for p in raw}
    deadlines = {p.number: p.deadline for p in raw}
    expect_open = {n for n, s in states.items() if s != "closed"}
    # overdue: being handled with the deadline passed (a past year: by the end of 31 December)
    last_day_allowed = END if today > END else today - dt.timedelta(days=1)
    expect_overdue = {
        n
        for n in expect_open
        if states[n] in OPEN_HANDLING and deadlines[n] and deadlines[n] <= last_day_allowed
    }
    assert len(expect_open) == 5 and len(expect_overdue) == 1  # the closed-in-2026 item is open then

    data = proposal_report_data(township=township, year=2025, today=today)
    s = data.stats
    assert {i.number for i in data.open_items} == expect_open
    assert {i.number for i in data.open_items if i.overdue} == expect_overdue
    assert len(data.open_items) == s["total"] - s["closed"] and s["overdue"] == len(expect_overdue)

    with translation.override("zh-hans"):
        document, text = _text(handling_report_docx(data))
    assert f"目前尚有{len(expect_open)}件未办结" in text
    assert f"其中{len(expect_overdue)}件已超过办理期限" in text
    listed = document.tables[-1].rows[1:]
    assert {row.cells[0].text for row in listed} == expect_open
    marked = {row.cells[0].text for row in listed if "逾期" in row.cells[3].text}
    assert marked == expect_overdue


@pytest.mark.django_db
def test_outcomes_add_up_to_the_replies_and_the_tables_to_the_prose(
    make_proposal, secretary, township, unit, other_unit
):
    _year_items(make_proposal, secretary, unit, other_unit)
    # an imported reply that gave no outcome class
    p = make_proposal("replied", replied_on=dt.date(2025, 7, 1), title="关于文化广场的建议")
    ProposalReply.objects.filter(proposal=p).update(outcome="")
    Proposal.objects.filter(pk=p.pk).update(outcome="")

    data = proposal_report_data(township=township, year=2025, today=PAST)
    s = data.stats
    # independent: proposals with a reply dated by 31 December, and their latest reply's class
    replied = {}
    for r in ProposalReply.objects.filter(replied_on__lte=END).order_by("round"):
        replied[r.proposal_id] = r.outcome
    assert s["replied"] == len(replied) == 4
    assert data.outcomes == {"A": 1, "B": 1, "C": 1} and data.unclassified == 1
    members = Proposal.objects.filter(township=township, year=2025).exclude(state="not_accepted")
    with_unit = members.filter(lead_unit__isnull=False).count()
    assert data.units_total.total == with_unit == 6
    assert data.unassigned == members.filter(lead_unit__isnull=True).count() == 1
    assert sum(u.total for u in data.units) == with_unit
    assert sum(c.total for c in data.by_category) == s["total"] == 7
    assert sum(c.closed for c in data.by_category) == s["closed"] == 1

    with translation.override("zh-hans"):
        document, text = _text(handling_report_docx(data))
    assert "A类（已解决或采纳）1件，B类（正在解决或列入计划解决）1件，C类（因条件限制留作参考）1件" in text
    assert "另有1件答复未注明办理结果类别" in text
    assert "另有1件尚未交办承办单位" in text
    totals = [[c.text for c in t.rows[-1].cells] for t in document.tables[:2]]
    assert totals[0] == ["合计", "7", "1"]
    assert totals[1][:2] == ["合计", "6"]
    # no carried-over sentence about nothing: no item came from earlier years
    assert "往年结转的0件" not in text and "无往年结转未办结件" in text


@pytest.mark.django_db
@pytest.mark.parametrize("kind,word", [("zhen", "镇"), ("xiang", "乡"), ("jiedao", "街道")])
def test_signed_by_the_organ_of_its_kind_with_the_date_of_the_report(make_proposal, township, kind, word):
    Township.objects.filter(pk=township.pk).update(kind=kind, name=f"红旗{word}")
    township.refresh_from_db()
    organs = township_organs(township)
    make_proposal("closed", replied_on=dt.date(2025, 4, 1))
    with translation.override("zh-hans"):
        current = proposal_report_data(township=township, year=2025, today=CURRENT)
        current = dataclasses.replace(current, organs=organs)
        _doc, text = _text(handling_report_docx(current))
        assert text.rstrip().endswith(f"{organs.issuer}\n2025年12月1日")  # default: today
        past = proposal_report_data(township=township, year=2025, today=PAST)
        past = dataclasses.replace(past, organs=organs)
        _doc, text = _text(handling_report_docx(past))
        assert text.rstrip().endswith(f"{organs.issuer}\n（成文日期待定）")  # a past year: chosen
        chosen = proposal_report_data(township=township, year=2025, today=PAST, dated=dt.date(2026, 1, 15))
        chosen = dataclasses.replace(chosen, organs=organs)
        _doc, text = _text(handling_report_docx(chosen))
    assert text.rstrip().endswith(f"{organs.issuer}\n2026年1月15日")
    assert text.startswith(f"红旗{word}关于2025年度\n人大代表议案建议办理情况的报告")
    assert f"下一步，{organs.issuer}将继续" in text
    if kind == "jiedao":
        assert "主席团" not in text
    if kind == "xiang":
        assert "镇人大" not in text


@pytest.mark.django_db
def test_the_statistics_page_asks_for_the_date_of_the_report(
    client_for, secretary, make_proposal, django_capture_on_commit_callbacks
):
    make_proposal("closed", rating="satisfied")
    c = client_for(secretary)
    assert 'name="dated"' in c.get(reverse("proposals:statistics") + "?year=2025").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("proposals:report"), {"year": "2025", "dated": "2026-01-20"})
    assert r.status_code == 302
    job = DocumentJob.objects.get(kind="proposals_report")
    assert job.status == "done", job.error
    assert job.params["dated"] == "2026-01-20"
    _doc, text = _text(job.file.read())
    assert text.rstrip().endswith("2026年1月20日")
    r = c.post(reverse("proposals:report"), {"year": "2025", "dated": "2026-13-40"})
    assert r.status_code == 302 and DocumentJob.objects.filter(kind="proposals_report").count() == 1
