"""The roster in the year-end bundle (renda.core.figures.YEAR_END_PART)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.figures import YearEndPart
from renda.core.organs import document_filename

from .documents import roster_workbook
from .exports import roster_export_data


def _roster(township, year, user):
    """The deputy roster (current deputies). The bundle goes to the county, so phone, ID number
    and birth date are masked whoever asked for it."""
    data = roster_export_data(user=user, township=township, leaves_township=True)
    return document_filename(
        place=township.name, year=year, name=_("deputy roster"), ext="xlsx"
    ), roster_workbook(data)


ROSTER = YearEndPart(gettext_lazy("deputy roster"), _roster)
