"""The last section of a deputy's archive page (renda.core.archive): build the year's archive
as .docx. An action of the page, not part of the document."""

from django.urls import reverse
from django.utils.translation import gettext as _

from renda.core.access import access_for
from renda.core.archive import ArchiveSection, Link


def document_section(*, deputies, year, user=None, today=None) -> dict[int, ArchiveSection]:
    if user is None:  # a document being built: nothing to offer
        return {}
    access = access_for(user)
    url = reverse("dashboard:deputy_archive")
    title = _("Archive document")
    summary = _(
        "Profile, mandates, attendance, activities, proposals and score card in the official layout; "
        "ready under My files."
    )
    label = _("Build the %(year)s archive (.docx)") % {"year": year}
    return {
        d.deputy_id: ArchiveSection(
            key="dashboard",
            title=title,
            summary=summary,
            links=[Link(label, url, post=(("deputy", str(d.deputy_id)), ("year", str(year))))],
            page_only=True,
        )
        for d in deputies
        if access.can_request_document(d.township_id)
    }
