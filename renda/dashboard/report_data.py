"""What the work report's selector hands its builder (renda.dashboard.documents.work_report_docx):
typed, so that a renamed or missing figure fails at import and in the type checker, not inside a
worker. Plain values only; the builder never touches the ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from renda.core.figures import YearAppraisals
from renda.core.organs import Organs


@dataclass(frozen=True)
class SessionLine:
    """One congress session held in the year, with its attendance."""

    pk: int
    name: str
    start: dt.date
    end: dt.date | None
    reports: list[str]
    resolutions: int
    elections: int
    speeches: int
    expected: int
    present: int
    excused: int
    unexcused: int
    attendance_rate: float | None


@dataclass(frozen=True)
class PresidiumFigures:
    applicable: bool  # a 街道 has a working committee instead of a presidium
    count: int
    per_quarter: list[int]
    adhoc: int
    topics: list[str]
    items: int
    decisions: int
    decisions_done: int
    quarters_elapsed: int


@dataclass(frozen=True)
class DeputyCounts:
    total: int
    by_level: list[tuple[str, int]]  # (level in prose, deputies), levels with deputies only


@dataclass(frozen=True)
class GroupLine:
    name: str
    room: str
    villages: str
    members: int


@dataclass(frozen=True)
class StationLine:
    name: str
    kind: str
    resident: int
    villages: str


@dataclass(frozen=True)
class ContactFigures:
    """两联一述: receptions, visits, reports to voters, the members' contacts, the rota."""

    receptions: int
    reception_person_times: int
    reception_months: int
    visits: int
    visit_person_times: int
    reports: int
    report_deputies: int
    member_contacts: int
    contact_members: int
    contacted_deputies: int
    rota_deputies: int
    rota_met: int
    rota_entries: int
    rota_held: int
    issues: IssueFigures


@dataclass(frozen=True)
class IssueFigures:
    """The issues voters raised at the year's receptions (两簿两卡), each step counted by the
    report's cutoff: classified, replied to the voter, the voter's feedback."""

    raised: int = 0
    government: int = 0  # for the township government and its departments
    redirected: int = 0  # to litigation, arbitration, petition channels, or a private matter
    replied: int = 0
    with_feedback: int = 0
    satisfied: int = 0  # satisfied or basically satisfied


@dataclass(frozen=True)
class KindCount:
    """Activities of one kind: how many, and the deputies' person-times in them."""

    count: int = 0
    person_times: int = 0


@dataclass(frozen=True)
class OtherKind:
    kind: str
    label: str
    count: int
    person_times: int


@dataclass(frozen=True)
class ActivityFigures:
    group: KindCount
    training: KindCount
    new_deputies: dict[str, int]  # new, trained, late, untrained, pending
    others: list[OtherKind]
    groups_every_quarter: int


@dataclass(frozen=True)
class ProposalFigures:
    received: int
    motions: int
    closed: int
    received_closed: int
    carried_closed: int
    closed_on_time_rate: float | None
    overdue: int
    replied: int
    carried_over: int
    total: int
    closing_rate: float | None
    on_time_rate: float | None
    meeting_rate: float | None
    satisfaction_rate: float | None
    by_category: list[tuple[str, int]]


@dataclass(frozen=True)
class ScoreFigures:
    state: str
    count: int
    average: Any
    grades: list[tuple[str, int]]
    dormant: int


@dataclass(frozen=True)
class PlanFigures:
    """The groups' and stations' yearly plans against what they held."""

    planned: int
    held: int
    missed: int
    unplanned: int
    owners: list[dict]  # {name, planned, held} of each group and station that planned


@dataclass(frozen=True)
class WorkReportData:
    """Everything the year-end work report of one township says."""

    township_name: str
    township_code: str
    township_kind: str
    county_name: str
    committee_name: str
    year: int
    organ: str  # who signs
    date: dt.date | None  # 成文日期; None: a past year's report not dated yet
    cutoff: dt.date  # the day its figures are counted to
    cutoff_is_past: bool
    opening: str
    problems: str
    plans: str
    sessions: list[SessionLine]
    presidium: PresidiumFigures
    deputies: DeputyCounts
    groups: list[GroupLine]
    stations: list[StationLine]
    contact: ContactFigures
    activities: ActivityFigures
    proposals: ProposalFigures
    scores: ScoreFigures | None
    appraisals: YearAppraisals
    yearly_plans: PlanFigures
    # set by the job that writes the file (renda.dashboard.jobs.work_report_file)
    organs: Organs | None = None
    author: str = ""
    dated: dt.date | None = None  # the date the secretary chose
