"""The Celery app. Configuration comes from Django settings (CELERY_*)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")

app = Celery("renda")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "documents-requeue-stale": {
        "task": "renda.core.tasks.document_jobs_requeue_stale",
        "schedule": 300.0,
    },
    "documents-cleanup": {
        "task": "renda.core.tasks.document_files_cleanup",
        "schedule": crontab(hour=2, minute=30),
    },
    "deputies-import-previews-cleanup": {
        "task": "deputies.tasks.import_previews_cleanup",
        "schedule": crontab(minute=40),  # hourly: a preview is gone at most 25 hours after upload
    },
    "meetings-decisions-overdue": {
        "task": "meetings.tasks.decisions_mark_overdue",
        "schedule": crontab(hour=1, minute=0),
    },
    "proposals-deadline-reminders": {
        "task": "proposals.tasks.proposals_remind_deadlines",
        "schedule": crontab(hour=1, minute=15),
    },
    "proposals-figures-refresh": {
        "task": "proposals.tasks.proposal_figures_refresh_due",
        "schedule": crontab(hour=0, minute=5),
    },
    "portal-deputies-notify": {
        "task": "portal.tasks.deputies_notify_sweep",
        "schedule": 600.0,
    },
    "portal-deputy-accounts-end": {
        "task": "portal.tasks.deputy_accounts_end_expired",
        "schedule": crontab(hour=0, minute=30),
    },
}
