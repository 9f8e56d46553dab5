"""A document job through a real Celery worker on the test run's redis-server."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from renda.core.models import DocumentJob


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_document_job_through_real_worker(redis_url, admin_user, township, settings, tmp_path):
    from renda.celery import app
    from renda.core import services

    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        CELERY_BROKER_URL=redis_url,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        if connection.vendor == "postgresql"
        else f"sqlite:///{db['NAME']}",
        MEDIA_ROOT=settings.MEDIA_ROOT,
    )
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "renda",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    old_broker = app.conf.broker_url
    app.conf.broker_url = redis_url
    _reset_pools(app)
    try:
        job = services.document_job_request(by=admin_user, kind="townships_xlsx")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.3)
    finally:
        app.conf.task_always_eager = True
        app.conf.broker_url = old_broker
        _reset_pools(app)
        worker.terminate()
        output = worker.communicate(timeout=20)[0].decode(errors="replace")

    assert job.status == DocumentJob.Status.DONE, output
    assert job.file_size > 0


def _reset_pools(app):
    """Forget connections made with another broker URL earlier in this process.

    kombu keeps global pools keyed by connection: reset them all, or a later eager task (which
    still acquires a producer) finds a closed pool."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
