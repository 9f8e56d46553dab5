"""Quotas the county standing committee watches, and their traffic lights.

Pure functions on plain numbers (no ORM), so the boundaries are easy to test.

The rules come from the domain file:
- a people's congress session at least once a year ("一年至少召开一次");
- a presidium meeting at least once a quarter ("季会制"; a 街道 has no presidium);
- a report on the handling of motions and suggestions to the presidium every quarter (an agenda
  item 议案建议办理情况通报 at one of the quarter's presidium meetings);
- every deputy group active at least once a quarter;
- a voter reception every month (township deputies receive voters monthly);
- training at least once a year;
- no proposal past its deadline;
- 两联一述: each presidium member contacts deputies at least 12 times a year and at least once a
  month; each township deputy visits voters at least twice a year and reaches at least 20 voters
  (10 households);
- the reception rota of higher-level deputies at the township's liaison stations (seed 003):
  each provincial deputy receives voters once a year, each city deputy once every half year,
  each county deputy once every quarter.

A period is judged only once it has begun: a period that is over and missed its quota is red,
the period still running that has not met it yet is yellow (still time), everything met is
green, and a quota that does not apply (no groups, no presidium, a year not begun) is grey.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

# The shipped quotas; an installation may override any of them with RENDA_QUOTAS in settings.
DEFAULT_QUOTAS = {
    "sessions_per_year": 1,
    "presidium_per_quarter": 1,
    "progress_reports_per_quarter": 1,
    "group_activities_per_quarter": 1,
    "receptions_per_month": 1,
    "trainings_per_year": 1,
    "member_contacts_per_year": 12,
    "member_contacts_per_month": 1,
    "voter_visits_per_year": 2,
    "voters_per_year": 20,
    "households_per_year": 10,
    "rota_provincial_per_year": 1,
    "rota_city_per_half_year": 1,
    "rota_county_per_quarter": 1,
}
QUOTAS = {**DEFAULT_QUOTAS, **getattr(settings, "RENDA_QUOTAS", {})}

GREEN = "green"
YELLOW = "yellow"
RED = "red"
GREY = "grey"

LIGHT_LABELS = {
    GREEN: _("quota met"),
    YELLOW: _("not met yet, period still running"),
    RED: _("quota missed"),
    GREY: _("not applicable"),
}


@dataclass(frozen=True)
class Light:
    colour: str
    note: str = ""

    @property
    def label(self):
        return LIGHT_LABELS[self.colour]

    @property
    def css(self):
        return f"light-{self.colour}"

    def __str__(self):
        # templates call str() before escaping: the safe markup must come from __str__ too
        return self.__html__()

    def __html__(self):
        """`{{ light }}` in a template renders the dot: a city dashboard shows 1,200 of them, and an
        include per dot cost a fifth of the page."""
        title = f"{self.label}（{self.note}）" if self.note else str(self.label)
        return format_html(
            '<span class="light {}" title="{}" role="img" aria-label="{}"></span>',
            self.css,
            title,
            self.label,
        )


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def period_states(*, year: int, today: dt.date, periods: int) -> tuple[str, ...]:
    """For each period of the year (4 quarters or 12 months): 'past', 'current' or 'future'."""
    return _period_states(year, today, periods)


@functools.lru_cache(maxsize=64)
def _period_states(year: int, today: dt.date, periods: int) -> tuple[str, ...]:
    """period_states, worked out once per day: a city dashboard asks it for 13,000 lights."""
    per = 12 // periods
    states = []
    for i in range(periods):
        start = dt.date(year, i * per + 1, 1)
        end_month = (i + 1) * per
        end = dt.date(year + (end_month // 12), end_month % 12 + 1, 1) - dt.timedelta(days=1)
        if today > end:
            states.append("past")
        elif today >= start:
            states.append("current")
        else:
            states.append("future")
    return tuple(states)


def light_per_period(*, counts, required, year, today):
    """Traffic light for a quota of `required` per period; `counts` has one number per period.

    `required` may be 0 (nothing expected: grey)."""
    if not required:
        return Light(GREY)
    states = period_states(year=year, today=today, periods=len(counts))
    missed = [i + 1 for i, (n, s) in enumerate(zip(counts, states)) if s == "past" and n < required]
    if missed:
        return Light(RED, ", ".join(str(i) for i in missed))
    pending = [i + 1 for i, (n, s) in enumerate(zip(counts, states)) if s == "current" and n < required]
    if pending:
        return Light(YELLOW, ", ".join(str(i) for i in pending))
    if all(s == "future" for s in states):
        return Light(GREY)
    return Light(GREEN)


def light_per_year(*, count, required, year, today):
    """A yearly quota (session held, trainings): red only once the year is over."""
    if not required:
        return Light(GREY)
    if count >= required:
        return Light(GREEN)
    if today.year > year:
        return Light(RED)
    if today.year < year:
        return Light(GREY)
    return Light(YELLOW)


def light_groups_per_quarter(*, groups_active, group_count, year, today):
    """Every group at least once a quarter: `groups_active` = groups with ≥1 activity per quarter."""
    if not group_count:
        return Light(GREY)
    # The quota is met in a quarter when every group was active: compare with group_count.
    return light_per_period(
        counts=[1 if n >= group_count else 0 for n in groups_active], required=1, year=year, today=today
    )


def light_yearly_target(*, met, year, today):
    """A target judged on the year's total (a deputy's voter contacts): green once met, red if
    the year ended without it, yellow while the year runs, grey before it begins."""
    if met:
        return Light(GREEN)
    if today.year > year:
        return Light(RED)
    if today.year == year:
        return Light(YELLOW)
    return Light(GREY)


_WORST = [RED, YELLOW, GREEN]


def light_worst(lights, *, note=""):
    """One light for many people (every presidium member, every deputy): the worst of theirs;
    grey when there is no one to judge or no light applies yet."""
    colours = {light.colour for light in lights}
    for colour in _WORST:
        if colour in colours:
            return Light(colour, note if colour != GREEN else "")
    return Light(GREY)


def light_plan(*, planned, due, missed, due_now):
    """A yearly plan against what was held: red once a planned activity's month has passed
    without it, yellow while one is due this month, green when everything due so far was held,
    grey with no plan or no planned month begun yet. `due`: planned activities whose month has
    begun; `missed`: of those whose month is over, the ones not held; `due_now`: of this month's,
    the ones not held yet."""
    if not planned or not due:
        return Light(GREY)
    if missed:
        return Light(RED, str(missed))
    if due_now:
        return Light(YELLOW, str(due_now))
    return Light(GREEN)


def light_training(*, new, trained, late, untrained, pending):
    """New deputies trained before their first session: red once a first session was held
    without a new deputy trained before it (`late`, or `untrained` beyond the `pending` ones
    whose first session is still ahead), yellow while some are pending, green when every one was
    trained in time, grey with no new deputy."""
    if not new:
        return Light(GREY)
    missed = late + untrained - pending
    if missed:
        return Light(RED, str(missed))
    if pending:
        return Light(YELLOW, str(pending))
    return Light(GREEN)


# The rota of higher-level deputies: mandate level -> (periods in a year, the quota key).
ROTA_LEVELS = {
    "provincial": (1, "rota_provincial_per_year"),
    "city": (2, "rota_city_per_half_year"),
    "county": (4, "rota_county_per_quarter"),
}


def rota_quota(level):
    """(periods in a year, receptions required in each) for a deputy of `level`."""
    periods, key = ROTA_LEVELS[level]
    return periods, QUOTAS[key]


def period_bounds(*, year: int, periods: int):
    """[(first day, last day)] of each of the `periods` equal periods of the year (1, 2, 4, 12)."""
    per = 12 // periods
    out = []
    for i in range(periods):
        end_month = (i + 1) * per
        end = dt.date(year + end_month // 12, end_month % 12 + 1, 1) - dt.timedelta(days=1)
        out.append((dt.date(year, i * per + 1, 1), end))
    return out


def light_rota(*, counts, owed, required, year, today):
    """One deputy's rota light: `counts` receptions held per period, `owed` whether the deputy
    served in that period (a period they did not serve in owes nothing)."""
    if not required or not any(owed):
        return Light(GREY)
    states = period_states(year=year, today=today, periods=len(counts))
    if all(s == "future" for s, o in zip(states, owed) if o):
        return Light(GREY)
    return light_per_period(
        counts=[n if o else required for n, o in zip(counts, owed)], required=required, year=year, today=today
    )


def light_overdue(*, overdue):
    return Light(GREEN) if not overdue else Light(RED)


def rate(numerator, denominator):
    """A percentage with one decimal, or None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * numerator / denominator, 1)
