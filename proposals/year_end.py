"""The proposals' documents in the year-end bundle (renda.core.figures.YEAR_END_PART)."""

import dataclasses

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.figures import YearEndPart
from renda.core.organs import document_filename, township_organs

from .documents import assignment_sheet_docx, handling_report_docx
from .jobs import register_export, register_title
from .models import Proposal
from .selectors import proposal_assignment_data, proposal_list, proposal_report_data


def _handling_report(township, year, user):
    """The year's report on the handling of motions and suggestions."""
    data = dataclasses.replace(
        proposal_report_data(township=township, year=year), organs=township_organs(township)
    )
    name = _("report on the handling of motions and suggestions")
    return document_filename(place=township.name, year=year, name=name, ext="docx"), handling_report_docx(
        data
    )


def _assignment_sheets(township, year, user):
    """The 交办单 of every proposal of the year handed to a unit, in a folder."""
    folder = _("assignment sheets")
    organs = township_organs(township)
    files = []
    for p in (
        Proposal.objects.filter(township=township, year=year, lead_unit__isnull=False)
        .select_related("township", "category", "lead_deputy", "lead_unit")
        .prefetch_related("co_signers", "assisting_units")
        .order_by("number")
    ):
        data = dataclasses.replace(proposal_assignment_data(proposal=p), organs=organs)
        name = _("assignment sheet %(number)s") % {"number": p.number}
        files.append(
            (
                f"{folder}/{document_filename(place=township.name, year=year, name=name, ext='docx')}",
                assignment_sheet_docx(data),
            )
        )
    return files


def _register(township, year, user):
    """The register of motions and suggestions of the year (as proposals' own export)."""
    qs = proposal_list(user=user, filters={"year": year}, township=township)
    _count, content = register_export(qs=qs, title=register_title(township=township, year=year))
    return document_filename(
        place=township.name, year=year, name=_("register of motions and suggestions"), ext="xlsx"
    ), content


HANDLING_REPORT = YearEndPart(
    gettext_lazy("report on the handling of motions and suggestions"), _handling_report
)
ASSIGNMENT_SHEETS = YearEndPart(gettext_lazy("assignment sheets"), _assignment_sheets)
REGISTER = YearEndPart(gettext_lazy("register of motions and suggestions"), _register)
