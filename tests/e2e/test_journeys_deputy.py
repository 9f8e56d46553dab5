"""A deputy on a 390 px phone, in a real Chromium: the office creates the account, the deputy logs
in, must change the initial password, reads the score card, confirms an activity and rates the
reply to their suggestion. Then the public page, anonymous, on the same phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def _setup():
    from assessments.models import Assessment, ScoreResult
    from meetings.models import Activity, ActivityParticipation
    from portal.services import deputy_accounts_create
    from proposals import services as ps
    from proposals.models import HandlingUnit
    from renda.core.models import Township, User

    township = Township.objects.get(code="hongqi")
    secretary = User.objects.get(username="hongqi_mishu")
    result = (
        ScoreResult.objects.filter(
            assessment__township=township, assessment__state=Assessment.State.PUBLISHED
        )
        .exclude(deputy__account__isnull=False)
        .select_related("deputy")
        .order_by("rank")
        .first()
    )
    deputy = result.deputy
    deputy.phone = "13900001111"
    deputy.save(update_fields=["phone"])
    created = deputy_accounts_create(township=township, by=secretary, deputies=[deputy])[0]
    today = timezone.localdate()
    activity = Activity.objects.create(
        township=township,
        kind="inspection",
        start_date=today + dt.timedelta(days=5),
        topic="视察农村饮水安全工程",
    )
    ActivityParticipation.objects.create(township=township, activity=activity, deputy=deputy)
    unit = HandlingUnit.objects.filter(township=township).first()
    p = ps.proposal_submit(
        township=township,
        by=secretary,
        kind="suggestion",
        title="关于修缮村级文化广场的建议",
        content="广场地面破损。",
        lead_deputy=deputy,
        submitted_on=today - dt.timedelta(days=20),
    )
    p = ps.proposal_register(proposal=p, by=secretary, registered_on=today - dt.timedelta(days=20))
    p = ps.proposal_assign(
        proposal=p, by=secretary, lead_unit=unit, assigned_on=today - dt.timedelta(days=19)
    )
    p = ps.proposal_reply(
        proposal=p, by=secretary, text="已列入今年维修计划，月底前完工。", outcome="B", replied_on=today
    )
    return created, result, activity, p


def test_deputy_on_a_phone_logs_in_reads_the_score_confirms_and_rates(demo, live_server, browser):
    from portal.models import InvitationAnswer
    from proposals.models import Proposal

    created, result, activity, proposal = _setup()
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        # log in with the initial password: the first page asks for a new one
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", created["username"])
        page.fill("#id_password", created["password"])
        with page.expect_navigation():
            page.click("button.btn-primary")
        page.wait_for_url("**/me/password/")
        page.fill("#id_old_password", created["password"])
        page.fill("#id_new_password1", "Daibiao-2027!")
        page.fill("#id_new_password2", "Daibiao-2027!")
        with page.expect_navigation():
            page.get_by_role("button", name="修改密码").click()
        page.wait_for_url("**/me/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(created["deputy"].name)
        # nothing wider than the phone
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # the score card, every line explained
        with page.expect_navigation():
            page.locator("nav a[href='/me/score/']").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(str(result.assessment.year))
        expect(page.locator("main")).to_contain_text(str(result.total))
        expect(page.locator("main")).to_contain_text("规则")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # confirm the activity on the home page
        with page.expect_navigation():
            page.locator("nav a[href='/me/']").click()
        card = page.locator("section", has_text="邀请您参加的活动")
        expect(card).to_contain_text("视察农村饮水安全工程")
        with page.expect_navigation():
            card.get_by_role("button", name="我参加").click()
        expect(page.get_by_role("status")).to_contain_text("已确认您参加")
        assert InvitationAnswer.objects.get(activity=activity).answer == "confirmed"

        # rate the reply
        with page.expect_navigation():
            page.locator("section", has_text="待您评价的答复").get_by_role(
                "link", name=proposal.title
            ).click()
        expect(page.locator("main")).to_contain_text("已列入今年维修计划")
        page.get_by_label("基本满意").check()
        page.get_by_label("意见（可不填）").fill("希望尽快完工")
        with page.expect_navigation():
            page.get_by_role("button", name="提交评价").click()
        expect(page.get_by_role("status")).to_contain_text("您的评价已记录")
        proposal.refresh_from_db()
        assert proposal.state == Proposal.State.EVALUATED and proposal.rating == "basically"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        # the office's pages stay closed
        response = page.goto(f"{base}/deputies/")
        assert response.status == 403
    finally:
        context.close()


def test_public_page_on_a_phone_without_javascript(demo, live_server, browser):
    from proposals.models import Proposal

    context = browser.new_context(locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        response = page.goto(f"{live_server.url}/public/")
        assert response.status == 200
        expect(page.get_by_role("heading", level=1)).to_contain_text("议案建议办理情况")
        township_link = page.get_by_role("table").nth(1).get_by_role("link").first
        with page.expect_navigation():
            township_link.click()
        table = page.get_by_role("table").last
        expect(table.locator("caption")).to_be_visible()
        some = (
            Proposal.objects.filter(township__code="hongqi", not_for_publication=False)
            .exclude(state="not_accepted")
            .first()
        )
        assert some is not None
        assert "public" in response.headers.get("cache-control", "")
    finally:
        context.close()
