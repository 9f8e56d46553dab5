import datetime as dt

import pytest
from django.utils import timezone

from renda.core import jobs, services
from renda.core.exceptions import ApplicationError
from renda.core.models import DocumentJob


@pytest.fixture
def failing_kind():
    calls = {"n": 0}

    @jobs.job_handler("test_failing", "failing")
    def handler(job, progress):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ApplicationError("第一次失败")
        return "ok.txt", b"ok"

    yield calls
    jobs.job_handler_remove("test_failing")


@pytest.mark.django_db(transaction=True)
def test_failed_job_records_error_and_can_be_retried(secretary, failing_kind):
    job = services.document_job_request(by=secretary, kind="test_failing")
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.FAILED
    assert job.error == "第一次失败"

    services.document_job_retry(job=job, by=secretary)

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.DONE
    assert job.file.read() == b"ok"
    assert job.attempts == 2


@pytest.mark.django_db
def test_done_job_is_not_rebuilt(secretary):
    job = DocumentJob.objects.create(
        kind="townships_xlsx",
        title="t",
        requested_by=secretary,
        township=secretary.township,
        status=DocumentJob.Status.DONE,
    )

    services.document_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.attempts == 0


@pytest.mark.django_db
def test_stale_running_job_is_requeued(secretary, settings, monkeypatch):
    dispatched = []
    monkeypatch.setattr(services, "_dispatch", lambda pk: dispatched.append(pk))
    job = DocumentJob.objects.create(
        kind="townships_xlsx",
        title="t",
        requested_by=secretary,
        township=secretary.township,
        status=DocumentJob.Status.RUNNING,
    )
    old = timezone.now() - dt.timedelta(seconds=settings.DOCUMENT_STALE_AFTER_SECONDS + 5)
    DocumentJob.objects.filter(pk=job.pk).update(updated_at=old)

    services.document_jobs_requeue_stale()

    job.refresh_from_db()
    assert job.status == DocumentJob.Status.QUEUED
    assert dispatched == [job.pk]


@pytest.mark.django_db
def test_old_files_are_cleaned_up_but_record_stays(secretary, settings):
    from django.core.files.base import ContentFile

    job = DocumentJob.objects.create(
        kind="townships_xlsx",
        title="t",
        requested_by=secretary,
        township=secretary.township,
        status=DocumentJob.Status.DONE,
        finished_at=timezone.now() - dt.timedelta(days=settings.DOCUMENT_RETENTION_DAYS + 1),
    )
    job.file.save("old.xlsx", ContentFile(b"x"))

    assert services.document_files_cleanup() == 1

    job.refresh_from_db()
    assert job.file_deleted_at is not None and not job.file


@pytest.mark.django_db
def test_township_user_cannot_request_other_township_document(secretary, other_township):
    with pytest.raises(ApplicationError):
        services.document_job_request(by=secretary, kind="townships_xlsx", township=other_township)


@pytest.fixture
def bracketed_kind():
    @jobs.job_handler("test_bracketed", "bracketed")
    def handler(job, progress):
        return "红旗镇_2026年度_交办单（闭会期间）2026-001 (第2轮).docx", b"doc"

    yield
    jobs.job_handler_remove("test_bracketed")


@pytest.mark.django_db(transaction=True)
def test_download_keeps_the_documents_own_name(secretary, client_for, bracketed_kind):
    """Storage names drop brackets and spaces; the download and 我的文件 keep the name as built."""
    from urllib.parse import unquote

    from django.urls import reverse

    job = services.document_job_request(by=secretary, kind="test_bracketed")
    job.refresh_from_db()
    assert job.filename == "红旗镇_2026年度_交办单（闭会期间）2026-001 (第2轮).docx"

    response = client_for(secretary).get(reverse("document_download", args=[job.pk]))

    assert response.status_code == 200
    assert "交办单（闭会期间）2026-001 (第2轮).docx" in unquote(response["Content-Disposition"])
