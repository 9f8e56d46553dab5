"""The working-day calendar: Chinese public holidays and make-up workdays.

Where a year's arrangement comes from, in order:
1. the days the county admin entered in the app (`renda.core.workcalendar.CalendarDay`): a year
   with any entered day is read from them only (they override the package for the whole year);
2. the chinese-calendar package, for the years it ships;
3. otherwise plain weekends, and `year_has_data(year)` is False: pages showing a deadline or a
   notice rule in such a year say so (`missing_data_messages`) instead of guessing silently.

A year's entered days are cached in the process for a minute (`clear_cache` after a change).
"""

import datetime as dt
import time

import chinese_calendar
from django.utils.translation import gettext as _

CACHE_SECONDS = 60
_entered_cache: dict[int, tuple[float, dict[dt.date, bool] | None]] = {}


def clear_cache() -> None:
    _entered_cache.clear()


def _entered(year: int) -> dict[dt.date, bool] | None:
    """{day: is a working day} entered in the app for the year, or None when none is."""
    now = time.monotonic()
    hit = _entered_cache.get(year)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    from .workcalendar import CalendarDay

    rows = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
    data = {day: kind == CalendarDay.Kind.WORKDAY for day, kind in rows} or None
    _entered_cache[year] = (now, data)
    return data


def package_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def year_has_data(year: int) -> bool:
    """Is the year's holiday arrangement known (entered in the app, or in the package)?"""
    return _entered(year) is not None or package_covers(year)


def years_without_data(*days) -> list[int]:
    """The years of the given days (None ignored) whose holiday arrangement is unknown."""
    years = sorted({d.year for d in days if d is not None})
    if len(years) == 2 and years[1] - years[0] <= 3:
        years = list(range(years[0], years[1] + 1))
    return [y for y in years if not year_has_data(y)]


def missing_data_messages(*days) -> list[str]:
    """ "2027年：该年度节假日安排尚未录入，按周末计算。" for each year of the days without data."""
    return [
        _("%(year)s: the holiday arrangements of that year have not been entered; weekends only are counted.")
        % {"year": year}
        for year in years_without_data(*days)
    ]


def is_workday(day: dt.date) -> bool:
    entered = _entered(day.year)
    if entered is not None:
        return entered.get(day, day.weekday() < 5)
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def next_workday(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The date `count` working days after `day` (day itself not counted)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += dt.timedelta(days=step)
        if is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def workdays_before(notice: dt.date, event: dt.date) -> int:
    """How many working days ahead of `event` a notice published on `notice` went out: the
    working days from the notice day up to the day before the event. The same count whether the
    event falls on a working day or a rest day (a Saturday reception noticed on Wednesday is
    noticed 3 working days ahead: Wednesday, Thursday, Friday)."""
    return workdays_between(notice - dt.timedelta(days=1), event - dt.timedelta(days=1))
