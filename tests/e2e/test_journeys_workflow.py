"""The secretary's working journeys in a real Chromium, through the pages' own links, forms and buttons:
a presidium meeting, a suggestion from registration to the deputy's evaluation (with the handling unit
replying under its own login), and the year's assessment scores. Screenshots of failures go to
test-artifacts/."""

import datetime as dt
import io
import re
from pathlib import Path

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# A small but real PDF: uploads are checked by their content, not by their name.
REPLY_LETTER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx(text):
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def submit(page, button):
    """Click a button that posts its form, and wait for the page the server answers with."""
    with page.expect_navigation():
        button.click()


def nav(page, href):
    """Follow a link of the main navigation."""
    with page.expect_navigation():
        page.locator(f"#mainnav a[href='{href}']").click()


def test_secretary_records_a_presidium_meeting_with_attendance_votes_and_a_followed_up_decision(
    demo, live_server, page
):
    from meetings.models import Decision, PresidiumMeeting

    base = live_server.url
    today = timezone.localdate()
    login(page, base, "hongqi_mishu")

    # the meeting: from the meetings workbench to the presidium list to the new-meeting form
    nav(page, "/meetings/")
    page.locator("main a[href='/meetings/presidium/']").first.click()
    page.wait_for_url("**/meetings/presidium/")
    page.get_by_role("link", name="录入主席团会议").click()
    page.wait_for_url("**/meetings/presidium/new/")
    page.get_by_label("日期").fill(today.isoformat())
    page.get_by_label("类型").select_option(label="临时会议")
    chair = page.get_by_label("主持人")
    chair_name = chair.locator("option").nth(1).inner_text()
    chair.select_option(label=chair_name)
    page.get_by_label("地点").fill("镇政府三楼会议室")
    page.get_by_label("会议概况").fill("听取和审议镇人民政府关于农村人居环境整治工作情况的报告。")
    submit(page, page.get_by_role("button", name="保存"))
    page.wait_for_url(lambda url: "/new/" not in url and "/meetings/presidium/" in url)
    expect(page.locator(".alert-success")).to_contain_text("会议已录入")

    meeting = PresidiumMeeting.objects.filter(township__code="hongqi").order_by("-pk").first()
    assert page.url.rstrip("/").endswith(f"/meetings/presidium/{meeting.pk}")
    assert meeting.date == today and meeting.kind == "ad_hoc" and meeting.chair.name == chair_name
    assert meeting.place == "镇政府三楼会议室"
    members = meeting.attendance.count()
    assert members == meeting.member_count > 2
    expect(page.locator("h1")).to_contain_text(meeting.title)

    # an agenda item, then its vote
    topic = "审议镇人民政府关于农村人居环境整治工作情况的报告"
    agenda = page.locator("#agenda")
    agenda.get_by_text("添加议题").click()
    agenda.get_by_label("主题").fill(topic)
    agenda.get_by_label("汇报单位").fill("镇人民政府")
    agenda.get_by_label("汇报人", exact=True).fill("李明")
    agenda.get_by_label("汇报人职级").select_option(label="分管负责人")
    submit(page, agenda.locator("form[action$='/agenda/']").get_by_role("button", name="保存"))
    row = page.locator("#agenda tbody tr", has_text=topic)
    expect(row).to_contain_text("未表决")
    votes_for = meeting.majority_needed + 1
    row.get_by_label("赞成").fill(str(votes_for))
    row.get_by_label("反对").fill("0")
    row.get_by_label("弃权").fill("1")
    submit(page, row.get_by_role("button", name="保存"))
    expect(page.locator(".alert-success")).to_contain_text("表决结果已保存")
    expect(page.locator("#agenda tbody tr", has_text=topic)).to_contain_text("通过")
    item = meeting.agenda_items.get()
    assert (item.topic, item.reporter, item.reporter_rank) == (topic, "李明", "deputy")
    assert (item.votes_for, item.votes_against, item.votes_abstain) == (votes_for, 0, 1)
    assert item.passed is True

    # attendance: every member is present until the exceptions are marked
    attendance = page.locator("#attendance")
    names = attendance.locator("tbody label").all_inner_texts()
    assert len(names) == members
    excused, late = names[0], names[1]
    attendance.get_by_label(excused, exact=True).select_option(label="请假")
    attendance.locator("tr", has=page.get_by_label(excused, exact=True)).get_by_label("原因").fill(
        "参加县里培训"
    )
    attendance.get_by_label(late, exact=True).select_option(label="迟到")
    expect(attendance.locator(".js-attendance-count")).to_contain_text("2")  # the page counts as you mark
    submit(page, attendance.get_by_role("button", name="保存出勤情况"))
    expect(page.locator(".alert-success")).to_contain_text("出勤情况已保存")
    expect(page.locator("#attendance h2")).to_contain_text(f"{members - 1} / {members}")
    statuses = {a.deputy.name: (a.status, a.reason) for a in meeting.attendance.select_related("deputy")}
    assert statuses[excused] == ("excused", "参加县里培训")
    assert statuses[late][0] == "late"
    assert sum(1 for s, _r in statuses.values() if s == "present") == members - 2

    # the review opinion adopted on the agenda item, with its responsible unit and deadline
    title = "关于农村人居环境整治工作的审议意见"
    deadline = today + dt.timedelta(days=90)
    decisions = page.locator("#decisions")
    decisions.get_by_text("添加审议意见或决定").click()
    decisions.get_by_label("类型").select_option(label="审议意见")
    decisions.get_by_label("议题").select_option(label=topic)
    decisions.get_by_label("标题").fill(title)
    decisions.get_by_label("内容").fill("一、加快推进农村生活污水治理。\n二、建立健全长效管护机制。")
    decisions.get_by_label("责任单位").fill("镇村镇建设办公室")
    decisions.get_by_label("办结时限").fill(deadline.isoformat())
    submit(page, decisions.get_by_role("button", name="保存"))
    expect(page.locator(".alert-success")).to_contain_text("已登记为第")
    decision = Decision.objects.get(meeting=meeting)
    assert (decision.title, decision.kind, decision.agenda_item_id, decision.deadline) == (
        title,
        "opinion",
        item.pk,
        deadline,
    )
    assert decision.status == Decision.Status.OPEN
    expect(page.locator("#decisions tbody tr", has_text=title)).to_contain_text("镇村镇建设办公室")

    # the follow-up: progress first, then done
    page.locator("#decisions").get_by_role("link", name=title).click()
    page.wait_for_url(f"**/meetings/follow-ups/{decision.pk}/")
    progress = page.locator("form:has(input[name=action][value=progress])")
    progress.get_by_label("进展情况").fill("已完成3个村的污水管网铺设。")
    submit(page, progress.get_by_role("button", name="记录进展"))
    expect(page.locator(".alert-success")).to_contain_text("进展情况已记录")
    expect(page.locator("main")).to_contain_text("已完成3个村的污水管网铺设。")
    complete = page.locator("form:has(input[name=action][value=complete])")
    complete.get_by_label("备注").fill("整治任务全部完成。")
    submit(page, complete.get_by_role("button", name="标记为办结"))
    expect(page.locator(".alert-success")).to_contain_text("已标记为办结")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DONE and decision.completed_on == today
    notes = [n.note for n in decision.progress_notes.all()]
    assert "已完成3个村的污水管网铺设。" in notes
    expect(page.locator("h1 .badge")).to_have_text(decision.get_status_display())


def test_suggestion_is_registered_assigned_replied_by_the_unit_and_evaluated(demo, live_server, page):
    from proposals.models import Proposal

    base = live_server.url
    title = "关于修缮东风村至红旗村道路的建议"
    login(page, base, "hongqi_mishu")

    # registered from the register page
    nav(page, "/proposals/")
    page.get_by_role("link", name="登记议案建议").click()
    page.wait_for_url("**/proposals/new/")
    page.get_by_label("类型").select_option(label="建议")
    # required fields are labelled "标题 *"
    page.get_by_label(re.compile(r"^标题( \*)?$")).fill(title)
    page.get_by_label(re.compile(r"^内容( \*)?$")).fill(
        "东风村至红旗村道路年久失修，雨天积水严重，群众出行不便，建议列入明年道路修缮计划。"
    )
    page.get_by_label("分类").select_option(label="交通水利")
    lead = page.get_by_label("领衔代表")
    lead_name = lead.locator("option").nth(1).inner_text()
    lead.select_option(label=lead_name)
    page.get_by_label("附件").set_input_files(
        files=[
            {
                "name": "现场照片说明.docx",
                "mimeType": DOCX_TYPE,
                "buffer": _docx("道路积水点位：东风村桥头至村部约800米。"),
            }
        ]
    )
    submit(page, page.get_by_role("button", name="保存"))
    expect(page.locator(".alert-success")).to_contain_text("已登记")
    proposal = Proposal.objects.get(township__code="hongqi", title=title)
    assert page.url.rstrip("/").endswith(f"/proposals/{proposal.pk}")
    assert proposal.state == Proposal.State.SUBMITTED and proposal.lead_deputy.name == lead_name
    assert [a.name for a in proposal.attachments.all()] == ["现场照片说明.docx"]
    with page.expect_download() as dl:
        page.get_by_role("link", name="现场照片说明.docx").click()
    assert dl.value.suggested_filename == "现场照片说明.docx"
    text = "\n".join(p.text for p in docx.Document(dl.value.path()).paragraphs)
    assert "东风村桥头" in text
    steps = page.locator(".col-lg-4")

    # 立案, then 交办 to the unit that has a demo login
    steps.get_by_role("button", name="立案", exact=True).click()
    submit(page, page.locator("#act-register").get_by_role("button", name="确认"))
    expect(page.locator(".alert-success")).to_contain_text("立案")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REGISTERED
    steps.get_by_role("button", name="交办", exact=True).click()
    assign = page.locator("#act-assign")
    assign.get_by_label("主办单位").select_option(label="村镇建设办公室")
    # assisting units are a searchable picker: type, then tick the unit
    assign.get_by_role("combobox", name="协办单位").fill("交通运输")
    page.locator("#id_assign-assisting_units-ts-dropdown").get_by_text("交通运输管理站").click()
    assign.get_by_label("分管领导").fill("张副镇长")
    submit(page, assign.get_by_role("button", name="确认"))
    expect(page.locator(".alert-success")).to_contain_text("交办")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.ASSIGNED
    assert proposal.lead_unit.name == "村镇建设办公室" and proposal.deadline is not None
    assert [u.name for u in proposal.assisting_units.all()] == ["交通运输管理站"]
    expect(page.locator("main")).to_contain_text("张副镇长")

    # the handling unit finds it among its items and replies, with the signed letter
    logout(page)
    login(page, base, "hongqi_danwei")
    nav(page, "/proposals/")
    page.get_by_label("搜索").fill("东风村至红旗村")
    with page.expect_navigation():
        page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=title).click()
    page.wait_for_url(f"**/proposals/{proposal.pk}/")
    steps.get_by_role("button", name="录入答复", exact=True).click()
    reply = page.locator("#act-reply")
    reply.get_by_label("答复内容").fill("经研究，该路段已列入明年农村道路提升改造计划，将于汛期前完成修缮。")
    reply.get_by_label("办理结果").select_option(value="A")
    reply.get_by_label("与代表见面沟通").check()
    reply.get_by_label("答复函").set_input_files(
        files=[{"name": "答复函.pdf", "mimeType": "application/pdf", "buffer": REPLY_LETTER}]
    )
    submit(page, reply.get_by_role("button", name="确认"))
    expect(page.locator(".alert-success")).to_contain_text("录入答复")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.REPLIED
    assert (proposal.outcome, proposal.met_in_person, proposal.replied_on_time) == ("A", True, True)
    answer = proposal.replies.get()
    assert answer.unit.name == "村镇建设办公室" and answer.by.username == "hongqi_danwei"
    assert answer.file.name.endswith(".pdf")
    expect(page.locator("main")).to_contain_text("该件当前没有需要您处理的事项")

    # the secretary reads the letter and records the deputy's evaluation, then closes the item
    logout(page)
    login(page, base, "hongqi_mishu")
    page.goto(f"{base}/proposals/{proposal.pk}/")
    with page.expect_download() as dl:
        page.get_by_role("link", name="答复函").click()
    assert Path(dl.value.path()).read_bytes() == REPLY_LETTER
    steps.get_by_role("button", name="录入代表评价", exact=True).click()
    evaluate = page.locator("#act-evaluate")
    evaluate.get_by_label("代表评价").select_option(label="满意")
    evaluate.get_by_label("评价意见").fill("答复及时，措施具体。")
    submit(page, evaluate.get_by_role("button", name="确认"))
    expect(page.locator(".alert-success")).to_contain_text("录入代表评价")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.EVALUATED
    evaluation = proposal.evaluations.get()
    assert (evaluation.rating, evaluation.comment) == ("satisfied", "答复及时，措施具体。")
    expect(page.locator("main")).to_contain_text("满意")
    steps.get_by_role("button", name="办结", exact=True).click()
    submit(page, page.locator("#act-close").get_by_role("button", name="确认"))
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.CLOSED
    expect(page.locator("main")).to_contain_text("该件已办结")
    states = list(proposal.events.order_by("at", "pk").values_list("to_state", flat=True))
    assert states == ["submitted", "registered", "assigned", "replied", "evaluated", "closed"]

    # the letter is not public: another township's secretary gets nothing
    letter_href = page.get_by_role("link", name="答复函").get_attribute("href")
    logout(page)
    login(page, base, "qingshan_mishu")
    assert page.goto(f"{base}{letter_href}").status == 404


def test_secretary_computes_the_years_scores(demo, live_server, page):
    from assessments.models import Assessment, ScoreResult

    base = live_server.url
    year = timezone.localdate().year
    login(page, base, "hongqi_mishu")
    nav(page, "/assessments/")
    page.wait_for_url("**/assessments/township/*/**")
    # the page opens on the last published year; the secretary picks this year
    year_select = page.get_by_label("年度", exact=True)
    if year_select.input_value() != str(year):
        with page.expect_navigation():
            year_select.select_option(str(year))  # the select submits its form on change
        assert f"year={year}" in page.url
    expect(page.locator("main")).to_contain_text(f"{year}年度尚无考核得分")
    assert not Assessment.objects.filter(township__code="hongqi", year=year).exists()

    submit(page, page.locator("form[action$='/compute/']").get_by_role("button"))
    expect(page.locator(".alert-success")).to_contain_text(f"{year}年")
    assessment = Assessment.objects.get(township__code="hongqi", year=year)
    results = ScoreResult.objects.filter(assessment=assessment)
    assert assessment.computed_at is not None and assessment.state == Assessment.State.DRAFT
    assert results.count() == assessment.deputy_count > 0

    # the results table: one row a deputy (50 a page), ranked, each with a grade
    table = page.locator("table.results-table")
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(min(results.count(), 50))
    first_ranked = set(results.filter(rank=1).values_list("deputy__name", flat=True))
    assert rows.first.locator("td").nth(1).locator("a").inner_text() in first_ranked
    # publishing to the county is the chair's: the secretary has no such button, the chair has
    expect(page.get_by_role("button", name="发布（报县人大常委会）")).to_have_count(0)
    url = page.url
    logout(page)
    login(page, base, "hongqi_zhuxi")
    page.goto(url)
    expect(page.get_by_role("button", name="发布（报县人大常委会）")).to_be_visible()
