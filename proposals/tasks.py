from celery import shared_task


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def proposals_remind_deadlines():
    """Daily (beat): reminders for proposals due within 7 days and overdue ones. Idempotent."""
    from .services import proposals_remind_deadlines as run

    return run()


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1700)
def proposal_figures_refresh_due():
    """Daily (beat), just after midnight: the stored figures that moved with the calendar (a
    deadline passed, the year ended) written again. Idempotent."""
    from .summaries import proposal_figures_refresh_due as run

    return run()
