"""Background documents of the dashboard: work report, deputy archive, dashboard workbook and
the year-end bundle. Each handler is `handler(job, progress) -> (filename, bytes)`."""

import logging

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.exceptions import ApplicationError
from renda.core.jobs import job_handler
from renda.core.models import Township

from . import documents, selectors
from .models import WorkReportText
from .tables import dashboard_table

logger = logging.getLogger(__name__)


def _scoresheet(township, year, user):
    """The township's assessment scoresheet of the year, or None when no scores are computed."""
    from assessments.jobs import scoresheet_township_build
    from assessments.models import Assessment

    assessment = Assessment.objects.select_related("township").filter(township=township, year=year).first()
    if assessment is None or assessment.computed_at is None:
        return None
    return scoresheet_township_build(assessment=assessment)


def _register(township, year, user):
    """The register of motions and suggestions of the year (as proposals' own export)."""
    from proposals.jobs import register_export, register_title
    from proposals.selectors import proposal_list

    qs = proposal_list(user=user, filters={"year": year}, township=township)
    _count, content = register_export(qs=qs, title=register_title(township=township, year=year))
    return _("%(township)s %(year)s register of motions and suggestions.xlsx") % {
        "township": township.name,
        "year": year,
    }, content


def _roster(township, year, user):
    """The deputy roster (current deputies, masked as the requesting user sees it)."""
    from deputies.documents import roster_workbook
    from deputies.exports import roster_export_data

    data = roster_export_data(user=user, township=township)
    return _("%(township)s deputy roster.xlsx") % {"township": township.name}, roster_workbook(data)


# Documents of other apps in the year-end bundle: (label, builder(township, year, user)).
BUNDLE_PARTS = [
    (gettext_lazy("assessment scoresheet"), _scoresheet),
    (gettext_lazy("register of motions and suggestions"), _register),
    (gettext_lazy("deputy roster"), _roster),
]


def _year(job):
    try:
        year = int(job.params.get("year"))
    except (TypeError, ValueError):
        raise ApplicationError(_("The document request has no valid year.")) from None
    if not 2000 <= year <= 2100:
        raise ApplicationError(_("The document request has no valid year."))
    return year


def _township(job):
    if job.township_id is None:
        raise ApplicationError(_("This document is made for one township; none was given."))
    return job.township


def work_report_texts(township, year):
    text = WorkReportText.objects.filter(township=township, year=year).first()
    return text.as_texts() if text else {}


def work_report_texts_by_township(townships, year):
    """{township id: texts} of the townships that have written them, one query."""
    return {
        t.township_id: t.as_texts() for t in WorkReportText.objects.filter(township__in=townships, year=year)
    }


def work_report_file(township, data):
    """(filename, bytes) of the work report of `data` (selectors.work_report_data)."""
    filename = _("%(township)s %(year)s work report.docx") % {"township": township.name, "year": data["year"]}
    return filename, documents.work_report_docx(data)


def work_report_build(*, township, year, today=None):
    """(filename, bytes) of a township's year-end work report."""
    data = selectors.work_report_data(
        township=township, year=year, texts=work_report_texts(township, year), today=today
    )
    return work_report_file(township, data)


@job_handler("dashboard_work_report", gettext_lazy("Year-end work report (.docx)"))
def work_report_job(job, progress):
    township, year = _township(job), _year(job)
    progress(10)
    with translation.override("zh-hans"):
        return work_report_build(township=township, year=year)


@job_handler("dashboard_deputy_archive", gettext_lazy("Deputy archive (.docx)"))
def deputy_archive_job(job, progress):
    township, year = _township(job), _year(job)
    deputy_id = job.params.get("deputy")
    with translation.override("zh-hans"):
        archives = selectors.deputy_archives_data(township=township, year=year, deputy_ids=[deputy_id])
        if not archives:
            raise ApplicationError(_("The deputy was not found in this township."))
        progress(50)
        a = archives[0]
        return (
            _("%(name)s %(year)s archive.docx") % {"name": a["name"], "year": year},
            documents.deputy_archive_docx(a),
        )


def dashboard_workbook_build(*, townships, year, today=None):
    rows = selectors.county_figures(townships=townships, year=year, today=today)
    table = dashboard_table(rows, year=year)
    title = _("People's congress work of the townships, %(year)s") % {"year": year}
    return documents.dashboard_workbook({"title": title, "year": year, **table})


@job_handler("dashboard_xlsx", gettext_lazy("County dashboard (.xlsx)"))
def dashboard_xlsx_job(job, progress):
    from renda.core.selectors import township_list_for_user

    year = _year(job)
    with translation.override("zh-hans"):
        townships = township_list_for_user(user=job.requested_by)
        if job.township_id:
            townships = townships.filter(pk=job.township_id)
        progress(20)
        content = dashboard_workbook_build(townships=townships, year=year)
        return _("Township statistics %(year)s.xlsx") % {"year": year}, content


# Townships whose work-report figures and deputy archives are read together (about 2,000
# deputies): a county bundle's queries grow by one batch per this many townships, not by the
# forty-odd queries of each township's report and archives.
BUNDLE_BATCH = 25


def year_bundle_files(*, townships, year, requested_by, progress=lambda p: None):
    """[(path in zip, bytes)] of every township's year-end documents, a contents list first."""
    files = []
    notes = []
    townships = list(townships)
    steps = max(len(townships), 1)
    archives_folder = _("Deputy archives")
    writer = documents.DeputyArchiveWriter()  # shared by every archive of the bundle
    reported = []

    def report(percent):
        """Each percentage once: a job's progress is a database write."""
        if not reported or reported[-1] != percent:
            reported.append(percent)
            progress(percent)

    for first in range(0, len(townships), BUNDLE_BATCH):
        batch = townships[first : first + BUNDLE_BATCH]
        texts = work_report_texts_by_township(batch, year)
        reports = selectors.work_reports_data(townships=batch, year=year, texts=texts)
        archives_of = selectors.deputy_archives_by_township(townships=batch, year=year)
        for i, township in enumerate(batch, start=first):

            def step(fraction, i=i):
                """Progress 5–95 % across townships, `fraction` of the way through this one."""
                report(5 + int(90 * (i + fraction) / steps))

            base = f"{year}/{township.name}"
            name, content = work_report_file(township, reports[township.pk])
            files.append((f"{base}/{name}", content))
            step(0.1)
            if township.pk not in texts:
                notes.append(
                    _("%(township)s: the problems and plans of the work report have not been written yet.")
                    % {"township": township.name}
                )
            for n, (label, build) in enumerate(BUNDLE_PARTS, start=1):
                try:
                    part = build(township, year, requested_by)
                except Exception as exc:  # one broken document must not lose the rest of the bundle
                    logger.exception("Year-end bundle: %s of %s failed", label, township.code)
                    notes.append(
                        _("%(township)s: the %(document)s could not be built (%(error)s).")
                        % {"township": township.name, "document": label, "error": exc.__class__.__name__}
                    )
                    continue
                finally:
                    step(0.1 + 0.2 * n / len(BUNDLE_PARTS))
                if part is None:
                    notes.append(
                        _("%(township)s: no %(document)s for %(year)s (nothing computed yet).")
                        % {"township": township.name, "document": label, "year": year}
                    )
                    continue
                name, content = part
                files.append((f"{base}/{name}", content))
            archives = archives_of[township.pk]
            for n, archive in enumerate(archives, start=1):
                files.append(
                    (
                        f"{base}/{archives_folder}/{archive['name']}-{archive['deputy_id']}.docx",
                        documents.deputy_archive_docx(archive, writer=writer),
                    )
                )
                if n % 5 == 0 or n == len(archives):
                    step(0.3 + 0.7 * n / len(archives))
    index = [_("Year-end documents %(year)s") % {"year": year}, ""]
    index += [path for path, _content in files]
    if notes:
        index += [""] + notes
    contents = _("Contents")
    files.insert(0, (f"{year}/{contents}.txt", "\n".join(index).encode("utf-8")))
    return files


@job_handler("dashboard_year_bundle", gettext_lazy("Year-end bundle (.zip)"))
def year_bundle_job(job, progress):
    year = _year(job)
    with translation.override("zh-hans"):
        if job.township_id:
            townships = [job.township]
        elif job.params.get("all"):
            townships = Township.objects.filter(is_active=True).order_by("display_order", "code")
        else:
            raise ApplicationError(_("This document is made for one township; none was given."))
        files = year_bundle_files(
            townships=townships, year=year, requested_by=job.requested_by, progress=progress
        )
        label = job.township.name if job.township_id else _("all townships")
        return _("%(who)s year-end documents %(year)s.zip") % {
            "who": label,
            "year": year,
        }, documents.zip_bytes(files)
