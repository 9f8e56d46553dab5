"""Two web processes on one database and broker, as behind the compose proxy: a user logs in on
one, is known on the other, and downloads there the document a worker built."""

import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest

from renda.core.models import DocumentJob
from renda.core.services import document_job_request
from tests.factories import TermFactory, TownshipFactory, UserFactory
from tests.faults import slow_jobs  # noqa: F401 - registers the "fault_slow" kind here too
from tests.faults.conftest import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def _request(base, method, path, cookies, body=None):
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    headers = {"Host": "127.0.0.1", "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _eq, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        return resp.status, resp.getheader("Location", ""), resp.read()
    finally:
        conn.close()


def _log_in(base, username, password):
    """The login form, as a browser fills it: its CSRF cookie and token, then the POST."""
    cookies = {}
    status, _loc, page = _request(base, "GET", "/accounts/login/", cookies)
    assert status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
    status, location, _body = _request(base, "POST", "/accounts/login/", cookies, body=form)
    assert status == 302 and "login" not in location, (status, location)
    assert cookies.get("sessionid")
    return cookies


def test_session_and_download_follow_the_user_across_two_web_processes(
    start_app_server, start_worker, broker, redis_url
):
    # given two web processes sharing the database, the Redis cache and sessions, and the broker
    township = TownshipFactory(name="红旗镇", code="hongqi")
    TermFactory(township=township)
    secretary = UserFactory(username="sec-two-hosts", township=township, role="township_secretary")
    shared = {"CELERY_BROKER_URL": redis_url, "REDIS_URL": redis_url.rsplit("/", 1)[0] + "/1"}
    first = start_app_server(workers=1, extra_env=shared)
    second = start_app_server(workers=1, extra_env=shared)
    start_worker("w1")

    # when the secretary logs in on the first
    cookies = _log_in(first.base, "sec-two-hosts", "Test-pass-2026")

    # then the second knows her: her township's home page, not the login page
    status, _loc, body = _request(second.base, "GET", "/", dict(cookies))
    assert status == 200, second.log()[-2000:]
    assert "红旗镇" in body.decode()

    # and a document a worker built is downloaded from either process
    job = document_job_request(
        by=secretary, kind="fault_slow", params={"marker": "/dev/null", "hold_attempts": 0}
    )
    wait_for(
        lambda: DocumentJob.objects.get(pk=job.pk).status == DocumentJob.Status.DONE,
        60,
        what="the worker to build the document",
    )
    for server in (first, second):
        status, _loc, content = _request(server.base, "GET", f"/documents/{job.pk}/download/", dict(cookies))
        assert status == 200, server.log()[-2000:]
        assert content == b"built on attempt 1"

    # and logging out on one ends the session on both, even for a copy of the old cookie
    old_cookies = dict(cookies)
    form = urlencode({"csrfmiddlewaretoken": cookies["csrftoken"]})
    _request(first.base, "POST", "/accounts/logout/", cookies, body=form)
    status, location, _body = _request(second.base, "GET", "/", old_cookies)
    assert status == 302 and "login" in location


def test_files_can_live_in_an_object_store_for_several_hosts(subprocess_env):
    # given the settings of a web host configured for an S3-compatible store
    import subprocess
    import sys

    env = {
        **subprocess_env,
        "FILE_STORAGE": "s3",
        "S3_BUCKET": "renda-files",
        "S3_ENDPOINT_URL": "http://minio:9000",
    }
    # when Django builds its default storage there
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            'import django; django.setup(); from django.core.files.storage import storages; s = storages["default"]; '
            "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.querystring_auth)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # then uploads and generated files go to the bucket, never to a public URL
    assert out.split() == ["S3Storage", "renda-files", "http://minio:9000", "True"]
