"""Thin Celery tasks of the deputies app."""

from celery import shared_task

from . import importing


@shared_task
def import_previews_cleanup():
    """Daily: delete roster import previews nobody confirmed or cancelled within a day."""
    return importing.import_previews_cleanup()
