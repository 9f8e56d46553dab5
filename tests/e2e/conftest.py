"""Browser journeys: Playwright driving the system Chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the live server's database work is
# ordinary synchronous Django code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    require_service(shutil.which(CHROMIUM) or Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def demo(transactional_db):
    """The demo county (two townships, 20 deputies each, two years) in the live server's database."""
    call_command("seed_demo", townships=2, deputies=20, years=2, stdout=open(os.devnull, "w"))  # noqa: SIM115


@pytest.fixture
def page(browser, request):
    context = browser.new_context(
        accept_downloads=True, locale="zh-CN", viewport={"width": 1366, "height": 900}
    )
    pg = context.new_page()
    pg.set_default_timeout(20000)
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    if rep.when == "call":
        item.rep_call = rep
    return rep


def login(page, base, username, password=None):
    from renda.core.demo import DEMO_PASSWORD

    password = password or DEMO_PASSWORD
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.btn-primary")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def logout(page):
    """Log out through the account menu, as a user would."""
    page.locator("nav .dropdown-toggle").click()
    with page.expect_navigation():
        page.locator("form[action$='/accounts/logout/'] button").click()
