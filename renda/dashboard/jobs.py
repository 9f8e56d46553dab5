"""Background documents of the dashboard: work report, deputy archive, dashboard workbook and
the year-end bundle. Each handler is `handler(job, progress) -> (filename, bytes)`."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.exceptions import ApplicationError
from renda.core.jobs import job_handler, job_handler_get, job_kinds
from renda.core.models import DocumentJob, Township

from . import documents, selectors
from .models import WorkReportText

# Documents of other apps put into the year-end bundle: (job kind, folder in the zip).
BUNDLE_PARTS = [
    ("assessments_scoresheet", "scoresheet"),
    ("proposals_register", "register"),
    ("deputies_roster", "roster"),
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


def work_report_build(*, township, year, today=None):
    """(filename, bytes) of a township's year-end work report."""
    data = selectors.work_report_data(
        township=township, year=year, texts=work_report_texts(township, year), today=today
    )
    filename = _("%(township)s %(year)s work report.docx") % {"township": township.name, "year": year}
    return filename, documents.work_report_docx(data)


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
    from .views import dashboard_table

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


def _part_job(kind, township, year, requested_by):
    """An unsaved job to hand to another app's handler: it reads township and params only."""
    return DocumentJob(kind=kind, township=township, params={"year": year}, requested_by=requested_by)


def year_bundle_files(*, townships, year, requested_by, progress=lambda p: None):
    """[(path in zip, bytes)] of every township's year-end documents."""
    files = []
    kinds = job_kinds()
    missing = [kind for kind, _folder in BUNDLE_PARTS if kind not in kinds]
    townships = list(townships)
    steps = max(len(townships), 1)
    archives_folder = _("Deputy archives")
    for i, township in enumerate(townships):
        base = f"{year}/{township.name}"
        name, content = work_report_build(township=township, year=year)
        files.append((f"{base}/{name}", content))
        for kind, _folder in BUNDLE_PARTS:
            if kind in kinds:
                name, content = job_handler_get(kind).run(
                    _part_job(kind, township, year, requested_by), lambda p: None
                )
                files.append((f"{base}/{name}", content))
        for archive in selectors.deputy_archives_data(township=township, year=year):
            files.append(
                (
                    f"{base}/{archives_folder}/{archive['name']}-{archive['deputy_id']}.docx",
                    documents.deputy_archive_docx(archive),
                )
            )
        progress(5 + 90 * (i + 1) // steps)
    index = [_("Year-end documents %(year)s") % {"year": year}, ""]
    index += [path for path, _content in files]
    if missing:
        index += ["", _("Not included (not available in this installation): %(kinds)s") % {
            "kinds": ", ".join(str(kinds.get(k).label) if k in kinds else k for k in missing)
        }]
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
        files = year_bundle_files(townships=townships, year=year, requested_by=job.requested_by, progress=progress)
        label = job.township.name if job.township_id else _("all townships")
        return _("%(who)s year-end documents %(year)s.zip") % {"who": label, "year": year}, documents.zip_bytes(files)
