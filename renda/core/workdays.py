"""The working-day calendar: Chinese public holidays and make-up workdays.

chinese-calendar knows the State Council's holiday arrangements for the years it ships; for
other years we fall back to plain weekends.
"""

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


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
