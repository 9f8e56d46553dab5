"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    rate_limit=settings.SMS_RATE_LIMIT,
)
def message_sms_send(self, message_id):
    """Send one SMS; a temporary failure retries with backoff, the last one is recorded."""
    try:
        return services.message_sms_deliver(message_id=message_id)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.message_sms_give_up(message_id=message_id, error=exc)
            return "failed"
        raise self.retry(exc=exc, countdown=5 * 2**self.request.retries) from exc


@shared_task
def deputies_notify_sweep():
    return services.deputies_notify_sweep()


@shared_task
def deputy_accounts_end_expired():
    return services.deputy_accounts_end_expired()
