"""Bad input never makes a 500, and a form given bad input writes nothing.

Walks every URL pattern (the Django admin aside) as the township secretary, who may write:
- the path with malformed ids and years (`abc`, 0, an id past the integer range, year 0001/9999);
- GET with a bad-input corpus in every query parameter the app reads;
- POST of every form found on the page, each field filled with a corpus value; file fields get
  a broken workbook and an executable named as a picture.
Then the county reviewer GETs every URL with the corpus. A POST whose every field holds a NUL
byte must write no row. Prints the number of requests and the findings; fails on any finding.
Bounded: a couple of thousand requests on the small seeded county.
"""

import re
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from renda.core.models import User
from tests.security.test_access_walk import (
    RESOLVERS,
    _param_names,
    build_path,
    data_fingerprint,
    url_patterns,
)

QUERY_PARAMS = [
    "year", "month", "page", "township", "q", "metric", "item", "deputy", "template", "state",
    "kind", "sort", "status", "level", "group", "station", "term", "category", "unit", "job",
    "editing", "from", "to", "date",
]  # fmt: skip
CORPUS = [
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "9999",
    "0001-01-01",
    "9999-12-31",
    "1\x00",
    "' OR 1=1 --",
    "中" * 400,
]
NUL = "x\x00y"
PATH_VALUES = {"id": ["0", "2147483648", "99999999999999999999"], "year": ["0001", "1948", "2101", "9999"]}


class _Forms(HTMLParser):
    """Forms of a page: action, method, and their fields (name → kind)."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._current = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
            }
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            if a["name"] != "csrfmiddlewaretoken":
                self._current["fields"][a["name"]] = kind

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _broken_files():
    return [
        SimpleUploadedFile("roster.xlsx", b"PK\x03\x04" + b"\x00broken shared strings" * 20),
        SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg"),
    ]


def test_fuzz_every_url_and_form(county, capsys):
    own, _other = county
    sec = Client(raise_request_exception=False)
    sec.force_login(User.objects.get(username=f"{own.code}_mishu"))
    reviewer = Client(raise_request_exception=False)
    reviewer.force_login(User.objects.get(username="county_reviewer"))
    requests, findings = 0, []

    def call(client, method, path, data=None, who="secretary", must_not_write=False):
        nonlocal requests
        before = data_fingerprint() if must_not_write else None
        response = getattr(client, method)(path, data or {})
        requests += 1
        if response.status_code >= 500:
            shown = {k: (v[:20] if isinstance(v, str) else type(v).__name__) for k, v in (data or {}).items()}
            findings.append(f"{response.status_code} {method.upper()} {path[:120]} as {who} {shown}")
        if must_not_write and data_fingerprint() != before:
            findings.append(f"row written by {method.upper()} {path[:120]} with NUL bytes in every field")
        return response

    for route, name, _pattern in url_patterns():
        if route.startswith("admin/") or name in ("logout", "set_language"):
            continue
        params = _param_names(route)
        kwargs = RESOLVERS[name](own) if params and name in RESOLVERS else {}
        if params and (not kwargs or any(v is None for v in kwargs.values())):
            continue
        path = build_path(route, kwargs)

        # malformed path parameters: a 404, never a 500
        for param in params:
            converter = re.search(rf"<(\w+):{param}>", route)
            kind = converter.group(1) if converter else "str"
            for bad in PATH_VALUES.get(kind, ["abc"]):
                call(sec, "get", build_path(route, {**kwargs, param: bad}))

        # the query-string corpus, as the secretary and as the reviewer
        for value in CORPUS:
            query = {p: value for p in QUERY_PARAMS}
            call(sec, "get", path, query)
        for value in CORPUS[:4] + CORPUS[5:8]:
            call(reviewer, "get", path, {p: value for p in QUERY_PARAMS}, who="reviewer")

        # every POST form on the page, filled with the corpus
        page = sec.get(path)
        requests += 1
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        parser = _Forms()
        parser.feed(page.content.decode("utf-8", "replace"))
        for form in parser.forms:
            if form["method"] != "post" or not form["fields"]:
                continue
            action = form["action"] or path
            if not action.startswith("/") or action.startswith(("/accounts/", "/i18n/", "/township/select")):
                continue
            for value in [*CORPUS[:8], NUL]:
                data = {}
                for field, kind in form["fields"].items():
                    if kind == "file":
                        data[field] = _broken_files()[hash(value) % 2]
                    elif kind in ("submit", "button"):
                        continue
                    else:
                        data[field] = value
                call(sec, "post", action, data, must_not_write=value == NUL)

    print(f"\nfuzz: {requests} requests, {len(findings)} findings")
    for f in findings:
        print("  " + f)
    assert requests > 500
    assert not findings, f"{len(findings)} findings:\n" + "\n".join(findings[:80])
