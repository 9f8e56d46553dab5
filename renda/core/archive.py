"""The deputy archive (一人一档), built once: typed sections the apps provide, composed here for
the deputy's page and for the .docx alike.

Who an archive is about comes from the deputies app, registered under ARCHIVE_DEPUTIES:

    fn(*, township_ids, year, deputy_ids, today) -> list[ArchiveDeputy]   (roster order)

Every part of the archive is a provider registered under ARCHIVE_SECTION (in its app's
AppConfig.ready(), `order` sorting the sections), asked once with the whole batch of deputies:

    fn(*, deputies: list[ArchiveDeputy], year, user, today) -> {deputy id: ArchiveSection | None}

and doing a bounded number of queries however many deputies there are (the year-end bundle asks
for a county's). A deputy missing from the answer, or given None, has no such section. `user` is
the reader of the page (None for a document job); the caller has checked they may read the
deputies. A section's `links`, and every section marked `page_only`, are for the page: the .docx
writes the title, the summary and the table.

The core knows no domain app: it only calls what is registered.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from . import hooks

ARCHIVE_DEPUTIES = "deputy_archive_deputies"
ARCHIVE_SECTION = "deputy_archive_section"


@dataclass(frozen=True)
class Link:
    """A link on the archive page (to a record, or an action). `post` (name, value) pairs make it
    a button posting them instead. In a table cell it stands for its text in the .docx."""

    text: str
    url: str
    post: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return str(self.text)


Cell = str | Link


@dataclass(frozen=True)
class ArchiveSection:
    """One part of a deputy's archive: a title, a line of summary and a table."""

    key: str
    title: str
    summary: str = ""
    headers: tuple[str, ...] = ()
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    widths: tuple[int, ...] = ()  # column widths in the .docx, mm
    links: list[Link] = field(default_factory=list)  # on the page only
    empty_text: str = ""  # said when there is neither a summary nor a row
    page_only: bool = False  # an action of the page, not part of the document

    @property
    def empty_message(self) -> str:
        """What the page and the .docx say instead of the table when there is no row."""
        if self.rows:
            return ""
        if self.empty_text:
            return self.empty_text
        return "" if self.summary else gettext("Nothing recorded this year.")


@dataclass(frozen=True)
class ArchiveDeputy:
    """Who one archive is about, as the deputies app gives it to the composer and the providers."""

    deputy_id: int
    township_id: int
    township_name: str
    name: str
    profile: tuple[tuple[str, str], ...] = ()  # (label, value): the .docx's first table


@dataclass(frozen=True)
class DeputyArchive:
    """One deputy's archive of a year: the profile, then the sections in their order."""

    deputy_id: int
    township_id: int
    name: str
    year: int
    township_name: str
    profile: tuple[tuple[str, str], ...]
    sections: list[ArchiveSection]

    @property
    def document_sections(self) -> list[ArchiveSection]:
        """The sections the .docx writes (the page's own actions left out)."""
        return [s for s in self.sections if not s.page_only]


def deputy_archives(
    *,
    township_ids: Iterable[int],
    year: int,
    deputy_ids: Iterable[int] | None = None,
    user: Any = None,
    today: dt.date | None = None,
) -> list[DeputyArchive]:
    """The archives of a year of the townships' deputies (those serving during the year, or the
    `deputy_ids` given), in roster order; every provider asked once for all of them."""
    today = today or timezone.localdate()
    township_ids = list(township_ids)
    people: list[ArchiveDeputy] = hooks.first(
        ARCHIVE_DEPUTIES,
        default=[],
        township_ids=township_ids,
        year=year,
        deputy_ids=None if deputy_ids is None else list(deputy_ids),
        today=today,
    )
    sections: dict[int, list[ArchiveSection]] = {p.deputy_id: [] for p in people}
    if people:
        for provider in hooks.get(ARCHIVE_SECTION):
            answer = provider(deputies=people, year=year, user=user, today=today)
            for p in people:
                section = answer.get(p.deputy_id)
                if section is not None:
                    sections[p.deputy_id].append(section)
    return [
        DeputyArchive(
            deputy_id=p.deputy_id,
            township_id=p.township_id,
            name=p.name,
            year=year,
            township_name=p.township_name,
            profile=p.profile,
            sections=sections[p.deputy_id],
        )
        for p in people
    ]


def deputy_archives_by_township(**kwargs: Any) -> dict[int, list[DeputyArchive]]:
    """deputy_archives(...) grouped by township: {township id: [DeputyArchive]}, every township asked for present."""
    out: dict[int, list[DeputyArchive]] = {tid: [] for tid in kwargs["township_ids"]}
    for archive in deputy_archives(**kwargs):
        out[archive.township_id].append(archive)
    return out


def deputy_archive(
    *, deputy: Any, year: int, user: Any = None, today: dt.date | None = None
) -> DeputyArchive:
    """The archive of one deputy (the deputy's page)."""
    found = deputy_archives(
        township_ids=[deputy.township_id], year=year, deputy_ids=[deputy.pk], user=user, today=today
    )
    if found:
        return found[0]
    return DeputyArchive(deputy.pk, deputy.township_id, deputy.name, year, "", (), [])


def date_text(value: dt.date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def choice_labels(model: Any, field_name: str):
    """A choices field's display function for many rows: value → label as str (the same as
    `get_<field>_display()`, which rebuilds the lazy choices on every call)."""
    labels = {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}
    return lambda value: str(labels.get(value, value)) if value not in (None, "") else ""


__all__ = [
    "ARCHIVE_DEPUTIES",
    "ARCHIVE_SECTION",
    "ArchiveDeputy",
    "ArchiveSection",
    "Cell",
    "DeputyArchive",
    "Link",
    "choice_labels",
    "date_text",
    "deputy_archive",
    "deputy_archives",
    "deputy_archives_by_township",
]
