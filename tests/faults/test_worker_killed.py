"""The Celery worker dies while building a document: the job is retried and completes,
and no job stays "running" forever (the beat sweep requeues it)."""

import datetime as dt
import os
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from renda.core.models import DocumentJob
from renda.core.services import document_job_request, document_jobs_requeue_stale
from tests.factories import TermFactory, TownshipFactory, UserFactory
from tests.faults import slow_jobs  # noqa: F401 - registers the "fault_slow" kind here too
from tests.faults.conftest import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def _secretary():
    township = TownshipFactory(name="红旗镇", code="hongqi")
    TermFactory(township=township)
    return UserFactory(username="sec-fault", township=township, role="township_secretary")


def _status(job):
    job.refresh_from_db()
    return job.status


def _request_slow(user, tmp_path, **params):
    marker = tmp_path / "started"
    job = document_job_request(by=user, kind="fault_slow", params={"marker": str(marker), **params})
    return job, marker


def test_pool_process_killed_mid_build_is_redelivered_and_completes(start_worker, broker, tmp_path):
    # given a worker building a document that holds its first attempt
    user = _secretary()
    start_worker("w1")
    job, marker = _request_slow(user, tmp_path)
    wait_for(marker.exists, 30, what="the build to start")
    assert _status(job) == DocumentJob.Status.RUNNING

    # when the process building it dies (as under the OOM killer)
    child_pid = int(marker.read_text().split()[0])
    os.kill(child_pid, signal.SIGKILL)

    # then the message is redelivered, a second attempt builds the file
    wait_for(lambda: _status(job) == DocumentJob.Status.DONE, 60, what="the retried job to finish")
    assert job.attempts == 2
    assert job.progress == 100
    assert job.file.read() == b"built on attempt 2"


def test_whole_worker_killed_job_is_requeued_by_the_sweep_and_completes(start_worker, broker, tmp_path):
    # given a worker building a document
    user = _secretary()
    worker = start_worker("w1")
    job, marker = _request_slow(user, tmp_path)
    wait_for(marker.exists, 30, what="the build to start")

    # when the whole worker is killed (machine reboot, kill -9): nobody will finish or fail the job
    worker.kill_group(signal.SIGKILL)
    assert _status(job) == DocumentJob.Status.RUNNING

    # the sweep leaves a job that is still making progress alone
    assert document_jobs_requeue_stale() == []
    assert _status(job) == DocumentJob.Status.RUNNING

    # and a worker comes back; the beat sweep finds the job stale and requeues it
    start_worker("w2")
    later = timezone.now() + dt.timedelta(seconds=settings.DOCUMENT_STALE_AFTER_SECONDS + 1)
    assert document_jobs_requeue_stale(now=later) == [job.pk]

    # then it is built on the second attempt and nothing is left running
    wait_for(lambda: _status(job) == DocumentJob.Status.DONE, 60, what="the requeued job to finish")
    assert job.attempts == 2
    assert job.file.read() == b"built on attempt 2"
    assert not DocumentJob.objects.filter(status=DocumentJob.Status.RUNNING).exists()


def test_real_document_through_a_real_worker(start_worker, broker, client_for):
    # given a worker and the county admin asking for the townships workbook from the page
    TownshipFactory(name="红旗镇", code="hongqi")
    admin = UserFactory(username="admin-fault", township=None, role="county_admin", is_staff=True)
    start_worker("w1")
    client = client_for(admin)

    # when the admin asks for it
    response = client.post("/documents/townships/", follow=True)

    # then it is queued, built by the worker, and downloadable
    assert response.status_code == 200
    job = DocumentJob.objects.get(kind="townships_xlsx")
    wait_for(lambda: _status(job) == DocumentJob.Status.DONE, 60, what="the worker to build it")
    download = client.get(f"/documents/{job.pk}/download/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body[:2] == b"PK"  # an xlsx (zip) file
    assert Path(job.file.path).is_file()
