"""What the proposals' selectors hand their document builders (proposals.documents): typed, so
that a renamed or missing figure fails in the type checker and at import, not inside a worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from renda.core.organs import Organs


@dataclass(frozen=True)
class AssignmentSheetData:
    """交办单: one motion or suggestion handed to its lead unit."""

    township: str
    number: str
    kind: str
    title: str
    content: str
    category: str
    lead_deputy: str
    co_signers: list[str]
    by_presidium: bool
    is_key: bool
    supervising_leader: str
    lead_unit: str
    assisting_units: list[str]
    responsible_leader: str
    assigned_on: dt.date | None
    deadline: dt.date | None
    round: int
    submitted_on: dt.date | None
    organs: Organs | None = None  # set by the job: the township's organ names


@dataclass(frozen=True)
class CategoryLine:
    name: str
    total: int
    closed: int


@dataclass(frozen=True)
class UnitLine:
    name: str
    total: int
    on_time_rate: float | None
    satisfied_rate: float | None


@dataclass(frozen=True)
class OpenItem:
    """An item not closed at the report's cutoff."""

    number: str
    title: str
    unit: str
    state: str
    deadline: dt.date | None
    overdue: bool


@dataclass(frozen=True)
class HandlingReportData:
    """办理情况报告 of one township and year, every figure as of `cutoff`."""

    township: str
    year: int
    cutoff: dt.date
    cutoff_is_past: bool
    date: dt.date | None  # 成文日期; None: a past year's report not dated yet
    stats: dict[str, Any]  # proposals.selectors.proposal_stats at the cutoff
    kinds: dict[str, int]  # received items by kind (label: count), kinds with items only
    key_count: int
    outcomes: dict[str, int]  # replies by outcome class (A/B/C)
    unclassified: int  # replies that gave no outcome class
    rehandled: int
    unassigned: int
    by_category: list[CategoryLine]
    units: list[UnitLine]
    units_total: UnitLine
    open_items: list[OpenItem]
    organs: Organs | None = None  # set by the job: the township's organ names
