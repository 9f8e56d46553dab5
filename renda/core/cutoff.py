"""The cutoff a figure is counted to, said in words: a past year's figures are fixed as of its
31 December; the current year's are as of today (and say so)."""

import datetime as dt

from django.utils.translation import gettext as _


def cutoff_sentence(cutoff: dt.date, *, past: bool) -> str:
    """ "截至2025年12月31日" for a closed year, "截至今日（2026年11月26日）" for the current one."""
    day = _("%(year)s-%(month)s-%(day)s (date)") % {
        "year": cutoff.year,
        "month": cutoff.month,
        "day": cutoff.day,
    }
    if past:
        return _("Figures as of %(date)s") % {"date": day}
    return _("Figures as of today, %(date)s") % {"date": day}
