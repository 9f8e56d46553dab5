"""Background documents of the dashboard: work report, deputy archive, dashboard workbook and
the year-end bundle. Each handler is `handler(job, progress) -> (filename, bytes)`."""

import dataclasses
import datetime as dt
import logging
import tempfile

from django.core.files import File
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core import hooks
from renda.core.archive import deputy_archives, deputy_archives_by_township
from renda.core.exceptions import ApplicationError
from renda.core.figures import YEAR_END_PART, YearEndPart
from renda.core.jobs import job_handler
from renda.core.models import County, Township
from renda.core.organs import document_filename, township_organs

from . import documents, figures_cache, selectors
from .models import WorkReportText
from .report_data import WorkReportData
from .tables import dashboard_table

logger = logging.getLogger(__name__)


def bundle_parts() -> list[YearEndPart]:
    """The other apps' documents in the year-end bundle, in their order (each app registers its
    own under YEAR_END_PART)."""
    return hooks.get(YEAR_END_PART)


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


def work_report_file(township, data: WorkReportData) -> tuple[str, bytes]:
    """(filename, bytes) of the work report of `data` (selectors.work_report_data)."""
    organs = township_organs(township)
    township_label = str(selectors.LEVEL_PROSE["township"])
    by_level = [
        (organs.deputies if label == township_label else label, n) for label, n in data.deputies.by_level
    ]
    today = timezone.localdate()
    # 成文日期: chosen by the secretary; by default today in the current year. A past year's
    # report is not dated today: without a chosen date it is a draft with the date left open.
    date = data.dated or (data.date if data.year >= today.year else None)
    data = dataclasses.replace(
        data,
        organ=organs.issuer,
        author=organs.office,
        organs=organs,
        deputies=dataclasses.replace(data.deputies, by_level=by_level),
        date=date,
    )
    filename = document_filename(place=township.name, year=data.year, name=_("work report"), ext="docx")
    return filename, documents.work_report_docx(data)


def work_report_build(*, township, year, today=None, dated=None):
    """(filename, bytes) of a township's year-end work report; `dated`: its 成文日期."""
    data = selectors.work_report_data(
        township=township, year=year, texts=work_report_texts(township, year), today=today
    )
    if dated:
        data = dataclasses.replace(data, dated=dated)
    return work_report_file(township, data)


@job_handler("dashboard_work_report", gettext_lazy("Year-end work report (.docx)"))
def work_report_job(job, progress):
    township, year = _township(job), _year(job)
    progress(10)
    dated = None
    if job.params.get("dated"):
        try:
            dated = dt.date.fromisoformat(job.params["dated"])
        except ValueError:
            raise ApplicationError(_("The date of the report is not a valid date.")) from None
    with translation.override("zh-hans"):
        return work_report_build(township=township, year=year, dated=dated)


@job_handler("dashboard_deputy_archive", gettext_lazy("Deputy archive (.docx)"))
def deputy_archive_job(job, progress):
    township, year = _township(job), _year(job)
    deputy_id = job.params.get("deputy")
    with translation.override("zh-hans"):
        try:
            deputy_ids = [int(deputy_id)]
        except (TypeError, ValueError):
            deputy_ids = []
        archives = deputy_archives(township_ids=[township.pk], year=year, deputy_ids=deputy_ids)
        if not archives:
            raise ApplicationError(_("The deputy was not found in this township."))
        progress(50)
        a = archives[0]
        return (
            document_filename(
                place=township.name, year=year, name=_("%(name)s archive") % {"name": a.name}, ext="docx"
            ),
            documents.deputy_archive_docx(a),
        )


def dashboard_workbook_build(*, townships, year, today=None):
    rows = figures_cache.county_figures(townships=townships, year=year, today=today)
    table = dashboard_table(rows, year=year)
    title = _("People's congress work of the townships, %(year)s") % {"year": year}
    return documents.dashboard_workbook({"title": title, "year": year, **table})


@job_handler("dashboard_xlsx", gettext_lazy("County dashboard (.xlsx)"))
def dashboard_xlsx_job(job, progress):
    from renda.core.access import access_for

    year = _year(job)
    with translation.override("zh-hans"):
        townships = access_for(job.requested_by).townships()
        if job.township_id:
            townships = townships.filter(pk=job.township_id)
        progress(20)
        content = dashboard_workbook_build(townships=townships, year=year)
        county = County.current()
        place = job.township.name if job.township_id else (county.name if county else "")
        return document_filename(place=place, year=year, name=_("township statistics"), ext="xlsx"), content


# Townships whose work-report figures and deputy archives are read together (about 2,000
# deputies): a county bundle's queries grow by one batch per this many townships, not by the
# forty-odd queries of each township's report and archives.
BUNDLE_BATCH = 25


def year_bundle_files(*, townships, year, requested_by, progress=lambda p: None):
    """[(path in zip, bytes)] of every township's year-end documents, a contents list first."""
    files = list(
        year_bundle_iter(townships=townships, year=year, requested_by=requested_by, progress=progress)
    )
    return [files[-1], *files[:-1]]


class _Progress:
    """Reports 5–95 % across a bundle's townships, each percentage once (a job's progress is a
    database write)."""

    def __init__(self, progress, townships):
        self.progress = progress
        self.steps = max(townships, 1)
        self.reported = []

    def step(self, i, fraction):
        """`fraction` of the way through the `i`-th township."""
        percent = 5 + int(90 * (i + fraction) / self.steps)
        if not self.reported or self.reported[-1] != percent:
            self.reported.append(percent)
            self.progress(percent)


def _part_files(part: YearEndPart, township, year, requested_by, notes):
    """(name, bytes) of one app's documents of the township, or none (a note says why)."""
    try:
        built = part.build(township, year, requested_by)
    except Exception as exc:  # one broken document must not lose the rest of the bundle
        logger.exception("Year-end bundle: %s of %s failed", part.label, township.code)
        notes.append(
            _("%(township)s: the %(document)s could not be built (%(error)s).")
            % {"township": township.name, "document": part.label, "error": exc.__class__.__name__}
        )
        return []
    if built is None:
        notes.append(
            _("%(township)s: no %(document)s for %(year)s (nothing computed yet).")
            % {"township": township.name, "document": part.label, "year": year}
        )
        return []
    return built if isinstance(built, list) else [built]


def _township_files(township, *, year, requested_by, report, has_texts, archives, writer, notes, step):
    """Yields (path in zip, bytes) of one township's documents: the work report, the apps'
    documents, the deputies' archives."""
    base = f"{year}/{township.name}"
    name, content = work_report_file(township, report)
    yield f"{base}/{name}", content
    step(0.1)
    if not has_texts:
        notes.append(
            _("%(township)s: the problems and plans of the work report have not been written yet.")
            % {"township": township.name}
        )
    parts = bundle_parts()
    for n, part in enumerate(parts, start=1):
        files = _part_files(part, township, year, requested_by, notes)
        step(0.1 + 0.2 * n / len(parts))
        for name, content in files:
            yield f"{base}/{name}", content
    archives_folder = _("Deputy archives")
    for n, archive in enumerate(archives, start=1):
        path = f"{base}/{archives_folder}/{archive.name}-{archive.deputy_id}.docx"
        yield path, documents.deputy_archive_docx(archive, writer=writer)
        if n % 5 == 0 or n == len(archives):
            step(0.3 + 0.7 * n / len(archives))


def year_bundle_iter(*, townships, year, requested_by, progress=lambda p: None):
    """Yields (path in zip, bytes) of every township's year-end documents one by one, the
    contents list last, so that a bundle is written to its zip as it is built: a county's
    bundle never sits in memory whole."""
    paths, notes = [], []
    townships = list(townships)
    reporter = _Progress(progress, len(townships))
    writer = documents.DeputyArchiveWriter()  # shared by every archive of the bundle
    for first in range(0, len(townships), BUNDLE_BATCH):
        batch = townships[first : first + BUNDLE_BATCH]
        texts = work_report_texts_by_township(batch, year)
        reports = selectors.work_reports_data(townships=batch, year=year, texts=texts)
        archives_of = deputy_archives_by_township(township_ids=[t.pk for t in batch], year=year)
        for i, township in enumerate(batch, start=first):
            for path, content in _township_files(
                township,
                year=year,
                requested_by=requested_by,
                report=reports[township.pk],
                has_texts=township.pk in texts,
                archives=archives_of[township.pk],
                writer=writer,
                notes=notes,
                step=lambda fraction, i=i: reporter.step(i, fraction),
            ):
                paths.append(path)
                yield path, content
    index = [_("Year-end documents %(year)s") % {"year": year}, "", *paths]
    if notes:
        index += [""] + notes
    contents = _("Contents")
    yield f"{year}/{contents}.txt", "\n".join(index).encode("utf-8")


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
        files = year_bundle_iter(
            townships=townships, year=year, requested_by=job.requested_by, progress=progress
        )
        label = job.township.name if job.township_id else _("all townships")
        name = document_filename(place=label, year=year, name=_("year-end documents"), ext="zip")
        # a temporary file, not bytes: the document runner saves it to storage as it is
        spool = tempfile.TemporaryFile()
        documents.zip_write(files, spool)
        return name, File(spool)
