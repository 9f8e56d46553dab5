"""The main journeys in a real Chromium. Screenshots of failures go to test-artifacts/."""

import io
import re
from pathlib import Path

import pytest

from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_secretary_imports_the_roster_template_and_downloads_the_work_report(demo, live_server, page):
    from deputies.models import Deputy

    base = live_server.url
    login(page, base, "hongqi_mishu")
    assert "红旗镇" in page.content()

    # the roster template, downloaded from the import page, filled in, uploaded and confirmed
    page.goto(f"{base}/deputies/import/")
    with page.expect_download() as dl:
        page.click("a[href$='template.xlsx']")
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
    ws = wb.active
    header_row = next(i for i, row in enumerate(ws.iter_rows(values_only=True), 1) if row and "姓名" in row)
    for r in range(ws.max_row, header_row, -1):  # drop the sample rows
        ws.delete_rows(r)
    ws.append(
        [
            "钱新民",
            "男",
            "汉族",
            "1972.03",
            "中共党员",
            "大学本科",
            "东风村党总支书记",
            "第5选区",
            "乡镇",
            "",
            "13855550001",
            "340225197203150032",
            "2021.12.28",  # 当选日期: the new mandate starts on it
        ]
    )
    filled = io.BytesIO()
    wb.save(filled)
    before = Deputy.objects.filter(township__code="hongqi").count()
    page.set_input_files(
        "input[type=file]",
        files=[
            {
                "name": "花名册.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": filled.getvalue(),
            }
        ],
    )
    page.click("form[enctype] button.btn-primary")
    page.click("form[action$='confirm/'] button")
    page.wait_for_load_state()
    assert Deputy.objects.filter(township__code="hongqi", name="钱新民").exists(), page.content()[:2000]
    assert Deputy.objects.filter(township__code="hongqi").count() == before + 1

    # the year-end work report, built and downloaded
    page.goto(f"{base}/dashboard/year-end/")
    if page.locator("button[value=save_report]").count():
        # the township writes the problems and next year's plans itself
        areas = page.locator("form:has(button[value=save_report]) textarea")
        texts = [
            "",
            "（一）代表活动阵地建设还不够均衡。\n部分代表小组活动记录不够规范。",
            "（一）加强代表履职培训。\n全面推进代表联络站规范化建设。",
        ]
        for i in range(areas.count()):
            if texts[min(i, 2)]:
                areas.nth(i).fill(texts[min(i, 2)])
        page.click("button[value=save_report]")
    else:
        page.click("button[value=report]")
    link = page.locator("a.btn-success[href*='/download/']").first
    link.wait_for()
    with page.expect_download() as dl:
        link.click()
    import docx

    document = docx.Document(io.BytesIO(Path(dl.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "红旗镇" in text and "人大工作" in text


def test_county_reviewer_drills_into_an_overdue_proposal_and_cannot_edit_it(demo, live_server, page):
    from proposals.models import Proposal

    base = live_server.url
    login(page, base, "county_reviewer")
    page.goto(f"{base}/dashboard/")
    overdue_links = page.locator("a[href*='metric=overdue']")
    count = overdue_links.count()
    target = next(
        (
            overdue_links.nth(i)
            for i in range(count)
            if overdue_links.nth(i).inner_text().strip() not in ("", "0")
        ),
        None,
    )
    assert target is not None, "the demo county has no overdue proposal on the dashboard"
    target.click()
    page.wait_for_url("**/dashboard/records/**")
    hrefs = page.eval_on_selector_all("main a[href], a[href]", "els => els.map(e => e.getAttribute('href'))")
    detail = next((h for h in hrefs if re.fullmatch(r"/proposals/\d+/", h or "")), None)
    assert detail, f"no proposal link on the drill-down page {page.url}"
    page.click(f"a[href='{detail}']")
    page.wait_for_url(f"**{detail}")
    pk = int(detail.strip("/").rsplit("/", 1)[-1])
    title = Proposal.objects.get(pk=pk).title
    assert title in page.content()
    # no edit button for a reviewer, and the edit URL refuses
    assert page.locator(f"a[href='/proposals/{pk}/edit/']").count() == 0
    response = page.goto(f"{base}/proposals/{pk}/edit/")
    assert response.status == 403
