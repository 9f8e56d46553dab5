"""The meetings' documents in the year-end bundle (renda.core.figures.YEAR_END_PART)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.figures import YearEndPart
from renda.core.organs import document_filename, township_organs

from .documents import appraisals_workbook, minutes_docx
from .models import PresidiumMeeting
from .selectors import appraisals_by_township, minutes_data


def _minutes(township, year, user):
    """The minutes of every presidium meeting of the year, in a folder."""
    folder = _("minutes")
    files = []
    for pk in (
        PresidiumMeeting.objects.filter(township=township, date__year=year)
        .order_by("date", "pk")
        .values_list("pk", flat=True)
    ):
        data = minutes_data(meeting_id=pk)
        name = _("minutes of %(meeting)s") % {"meeting": data.subtitle}
        files.append(
            (
                f"{folder}/{document_filename(place=township.name, year=year, name=name, ext='docx')}",
                minutes_docx(data),
            )
        )
    return files


def _appraisals(township, year, user):
    """The year's appraisals of groups, stations and the presidium's work, and its
    commendations; None when none is recorded."""
    data = appraisals_by_township(township_ids=[township.pk], year=year)[township.pk]
    if not data.appraisals and not data.commendations:
        return None
    name = _("appraisals and commendations")
    title = _("%(township)s: appraisals and commendations of %(year)s") % {
        "township": township.name,
        "year": year,
    }
    content = appraisals_workbook(data, title=title, author=township_organs(township).office)
    return document_filename(place=township.name, year=year, name=name, ext="xlsx"), content


MINUTES = YearEndPart(gettext_lazy("presidium meeting minutes"), _minutes)
APPRAISALS = YearEndPart(gettext_lazy("appraisals and commendations"), _appraisals)
