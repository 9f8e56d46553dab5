import json

import pytest
from django.urls import reverse

from renda.core.models import DocumentJob


@pytest.mark.django_db
def test_every_page_needs_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_login_page_is_chinese_and_has_csp(client):
    response = client.get(reverse("login"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "登录" in body
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_home_shows_township_term_and_role(client_for, secretary, term):
    response = client_for(secretary).get(reverse("home"))

    body = response.content.decode()
    assert "红旗镇" in body
    assert "第18届" in body
    assert "乡镇人大秘书" in body


@pytest.mark.django_db
def test_county_reviewer_home_lists_townships_and_selector(client_for, reviewer, township, other_township):
    response = client_for(reviewer).get(reverse("home"))

    body = response.content.decode()
    assert "红旗镇" in body and "青山乡" in body
    assert 'name="township"' in body


@pytest.mark.django_db
def test_township_selector_refuses_township_users(client_for, secretary, other_township):
    response = client_for(secretary).post(reverse("township_select"), {"township": other_township.pk})

    assert response.status_code == 403


@pytest.mark.django_db
def test_login_lockout_after_repeated_failures(client, secretary, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "sec", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "sec", "password": "Test-pass-2026"})

    assert response.status_code == 429
    assert "锁定" in response.content.decode()


@pytest.mark.django_db
def test_correct_login_before_the_limit_works(client, secretary):
    client.post(reverse("login"), {"username": "sec", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "sec", "password": "Test-pass-2026"})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_healthz_ok_with_eager_tasks(client):
    response = client.get("/healthz")

    data = json.loads(response.content)
    assert response.status_code == 200
    assert data["database"] == "ok"
    assert data["broker"].startswith("eager")


@pytest.mark.django_db
def test_healthz_503_when_broker_unreachable(client):
    from renda.celery import app

    old = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    try:
        response = client.get("/healthz")
    finally:
        app.conf.update(old)

    assert response.status_code == 503
    assert json.loads(response.content)["broker"].startswith("error")


@pytest.mark.django_db
def test_healthz_503_when_database_fails(client, monkeypatch):
    from renda.core import views

    class Broken:
        def cursor(self):
            raise views.connection.__class__.__mro__[0] and RuntimeError("down")

    monkeypatch.setattr(views, "connection", Broken())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["database"].startswith("error")


@pytest.mark.django_db
def test_friendly_404_in_chinese(client_for, secretary):
    response = client_for(secretary).get("/no-such-page/")

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


@pytest.mark.django_db
def test_admin_only_for_admins(client_for, secretary, reviewer, admin_user):
    assert client_for(secretary).get("/admin/").status_code == 302
    assert client_for(reviewer).get("/admin/").status_code == 302
    assert client_for(admin_user).get("/admin/").status_code == 200


@pytest.mark.django_db
def test_password_change_page(client_for, secretary):
    response = client_for(secretary).get(reverse("password_change"))

    assert response.status_code == 200
    assert "修改密码" in response.content.decode()


@pytest.mark.django_db
def test_admin_exports_townships_through_eager_job(
    client_for, admin_user, township, other_township, django_capture_on_commit_callbacks
):
    from io import BytesIO

    import openpyxl

    client = client_for(admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("township_export"), follow=True)

    job = DocumentJob.objects.get()
    assert response.status_code == 200
    assert job.status == DocumentJob.Status.DONE and job.progress == 100
    download = client.get(reverse("document_download", args=[job.pk]))
    wb = openpyxl.load_workbook(BytesIO(b"".join(download.streaming_content)))
    names = [row[1] for row in wb.active.iter_rows(min_row=3, values_only=True)]
    assert names == ["红旗镇", "青山乡"]


@pytest.mark.django_db
def test_document_download_refused_to_other_township(client_for, secretary, other_secretary):
    from django.core.files.base import ContentFile

    job = DocumentJob.objects.create(
        kind="townships_xlsx",
        title="x",
        township=secretary.township,
        requested_by=secretary,
        status=DocumentJob.Status.DONE,
    )
    job.file.save("x.xlsx", ContentFile(b"data"))

    assert client_for(secretary).get(reverse("document_download", args=[job.pk])).status_code == 200
    assert client_for(other_secretary).get(reverse("document_download", args=[job.pk])).status_code == 404
    assert client_for(other_secretary).get(reverse("document_status", args=[job.pk])).status_code == 404


@pytest.mark.django_db
def test_township_export_forbidden_for_reviewer(client_for, reviewer):
    assert client_for(reviewer).post(reverse("township_export")).status_code == 403


@pytest.mark.django_db
def test_chinese_even_for_an_english_browser_until_the_user_switches(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "登录" in response.content.decode()

    client.cookies["django_language"] = "en"
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert "Log in" in response.content.decode()


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """JIT compilation cost seconds on the county figures' aggregates (settings.py): off."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
