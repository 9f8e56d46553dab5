"""Celery tasks of the meetings app: thin, idempotent."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def decisions_mark_overdue():
    """Daily (beat): mark overdue decisions and remind the township's staff."""
    return services.decisions_mark_overdue()
