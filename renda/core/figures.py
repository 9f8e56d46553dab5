"""What the apps publish to the dashboard: hook names and the typed shapes of their answers.

An app registers its functions under these names in its AppConfig.ready() (renda.core.hooks);
the dashboard composes them and never imports an app. One constant or dataclass a block, so
that two changes adding names merge.

The county dashboard's, the workbench's and the work report's figures (COUNTY_FIGURES …
WORK_REPORT_PART below) are answered for a whole batch of townships in a bounded number of
queries, however many townships there are (each app's `<app>/figures.py`).
"""

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils import timezone

from .models import Township

# The home page's to-do list: fn(*, ask: TodoAsk) -> list[TodoLine] (the app's lines for the
# user and townships of `ask`, none when they are not the user's to do).
TODO_LINES = "todo_lines"

# The year-end bundle: YearEndPart objects (`order` placing them), each building one township's
# documents of a year.
YEAR_END_PART = "year_end_part"

# The year-end page's deputies: fn(*, township, year) -> list[DeputyRef] (those who held a
# mandate during the year, in roster order).
YEAR_END_DEPUTIES = "year_end_deputies"

# One deputy a document is asked for: fn(*, access, pk, township=None) -> DeputyRef (404 when the
# user may not see them, or when they are not of `township`).
DOCUMENT_DEPUTY = "document_deputy"

# The full list behind the rows of a drill-down: fn(*, model) -> url name, or None when the model
# is not the app's.
RECORD_LIST_URL = "record_list_url"

# {value: label} of the deputies' levels (national … township): fn() -> dict.
DEPUTY_LEVEL_LABELS = "deputy_level_labels"

# fill(*, figures: {township id: TownshipFigures}, year, today, cutoff) -> None: sets its own
# fields of every township's row (the county dashboard, the workbench, the work report). `cutoff`
# is reference_day(year, today), the day the year's figures are counted to.
COUNTY_FIGURES = "county_figures"

# fn(*, total: TownshipFigures, rows: list[TownshipFigures]) -> None: the provider's part of the
# totals row that is not a plain sum (rates recomputed from the summed counts).
COUNTY_TOTALS = "county_totals"

# fn() -> {metric: DrillRecords}: the records behind a number of the dashboard.
DRILL = "dashboard_drill"

# fn(*, township_ids, year) -> list[ChartSeries]: the year's proposals by month received, one
# series per current state.
PROPOSALS_BY_MONTH = "chart_proposals_by_month"

# fn(*, township_ids, on) -> DeputyStructure: the deputies serving on a day, by their traits.
DEPUTY_STRUCTURE = "chart_deputy_structure"

# fn() -> list[(grade, label)]: the score card's grades, best first (no provider: no grades).
SCORE_GRADES = "score_grades"

# fn(*, township, today, quarter_start, quarter_end) -> QuarterWork: the workbench's quarter.
WORKBENCH_QUARTER = "workbench_quarter"

# fn(*, township_ids, today, soon_days) -> queryset: open items past or near their deadline.
PROPOSALS_DUE = "proposals_due"
DECISIONS_DUE = "decisions_due"

# fn(*, townships, figures, year, cutoff, today, quarters_elapsed) -> ReportParts: the
# provider's fields of every township's WorkReportData (renda/dashboard/report_data.py).
WORK_REPORT_PART = "work_report_part"


@dataclass(frozen=True)
class TodoAsk:
    """Whose to-do list over which townships (the home page's question to every app)."""

    user: Any
    access: Any  # renda.core.access.Access of `user`
    township_ids: list[int]
    today: dt.date
    session: Any = None  # the request's session (roster imports waiting there), or {}

    @property
    def county_view(self) -> bool:
        """Lines count townships (a county user, or several townships at once)."""
        return self.access.is_county or len(self.township_ids) != 1


@dataclass(frozen=True)
class TodoLine:
    """One line of the to-do list: how many, and a link to the record (one) or the list."""

    key: str
    label: Any  # a lazy translation
    count: int
    url: str
    urgent: bool = False
    order: int = 100  # the lines of every app are sorted by it


@dataclass(frozen=True)
class AppraisalLine:
    """A year-end appraisal (评议) of a group, a station or the presidium's work."""

    subject: str
    subject_label: str
    name: str
    grade: str
    result: str
    date: dt.date
    by: str
    remarks: str


@dataclass(frozen=True)
class CommendationLine:
    """A commendation (表彰) of a group or a deputy."""

    kind: str
    kind_label: str
    name: str
    document_no: str
    date: dt.date
    remarks: str


@dataclass
class YearAppraisals:
    """A township's appraisals and commendations of a year (the work report, the bundle)."""

    appraisals: list[AppraisalLine] = field(default_factory=list)
    commendations: list[CommendationLine] = field(default_factory=list)


@dataclass(frozen=True)
class YearEndPart:
    """A document of the year-end bundle. `build(township, year, user)` returns (name, bytes), a
    list of them (a folder), or None when there is nothing yet."""

    label: Any  # a lazy translation: names the document in the bundle's notes
    build: Callable[..., Any]


@dataclass(frozen=True)
class DeputyRef:
    """A deputy as a dashboard page shows one (a row with a button asking for a document)."""

    pk: int
    name: str
    work_unit: str
    township_id: int


def reference_day(year: int, today: dt.date | None = None) -> dt.date:
    """The day the roster is read for a year: 31 December, or today during the year."""
    today = today or timezone.localdate()
    end = dt.date(year, 12, 31)
    return min(end, today) if today.year == year else end


PROPOSAL_KEYS = {
    "received",
    "carried_over",
    "total",
    "not_accepted",
    "closed",
    "received_closed",
    "carried_closed",
    "closed_on_time",
    "replied",
    "on_time",
    "met",
    "evaluated",
    "satisfied",
    "overdue",
    "closed_rate",
    "closed_on_time_rate",
    "carried_closed_rate",
    "on_time_rate",
    "met_rate",
    "satisfied_rate",
}


@dataclass
class TownshipFigures:
    """One township's row of the county dashboard for a year, filled by the COUNTY_FIGURES
    providers.

    `proposals` holds the proposals app's figures (received, carried_over, total, closed,
    replied, on_time, met, evaluated, satisfied, overdue and the four rates)."""

    township: Township
    year: int
    deputies_by_level: dict = field(default_factory=dict)
    deputies_total: int = 0
    sessions: int = 0
    presidium_per_quarter: list = field(default_factory=lambda: [0, 0, 0, 0])
    groups: int = 0
    groups_active_per_quarter: list = field(default_factory=lambda: [0, 0, 0, 0])
    receptions_per_month: list = field(default_factory=lambda: [0] * 12)
    trainings: int = 0
    # 两联一述: presidium members who met both contact quotas, deputies who met the voter quota
    contact_members: int = 0
    contact_members_met: int = 0
    contact_deputies: int = 0
    contact_deputies_met: int = 0
    contact_lights: dict = field(default_factory=dict)
    # the reception rota of higher-level deputies at the stations: deputies on quota, turns
    rota_deputies: int = 0
    rota_met: int = 0
    rota_entries: int = 0
    rota_held: int = 0
    rota_light: object = None
    # yearly plans of the groups and stations: planned activities, held as planned, the light
    plans_planned: int = 0
    plans_held: int = 0
    plans_light: object = None
    plans_missed: int = 0
    plans_unplanned: int = 0
    plans_owners: list = field(default_factory=list)  # per group and station (the work report)
    # new deputies of the term (on the reference day) and those trained before their first session
    training_new: int = 0
    training_in_time: int = 0
    training_counts: dict = field(default_factory=dict)
    proposals: dict = field(default_factory=dict)
    dormant: int = 0
    score_state: str = ""
    score_average: object = None
    score_count: int = 0
    grades: dict = field(default_factory=dict)
    lights: dict = field(default_factory=dict)

    @property
    def presidium_meetings(self):
        return sum(self.presidium_per_quarter)

    @property
    def receptions(self):
        return sum(self.receptions_per_month)

    @property
    def reception_months(self):
        return sum(1 for n in self.receptions_per_month if n)

    def __getattr__(self, name):
        # received, closed, overdue, closed_rate … read from the proposal figures.
        if name in PROPOSAL_KEYS:
            proposals = self.__dict__.get("proposals") or {}
            return proposals.get(name, None if name.endswith("_rate") else 0)
        raise AttributeError(name)


class CountyFiguresProvider(Protocol):
    def __call__(
        self, *, figures: Mapping[int, TownshipFigures], year: int, today: dt.date, cutoff: dt.date
    ) -> None: ...


class DrillRecords(Protocol):
    """The records behind one number: a queryset (related rows selected for the records page)."""

    def __call__(self, township_ids: list[int], year: int) -> Any: ...


@dataclass(frozen=True)
class ChartSeries:
    label: str
    data: list[int]


@dataclass(frozen=True)
class DeputyStructure:
    """Deputies serving on a day by trait: (label, deputies) in the choices' order."""

    levels: list[tuple[str, str]]  # (level, label): the level pie counts the dashboard's rows
    gender: list[tuple[str, int]]
    affiliation: list[tuple[str, int]]
    occupation: list[tuple[str, int]]


@dataclass(frozen=True)
class QuarterWork:
    """What the workbench shows of this quarter besides the township's figures."""

    groups_idle: list[Mapping[str, Any]]  # {pk, name} of the groups with no activity yet this quarter
    on_duty_this_month: int  # deputies on duty at a reception this month
    upcoming_receptions: list[Mapping[str, Any]]  # {pk, start_date, topic, place, notice_date, on_duty}


# {township id: {WorkReportData field: value}}: a WORK_REPORT_PART provider's answer.
ReportParts = dict[int, dict[str, Any]]


class WorkReportPartProvider(Protocol):
    def __call__(
        self,
        *,
        townships: Sequence[Township],
        figures: Mapping[int, TownshipFigures],
        year: int,
        cutoff: dt.date,
        today: dt.date,
        quarters_elapsed: int,
    ) -> ReportParts: ...
