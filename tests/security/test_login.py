"""Login behind the reverse proxy: the real client address, a lockout nobody can use against
someone else from elsewhere, and a throttle on guesses spread over many accounts."""

import pytest
from django.test import Client, RequestFactory, override_settings

from renda.core.security import client_ip
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Renda@2026demo"


def _request(remote="10.0.0.2", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_client_ip_is_the_address_our_proxy_saw():
    # nginx appends the address it saw; whatever the client wrote itself is further left
    assert client_ip(_request(forwarded="203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request(forwarded="1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(_request(forwarded="")) == "10.0.0.2"
    assert client_ip(_request(forwarded="not-an-address")) == "10.0.0.2"


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_proxy_the_header_is_ignored():
    assert client_ip(_request(forwarded="203.0.113.7")) == "10.0.0.2"


def _login(client, username, password, ip):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.2",  # the proxy
        HTTP_X_FORWARDED_FOR=ip,
    )


@override_settings(TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=3, AXES_IP_FAILURE_LIMIT=8)
def test_lockout_from_one_address_does_not_lock_the_owner_out_elsewhere(township):
    victim = UserFactory(username="victim", township=township, role="township_secretary")
    victim.set_password(PASSWORD)
    victim.save()
    attacker = Client()
    for _ in range(4):
        _login(attacker, "victim", "wrong-password", "198.51.100.9")
    # the attacker's address is locked for this account, even with the right password
    assert _login(attacker, "victim", PASSWORD, "198.51.100.9").status_code in (403, 429)
    # the owner, from the township office, still gets in
    response = _login(Client(), "victim", PASSWORD, "203.0.113.50")
    assert response.status_code == 302 and response["Location"] == "/"


@override_settings(TRUSTED_PROXY_COUNT=1, AXES_FAILURE_LIMIT=3, AXES_IP_FAILURE_LIMIT=8)
def test_guesses_over_many_accounts_from_one_address_are_throttled(township):
    user = UserFactory(username="u0", township=township, role="township_secretary")
    user.set_password(PASSWORD)
    user.save()
    spray = Client()
    for n in range(8):  # two guesses each on four accounts: no account reaches its own limit
        _login(spray, f"u{n % 4}", "wrong-password", "198.51.100.77")
    response = _login(spray, "u0", PASSWORD, "198.51.100.77")
    assert response.status_code == 429
    # another address is not affected
    assert _login(Client(), "u0", PASSWORD, "203.0.113.51").status_code == 302


def test_pages_with_personal_data_are_not_stored(township, secretary, client_for):
    from tests.factories import DeputyFactory

    d = DeputyFactory(township=township)
    client = client_for(secretary)
    for url in ("/", "/deputies/", f"/deputies/{d.pk}/", "/documents/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_sqlite_waits_for_a_writer_instead_of_failing():
    """make run's SQLite settings: WAL, a busy timeout, immediate transactions."""
    import importlib
    import os
    from unittest import mock

    import renda.settings as s

    with mock.patch.dict(os.environ, {"DATABASE_URL": "sqlite:////tmp/renda-settings-check.sqlite3"}):
        fresh = importlib.reload(s)
        options = fresh.DATABASES["default"]["OPTIONS"]
    importlib.reload(s)
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"] and "busy_timeout" in options["init_command"]
