"""Helpers for tests that view a page twice (tests/*/test_detail_cache.py)."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

# a form's tokens and the page's CSRF header: new for every response
TOKEN = re.compile(r'(?:name="(?:csrfmiddlewaretoken|submission_token)" value="|"X-CSRFToken": ")([^"]*)"')


def page_view(client, url):
    """(the page's HTML, how many queries it ran), asserting it answered 200."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page.content.decode(), len(queries)
