"""The deputy archive (一人一档): sections other apps plug into the deputy detail page.

An app registers a section in its AppConfig.ready():

    from deputies.archive import register_archive_section
    register_archive_section(
        "meetings", _("Sessions and activities"), "meetings/archive/_deputy.html",
        context=lambda deputy, year, user: {"rows": ...}, order=20,
    )

The detail page shows a year selector and, for that year, each section in `order`, rendering
`{% include section.template with deputy=deputy year=year section=section ctx=section.context %}`.
A section's context function must do a bounded number of queries (it runs once per page).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ArchiveSection:
    key: str
    title: str
    template: str
    context: Callable  # context(deputy, year: int, user) -> dict
    order: int = 100


_SECTIONS: dict[str, ArchiveSection] = {}


def register_archive_section(key: str, title, template: str, context: Callable, order: int = 100):
    """Register (or replace, by key) one section of the deputy archive."""
    _SECTIONS[key] = ArchiveSection(key=key, title=title, template=template, context=context, order=order)


def archive_section_keys():
    return sorted(_SECTIONS, key=lambda k: (_SECTIONS[k].order, k))


def archive_sections(deputy, year: int, user) -> list[dict]:
    """The archive of one deputy for one calendar year: [{key, title, template, context}]."""
    sections = []
    for key in archive_section_keys():
        section = _SECTIONS[key]
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "template": section.template,
                "context": section.context(deputy, year, user) or {},
            }
        )
    return sections
