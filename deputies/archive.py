"""The deputy archive (一人一档): sections other apps plug into the deputy detail page, through
the one hooks mechanism. An app registers a section in its AppConfig.ready():

    from renda.core import hooks
    hooks.register(
        ARCHIVE_SECTION,  # "deputy_archive_section"
        hooks.Section("meetings", _("Sessions and activities"), "meetings/archive/_deputy.html",
                      context=deputy_archive_context),  # context(deputy, year, user) -> dict
        order=20,
    )

The detail page shows a year selector and, for that year, each section in `order`, rendering
`{% include section.template with deputy=deputy year=year section=section ctx=section.context %}`.
A section's context function must do a bounded number of queries (it runs once per page).
"""

from renda.core import hooks

ARCHIVE_SECTION = "deputy_archive_section"


def archive_sections(deputy, year: int, user) -> list[dict]:
    """The archive of one deputy for one calendar year: [{key, title, template, context}]."""
    return [section(deputy, year, user) for section in hooks.get(ARCHIVE_SECTION)]


GROUP_SECTION = "deputy_group_section"


def group_sections(group, year: int, user) -> list[dict]:
    """Sections other apps plug into a deputy group's page (the meetings app: the group's yearly
    plan against what it held), registered like the archive's: context(group, year, user)."""
    return [section(group, year, user) for section in hooks.get(GROUP_SECTION)]
