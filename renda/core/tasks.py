"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=3,
)
def document_job_build(self, job_id):
    services.document_job_run(job_id=job_id)


@shared_task
def document_jobs_requeue_stale():
    return len(services.document_jobs_requeue_stale())


@shared_task
def document_files_cleanup():
    return services.document_files_cleanup()
