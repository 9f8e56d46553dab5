"""The office's pages on a 390 × 844 phone, in a real Chromium: the register and the roster show
their rows as cards, the county table scrolls inside its box with the township column held in
view, and no page scrolls sideways or squeezes a cell to one character a line. Screenshots of
each page go to test-artifacts/ to be looked at."""

import pytest

from tests.e2e.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}

# Visible cells holding two characters or more that are narrower than two characters of their
# own font: text squeezed to one character a line.
SQUEEZED_CELLS = """() => [...document.querySelectorAll('main td, main th')].filter(cell => {
  const text = cell.innerText.replace(/\\s+/g, '');
  if (!cell.offsetParent || text.length < 2) return false;
  const head = cell.closest('thead');
  if (head && head.getBoundingClientRect().height <= 1) return false;  // read by screen readers only
  const em = parseFloat(getComputedStyle(cell).fontSize);
  return cell.getBoundingClientRect().width < 2 * em;
}).map(cell => cell.innerText.trim().slice(0, 30))"""


def _check_fits(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.evaluate("innerWidth"), name
    assert page.evaluate(SQUEEZED_CELLS) == [], name


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(20000)
    yield pg
    context.close()


def test_register_and_roster_are_cards_and_the_county_table_scrolls_on_a_phone(demo, live_server, phone):
    base = live_server.url
    login(phone, base, "hongqi_mishu")

    # the register: one card per suggestion, each value after its column's heading
    phone.goto(f"{base}/proposals/")
    first_row = phone.locator("main table tbody tr").first
    # the headings are read by screen readers only
    assert phone.locator("main table thead").first.bounding_box()["height"] <= 1
    assert first_row.locator("[data-label='标题']").count() == 1
    title = first_row.locator("[data-label='标题']")
    assert title.bounding_box()["width"] > PHONE["width"] / 2  # a title takes the card's width
    assert phone.locator("nav[aria-label] .pagination").count() == 1  # and the long list paginates
    _check_fits(phone, "register")

    # the roster: work units on whole lines
    phone.goto(f"{base}/deputies/")
    assert phone.locator("main table tbody tr").first.locator("[data-label]").count() >= 5
    _check_fits(phone, "roster")

    # the county table keeps its grid, scrolls inside its box, and the township column stays put
    phone.context.clear_cookies()
    login(phone, base, "county_reviewer")
    phone.goto(f"{base}/dashboard/")
    box = phone.locator(".table-responsive:has(.dashboard-table)")
    township = phone.locator(".dashboard-table tbody th[scope=row]").first
    left_before = township.bounding_box()["x"]
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    box.evaluate("el => { el.scrollLeft = 400; }")
    assert box.evaluate("el => el.scrollLeft") > 0
    assert abs(township.bounding_box()["x"] - left_before) < 1
    # headings on one line, not a character a line
    one_line = "th => th.getBoundingClientRect().height < 2.5 * parseFloat(getComputedStyle(th).fontSize)"
    assert phone.locator(".dashboard-table thead th").nth(3).evaluate(one_line)
    _check_fits(phone, "county-dashboard")
