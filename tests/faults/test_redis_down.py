"""Redis is down when a user asks for a document: the request is saved, the user is told it is
queued, and it is built once Redis is back (the beat sweep dispatches it again)."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from renda.core.models import DocumentJob
from renda.core.services import document_jobs_requeue_stale
from tests.factories import TownshipFactory, UserFactory
from tests.faults.conftest import free_port, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def test_document_requested_while_redis_is_down_is_queued_then_built(
    app_with_broker, start_worker, redis_url, client_for
):
    TownshipFactory(name="红旗镇", code="hongqi")
    admin = UserFactory(username="admin-fault", township=None, role="county_admin", is_staff=True)
    client = client_for(admin)
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there

    # when the admin asks for a document while the broker is unreachable
    with app_with_broker(dead_broker):
        started = time.monotonic()
        response = client.post("/documents/townships/", follow=True)
        elapsed = time.monotonic() - started
        print(f"request with the broker down answered in {elapsed:.2f}s")

    # then the page answers promptly, the request is saved as queued and the user is told so
    assert response.status_code == 200
    assert elapsed < 5, f"the request hung for {elapsed:.1f}s on the dead broker"
    job = DocumentJob.objects.get(kind="townships_xlsx")
    assert job.status == DocumentJob.Status.QUEUED
    messages = [str(m) for m in response.context["messages"]]
    assert any(job.title in m and "已排队" in m for m in messages), messages

    # when Redis is back and the beat sweep runs
    with app_with_broker(redis_url):
        start_worker("w1")
        later = timezone.now() + dt.timedelta(minutes=3)
        assert document_jobs_requeue_stale(now=later) == [job.pk]

        # then the document is built
        wait_for(
            lambda: DocumentJob.objects.get(pk=job.pk).status == DocumentJob.Status.DONE,
            60,
            what="the job to be built",
        )
    assert client.get(f"/documents/{job.pk}/download/").status_code == 200


def test_sweep_while_redis_still_down_keeps_the_job_queued(transactional_db, app_with_broker, client_for):
    TownshipFactory(name="红旗镇", code="hongqi")
    admin = UserFactory(username="admin-fault", township=None, role="county_admin", is_staff=True)
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"
    with app_with_broker(dead_broker):
        client_for(admin).post("/documents/townships/")
        job = DocumentJob.objects.get()
        # the sweep tries again, fails to dispatch, and the job waits for the next sweep
        later = timezone.now() + dt.timedelta(minutes=3)
        assert document_jobs_requeue_stale(now=later) == [job.pk]
    job.refresh_from_db()
    assert job.status == DocumentJob.Status.QUEUED
