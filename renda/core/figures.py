"""What the apps publish to the dashboard: hook names and the typed shapes of their answers.

An app registers its functions under these names in its AppConfig.ready() (renda.core.hooks);
the dashboard composes them and never imports an app. One constant or dataclass a block, so
that two changes adding names merge.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
