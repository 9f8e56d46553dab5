"""No English a Chinese user can reach: every demo role walks its pages (links followed from the
home page, one page of each kind) and, for the administrator, every admin page; each page's
visible and assistive texts must hold no English word (file formats, key names and the records'
own ASCII data excepted)."""

import os
import re
from urllib.parse import urljoin, urlparse

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.test import Client

from renda.core.access import access_for
from renda.core.models import User
from tests.english import data_words, english_words

SKIP = re.compile(
    r"/(logout|download|export|template\.xlsx|export\.xlsx|i18n|static|media)(/|$)|\.(xlsx|docx|zip|pdf)$|/status/"
)
HREF = re.compile(r'href="([^"#]+)"')
MAX_PAGES = 150


def shape(url):
    """One page of each kind: numbers in the path and query do not make a new kind."""
    return re.sub(r"\d+", "N", url)


def walk(client, start_urls, *, limit=MAX_PAGES):
    seen, queue, pages = set(), list(start_urls), {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if shape(url) in seen:
            continue
        seen.add(shape(url))
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for href in HREF.findall(html):
            href = href.replace("&amp;", "&")
            target = urljoin(url, href)
            parsed = urlparse(target)
            if parsed.netloc not in ("", "testserver") or SKIP.search(parsed.path):
                continue
            path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
            if path.startswith("/admin/") and not url.startswith("/admin/"):
                continue  # the admin is walked on its own below
            if shape(path) not in seen:
                queue.append(path)
    return pages


def admin_urls():
    urls = ["/admin/", "/admin/password_change/"]
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        urls += [base, base + "add/"]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [f"{base}{first.pk}/change/", f"{base}{first.pk}/history/"]
    return urls


@pytest.fixture
def demo(db):
    call_command("seed_demo", townships=2, deputies=20, years=1, stdout=open(os.devnull, "w"))  # noqa: SIM115


def _problems(pages, data):
    problems = []
    for url, html in pages.items():
        words = english_words(html, data)
        if words:
            problems.append(f"{url}: {sorted(set(words))[:12]}")
    return problems


@pytest.mark.parametrize("username", ["hongqi_mishu", "hongqi_zhuxi", "hongqi_danwei", "county_reviewer"])
def test_no_english_on_the_pages_of_a_role(demo, username):
    client = Client()
    user = User.objects.filter(username=username).first() or User.objects.get(
        township__code="hongqi", groups__name="handling_unit"
    )
    client.force_login(user)
    client.get("/")  # an access log with the client's data
    pages = walk(client, ["/"])
    assert len(pages) > (3 if access_for(user).is_handling_unit else 20), sorted(pages)
    problems = _problems(pages, data_words())
    assert not problems, f"English on {len(problems)} pages:\n" + "\n".join(problems)


def test_no_english_in_the_admin(demo):
    client = Client()
    client.force_login(User.objects.get(username="county_admin"))
    client.get("/")
    pages = walk(client, admin_urls(), limit=400)
    assert len(pages) > 40
    problems = _problems(pages, data_words())
    assert not problems, f"English on {len(problems)} admin pages:\n" + "\n".join(problems)


def test_the_admin_javascript_catalogue_is_chinese(demo):
    client = Client()
    client.force_login(User.objects.get(username="county_admin"))
    js = client.get("/admin/jsi18n/").content.decode()
    for english in ("Choose all %s", "Remove all %s", "Choose %s by selecting them"):
        assert f'"{english}' in js  # the key …
    assert "\\u5168\\u9009" in js or "全选" in js  # … and 全选 as its translation


def test_the_detector_finds_english_and_spares_data():
    html = '<p title="Close">你好 Access attempts <span lang="en">English</span> Excel hongqi</p><script>var x</script>'
    assert english_words(html, frozenset({"hongqi"})) == ["Close", "Access", "attempts"]


def test_badges_and_name_headings_read_right():
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("zh-hans"):
        assert pgettext("key suggestion badge", "key") == "重点"  # not 键 (core's "key" of a reminder)
        assert gettext("Group name") == "小组名称" and gettext("Unit name") == "单位名称"
        assert gettext("Station name") == "联络站名称"
