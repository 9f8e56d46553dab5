"""Deployment hardening: check --deploy, passwords, sessions, secrets, uploads checked by content."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "k7#Qz!v2Lr9@xW4$mT8^pN1&cB6*hJ3(dF5)gS0-yU+eA_iO=wZ",
        "ALLOWED_HOSTS": "renda.example.gov.cn",
        "DATABASE_URL": "sqlite:////tmp/renda-check-deploy.sqlite3",
    }
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser journeys; production never has it.
    for var in (
        "SECURE_SSL_REDIRECT",
        "SECURE_COOKIES",
        "SECURE_HSTS_SECONDS",
        "SILENCED_SYSTEM_CHECKS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(var, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("weak", ["123456", "password", "12345678", "abc", "qwertyuiop"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_a_reasonable_password_is_accepted():
    validate_password("Hq-renda-2026!secure")


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


@pytest.mark.django_db
def test_an_expired_session_is_sent_to_the_login_page(client, secretary):
    client.force_login(secretary)
    assert client.get("/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))

    response = client.get("/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


SECRET_PATTERNS = [
    re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH )?PRIVATE KEY-----"),
    re.compile(r"AKIA[0-9A-Z]{16}"),  # cloud access keys
    re.compile(r"""(?i)\b(?:secret_key|password|passwd|api_key|token)\s*=\s*["'][^"'\s]{8,}["']"""),
    re.compile(r"postgres(?:ql)?://[^:/\s]+:[^@/\s]{3,}@"),  # a database URL with a password
]
# Test-only and documented demo values are allowed, each named here.
ALLOWED = [
    "Renda@2026demo",
    "insecure-development-key-only-for-debug",
    "test-only-not-secret",
    "bench-only-not-secret",
    "Test-pass-2026",
    "change-me",
    "${",  # docker-compose takes the password from the environment
    "user:pass@",
    "renda:renda-password@",
]  # placeholders in README.md and .env.example


def test_no_secret_or_password_in_the_repository():
    files = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert ".env" not in files, ".env must not be committed"
    found = []
    for name in files:
        path = ROOT / name
        if name.startswith(("static/vendor/", "tests/")) or path.suffix in {
            ".png",
            ".jpg",
            ".mo",
            ".xlsx",
            ".docx",
            ".pdf",
            ".ico",
            ".woff2",
            ".ttf",
        }:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        for pattern in SECRET_PATTERNS:
            for m in pattern.finditer(text):
                if not any(a in m.group(0) for a in ALLOWED):
                    found.append(f"{name}: {m.group(0)[:80]}")
    assert not found, "possible secrets:\n" + "\n".join(found)


@pytest.mark.django_db
def test_roster_upload_is_checked_by_content_not_name(client_for, secretary, term):
    from deputies.models import Deputy

    fake = SimpleUploadedFile(
        "花名册.xlsx",
        b"<html><script>alert(1)</script></html>",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

    from tests.deputies.factories import import_upload

    response = import_upload(client_for(secretary), fake)

    assert response.status_code == 200
    assert 'id="import-file-error"' in response.content.decode()
    assert not Deputy.objects.exists()


@pytest.mark.django_db
def test_activity_attachment_is_checked_by_content_not_name(secretary, township, term):
    from meetings import services
    from renda.core.exceptions import ApplicationError

    activity_model = pytest.importorskip("meetings.models").Activity
    activity = activity_model.objects.create(
        township=township,
        kind=activity_model.Kind.values[0],
        topic="视察农村公路",
        start_date=dt.date(2026, 5, 6),
    )
    upload = SimpleUploadedFile("签到表.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ApplicationError):
        services.activity_attachment_add(activity=activity, upload=upload, by=secretary)


@pytest.mark.django_db
def test_proposal_attachment_is_checked_by_content_not_name(secretary, township, term):
    from proposals import services
    from proposals.models import Proposal
    from renda.core.exceptions import ApplicationError
    from tests.factories import DeputyFactory

    fake = SimpleUploadedFile(
        "答复函.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
    )
    with pytest.raises(ApplicationError):
        services.proposal_submit(
            township=township,
            by=secretary,
            kind=Proposal.Kind.SUGGESTION,
            title="测试",
            content="测试内容",
            lead_deputy=DeputyFactory(township=township),
            attachments=[fake],
        )
