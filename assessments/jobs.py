"""Background scoresheets: one township's, or the whole county's (a sheet per township + summary)."""

from django.utils.translation import gettext_lazy as _

from renda.core.jobs import job_handler


def scoresheet_township_build(*, assessment, progress=None):
    """(filename, bytes) of one township's scoresheet."""
    from .documents import township_workbook
    from .selectors import scoresheet_sheet

    data = scoresheet_sheet(assessment=assessment)
    if progress:
        progress(60)
    from renda.core.organs import document_filename

    filename = document_filename(
        place=assessment.township.name,
        year=assessment.year,
        name=str(_("performance scoresheet")),
        ext="xlsx",
    )
    return filename, township_workbook(data)


def scoresheet_county_build(*, year, states=None, progress=None):
    """(filename, bytes) of the county workbook for a year."""
    from renda.core.models import County

    from .documents import county_workbook
    from .selectors import scoresheet_county, scoresheet_sheet

    assessments = scoresheet_county(year=year, states=states)
    sheets = []
    for i, a in enumerate(assessments):
        sheets.append(scoresheet_sheet(assessment=a))
        if progress:
            progress(5 + 45 * (i + 1) // max(len(assessments), 1))
    county = County.current()
    content = county_workbook(
        county_name=county.name if county else "", year=year, sheets=sheets, progress=progress
    )
    from renda.core.organs import document_filename

    name = document_filename(
        place=county.name if county else "", year=year, name=str(_("performance scoresheet")), ext="xlsx"
    )
    return name, content


@job_handler("assessment_scoresheet", _("Assessment scoresheet (.xlsx)"))
def assessment_scoresheet(job, progress):
    from renda.core.exceptions import ApplicationError

    from .models import Assessment

    assessment = Assessment.objects.select_related("township").filter(pk=job.params.get("assessment")).first()
    if assessment is None or assessment.computed_at is None:
        raise ApplicationError(str(_("There are no computed scores to export.")))
    progress(10)
    return scoresheet_township_build(assessment=assessment, progress=progress)


@job_handler("assessment_county_scoresheet", _("County assessment scoresheet (.xlsx)"))
def assessment_county_scoresheet(job, progress):
    return scoresheet_county_build(year=int(job.params["year"]), progress=progress)
