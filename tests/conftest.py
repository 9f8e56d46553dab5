"""Shared fixtures: townships, users for every role, logged-in clients."""

import os

import pytest
from django.conf import settings

from tests.factories import TermFactory, TownshipFactory, UserFactory

IN_CI = os.environ.get("CI") == "true"
os.makedirs(settings.STATIC_ROOT, exist_ok=True)


def pytest_configure(config):
    # A fast hasher: factories set passwords for thousands of users over the suite. Servers the
    # fault tests start read tests/faults/server_settings.py, which accepts it too.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The records cache as deployed (the tests run in one process: its memory cache is shared).
    settings.RECORDS_CACHE = True
    # Load Celery's configuration now, before any test's `settings` fixture can change it.
    from renda.celery import app

    assert app.conf.task_always_eager == settings.CELERY_TASK_ALWAYS_EAGER


def pytest_report_header(config):
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database engine: {engine}"


def pytest_terminal_summary(terminalreporter):
    from django.db import connection

    vendor = connection.vendor
    version = ""
    if vendor == "postgresql":
        try:
            version = f" {connection.pg_version // 10000}"
        except Exception:
            version = ""
    terminalreporter.write_line(
        f"Tests ran on {'PostgreSQL' if vendor == 'postgresql' else vendor}{version}."
    )


def require_service(available, reason):
    """Skip a test when a service is missing, except under CI=true where that is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    require_service(url, "redis-server not available")
    return url


@pytest.fixture(autouse=True)
def _empty_cache():
    """No test sees what an earlier one left in the (per-process) cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Plain static storage in tests: no collectstatic manifest needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def township(db):
    t = TownshipFactory(name="红旗镇", code="hongqi")
    TermFactory(township=t)
    return t


@pytest.fixture
def other_township(db):
    t = TownshipFactory(name="青山乡", code="qingshan")
    TermFactory(township=t)
    return t


@pytest.fixture
def term(township):
    return township.terms.get()


@pytest.fixture
def secretary(township):
    return UserFactory(username="sec", township=township, role="township_secretary")


@pytest.fixture
def chair(township):
    return UserFactory(username="chair", township=township, role="township_chair")


@pytest.fixture
def other_secretary(other_township):
    return UserFactory(username="sec2", township=other_township, role="township_secretary")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", township=None, role="county_reviewer")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin1", township=None, role="county_admin", is_staff=True)


def _client_for(client_class, user):
    c = client_class()
    c.force_login(user)
    return c


@pytest.fixture
def client_for():
    from django.test import Client

    return lambda user: _client_for(Client, user)
