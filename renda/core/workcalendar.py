"""The working-day calendar kept in the app: a year's holidays and make-up working days (调休)
as the State Council announces them, entered by the county admin. A year entered here overrides
the chinese-calendar package for that whole year; `renda.core.workdays` reads both.

Entering: a pasted table (one day a line: date, 放假/上班, name) or an uploaded two-column
workbook (日期, 类型, 名称); `calendar_year_replace` swaps a year's days in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from .exceptions import ApplicationError
from .models import TimeStampedModel


class CalendarDay(TimeStampedModel):
    """One day of a year's arrangement that differs from the plain week: a holiday (rest day)
    or a make-up working day on a weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", gettext_lazy("holiday (rest day)")
        WORKDAY = "workday", gettext_lazy("make-up working day")

    date = models.DateField(gettext_lazy("date"), unique=True)
    kind = models.CharField(gettext_lazy("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(gettext_lazy("name"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        app_label = "core"
        verbose_name = gettext_lazy("calendar day")
        verbose_name_plural = gettext_lazy("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["holiday", "workday"]), name="calendar_day_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


# --- reading a table ---------------------------------------------------------------------

KIND_WORDS = {
    "放假": CalendarDay.Kind.HOLIDAY,
    "休": CalendarDay.Kind.HOLIDAY,
    "休息": CalendarDay.Kind.HOLIDAY,
    "假": CalendarDay.Kind.HOLIDAY,
    "holiday": CalendarDay.Kind.HOLIDAY,
    "上班": CalendarDay.Kind.WORKDAY,
    "班": CalendarDay.Kind.WORKDAY,
    "调休上班": CalendarDay.Kind.WORKDAY,
    "workday": CalendarDay.Kind.WORKDAY,
}
HEADER_WORDS = {"日期", "date"}
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(str(value or "").strip())
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def rows_read(rows, *, year) -> list[tuple[dt.date, str, str]]:
    """(date, kind, name) from table rows (each a sequence: date, 放假/上班, name). A header row
    and blank rows are skipped. Raises ApplicationError naming the first bad line."""
    out: dict[dt.date, tuple[dt.date, str, str]] = {}
    for number, row in enumerate(rows, start=1):
        cells = [c for c in row] + [None, None, None]
        first = cells[0]
        if all(c in (None, "") or str(c).strip() == "" for c in cells[:3]):
            continue
        if str(first or "").strip().lower() in HEADER_WORDS:
            continue
        day = _date(first)
        if day is None:
            raise ApplicationError(
                _("Line %(n)s: “%(value)s” is not a date (write 2027-01-01).") % {"n": number, "value": first}
            )
        if day.year != year:
            raise ApplicationError(
                _("Line %(n)s: %(date)s is not in %(year)s.") % {"n": number, "date": day, "year": year}
            )
        kind = KIND_WORDS.get(str(cells[1] or "").strip().lower())
        if kind is None:
            raise ApplicationError(
                _("Line %(n)s: the kind must be 放假 or 上班, not “%(value)s”.")
                % {"n": number, "value": cells[1] or ""}
            )
        if kind == CalendarDay.Kind.WORKDAY and day.weekday() < 5:
            raise ApplicationError(
                _("Line %(n)s: %(date)s is a weekday; a make-up working day falls on a weekend.")
                % {"n": number, "date": day}
            )
        if day in out:
            raise ApplicationError(_("Line %(n)s: %(date)s is listed twice.") % {"n": number, "date": day})
        out[day] = (day, kind, str(cells[2] or "").strip()[:50])
    if not out:
        raise ApplicationError(_("No day found: enter one day a line (date, 放假 or 上班, name)."))
    return sorted(out.values())


def text_rows(text):
    """Rows of a pasted table: cells split by tabs, commas or spaces."""
    return [re.split(r"[\t,，\s]+", line.strip(), maxsplit=2) for line in (text or "").splitlines()]


def workbook_rows(upload):
    """Rows of the first sheet of an uploaded .xlsx."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the user's mistake, shown as a message
        raise ApplicationError(_("This file could not be read as an Excel workbook (.xlsx).")) from None
    return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]


# --- writing -----------------------------------------------------------------------------


def calendar_year_replace(*, year, rows, by) -> int:
    """Replace the entered days of `year` by `rows` (from `rows_read`); the county admin only."""
    from .access import access_for
    from .history import history_actor
    from .workdays import clear_cache

    if not access_for(by).can_admin_county:
        raise ApplicationError(_("Only the county administrator maintains the holiday calendar."))
    with transaction.atomic():
        for old in CalendarDay.objects.select_for_update().filter(date__year=year):
            history_actor(old, by)
            old.delete()
        for day, kind, name in rows:
            obj = CalendarDay(date=day, kind=kind, name=name)
            history_actor(obj, by)
            obj.save()
        transaction.on_commit(clear_cache)
    clear_cache()
    return len(rows)
