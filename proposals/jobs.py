"""Background documents of proposals: the register (.xlsx), the 交办单 and the year's report."""

import dataclasses
import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from renda.core.access import access_for
from renda.core.exceptions import ApplicationError
from renda.core.jobs import job_handler
from renda.core.models import Township
from renda.core.organs import document_filename, township_organs

from .models import Proposal


def register_export(*, qs, title, progress=None):
    """(row count, bytes) of the formatted register of `qs`; used by the page and the command."""
    from .documents import register_workbook
    from .selectors import proposal_register_rows

    total = qs.count()
    if progress:
        progress(5)
    content = register_workbook(
        title=title, rows=proposal_register_rows(qs=qs), progress=progress, total=total
    )
    return total, content


def register_title(*, township=None, year=None):
    name = township.name if township else _("All townships")
    if year:
        return _("%(name)s register of motions and suggestions, %(year)s") % {"name": name, "year": year}
    return _("%(name)s register of motions and suggestions") % {"name": name}


@job_handler("proposals_register", gettext_lazy("Register of motions and suggestions (.xlsx)"))
def proposals_register(job, progress):
    from .selectors import proposal_list

    filters = job.params.get("filters", {})
    qs = proposal_list(user=job.requested_by, filters=filters, township=job.township)
    year = filters.get("year") or None
    _count, content = register_export(
        qs=qs, title=register_title(township=job.township, year=year), progress=progress
    )
    place = job.township.name if job.township else _("All townships")
    return document_filename(
        place=place, year=year, name=_("register of motions and suggestions"), ext="xlsx"
    ), content


@job_handler("proposals_assignment", gettext_lazy("Assignment sheet (.docx)"))
def proposals_assignment(job, progress):
    from .documents import assignment_sheet_docx
    from .selectors import proposal_assignment_data

    proposal = (
        access_for(job.requested_by)
        .scope(Proposal)
        .select_related("township", "category", "lead_deputy", "lead_unit")
        .filter(pk=job.params.get("proposal_id"))
        .first()
    )
    if proposal is None or proposal.lead_unit_id is None:
        raise ApplicationError(_("This proposal has not been assigned to a unit."))
    progress(40)
    data = dataclasses.replace(
        proposal_assignment_data(proposal=proposal), organs=township_organs(proposal.township)
    )
    content = assignment_sheet_docx(data)
    name = _("assignment sheet %(number)s") % {"number": proposal.number}
    if proposal.round > 1:
        name += _(" (round %(round)s)") % {"round": proposal.round}
    return document_filename(place=proposal.township.name, year=proposal.year, name=name, ext="docx"), content


@job_handler("proposals_report", gettext_lazy("Handling report of the year (.docx)"))
def proposals_report(job, progress):
    from .documents import handling_report_docx
    from .selectors import proposal_report_data

    township = job.township or Township.objects.filter(pk=job.params.get("township_id")).first()
    if township is None:
        raise ApplicationError(_("Choose a township for the handling report."))
    user = job.requested_by
    if not access_for(user).can_request_document(township):
        raise ApplicationError(_("You may only request documents of your own township."))
    year = int(job.params["year"])
    dated = None
    if job.params.get("dated"):  # 成文日期 chosen by the secretary
        try:
            dated = dt.date.fromisoformat(job.params["dated"])
        except ValueError:
            raise ApplicationError(_("The date of the report is not a valid date.")) from None
    data = dataclasses.replace(
        proposal_report_data(township=township, year=year, dated=dated), organs=township_organs(township)
    )
    progress(60)
    name = _("report on the handling of motions and suggestions")
    return document_filename(place=township.name, year=year, name=name, ext="docx"), handling_report_docx(
        data
    )
