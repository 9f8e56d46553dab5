"""The meetings app's rules and texts that write nothing: read by services, views, selectors and
the demo alike (services and selectors may not import each other, so they live here)."""

import datetime as dt

from django.utils.translation import gettext as _

from renda.core.models import Township
from renda.core.workdays import missing_data_messages, workdays_before

RECEPTION_NOTICE_WORKDAYS = 3
RECEPTION_MIN_ON_DUTY = 2


def proposal_progress_text(*, township: Township, on: dt.date) -> str:
    """The text of a 议案建议办理情况通报 given on `on`: the proposal figures as of that day, from
    the proposals app through the `proposal_progress` hook (meetings does not import it)."""
    from renda.core import hooks

    figures = hooks.first("proposal_progress", default=None, township=township, on=on)
    if figures is None:
        return ""
    text = _(
        "As of %(date)s, %(received)s motions and suggestions of deputies were received this year; "
        "%(assigned)s were assigned to handling units, %(replied)s replied to and %(closed)s closed; "
        "%(overdue)s are past their deadline and not yet handled."
    ) % {
        "date": _("%(year)s-%(month)s-%(day)s (date)") % {"year": on.year, "month": on.month, "day": on.day},
        **figures,
    }
    if figures["carried_over"]:
        text += _(" The figures include %(n)s carried over from earlier years.") % {
            "n": figures["carried_over"]
        }
    return text


def reception_warnings(*, start_date: dt.date, notice_date: dt.date | None, on_duty_count: int) -> list[str]:
    """The reception rules: public notice ≥ 3 working days ahead, ≥ 2 deputies on duty.
    Returns translated warnings (empty when the rules are kept)."""
    warnings = []
    if notice_date is None:
        warnings.append(
            _("No public notice date recorded: the notice must go out at least 3 working days ahead.")
        )
    else:
        # Only whether the notice came early enough matters: count at most a month back, so a
        # notice date decades early (0001-01-01) costs nothing.
        # (counted the same whether the reception is on a working day or a rest day)
        days = workdays_before(max(notice_date, start_date - dt.timedelta(days=31)), start_date)
        if days < RECEPTION_NOTICE_WORKDAYS:
            warnings.append(
                _(
                    "The notice was published only %(days)s working day(s) before the reception; "
                    "at least %(min)s are required."
                )
                % {"days": days, "min": RECEPTION_NOTICE_WORKDAYS}
            )
    # a year whose holidays are unknown: the count above took weekends only, and says so
    warnings.extend(
        missing_data_messages(
            start_date, max(notice_date, start_date - dt.timedelta(days=31)) if notice_date else None
        )
    )
    if on_duty_count < RECEPTION_MIN_ON_DUTY:
        warnings.append(
            _("Only %(n)s deputy(ies) on duty; at least %(min)s are required.")
            % {"n": on_duty_count, "min": RECEPTION_MIN_ON_DUTY}
        )
    return warnings
