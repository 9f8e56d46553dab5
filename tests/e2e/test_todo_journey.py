"""The home page's to-do list as each role sees it, clicked line by line in Chromium (issue 19):
every line is a link that opens the page it promises, a single item opens that record, and a
line about proposals lands on a register showing exactly the number the line gave."""

import re

import pytest

from tests.e2e.conftest import login, logout

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROLES = ["hongqi_mishu", "hongqi_zhuxi", "county_reviewer"]


def _lines(page):
    return [
        {
            "key": a.get_attribute("data-todo"),
            "href": a.get_attribute("href"),
            "count": int(a.locator("xpath=..").locator(".todo-count").inner_text()),
        }
        for a in page.locator("a[data-todo]").all()
    ]


@pytest.mark.parametrize("username", ROLES)
def test_every_to_do_line_opens_what_it_counts(demo, live_server, page, username):
    base = live_server.url
    login(page, base, username)
    page.goto(f"{base}/")
    lines = _lines(page)
    done = page.locator("[data-todo-done]").count()
    assert lines or done, "the home page shows no to-do list"
    for line in lines:
        assert line["count"] > 0, line
        response = page.goto(base + line["href"] if line["href"].startswith("/") else line["href"])
        assert response is not None and response.status == 200, line
        assert "/accounts/login/" not in page.url, line
        if line["count"] == 1 and re.search(r"/proposals/\d+/$", page.url):
            continue  # the one item itself
        if "/proposals/" in line["href"] and "?" in line["href"] and line["count"] <= 50:
            rows = page.locator("table tbody tr").count()
            assert rows == line["count"], (line, rows)
    logout(page)
