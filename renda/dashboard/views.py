"""County dashboard, township workbench, drill-down, year-end documents. Thin views: the
figures come from `selectors`, documents from `jobs` via core's document jobs."""

import datetime as dt
import functools
import operator

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renda.core import hooks, quotas, records_cache
from renda.core.converters import year_or_none
from renda.core.cutoff import cutoff_sentence
from renda.core.exceptions import ApplicationError
from renda.core.figures import DEPUTY_LEVEL_LABELS, DOCUMENT_DEPUTY, RECORD_LIST_URL, YEAR_END_DEPUTIES
from renda.core.models import Term, Township
from renda.core.selectors import reminder_list, term_on
from renda.core.services import document_job_request
from renda.core.views import document_queued_message

from . import charts, figures_cache, selectors, todo
from .forms import WorkReportForm, YearForm
from .models import WorkReportText
from .tables import grades_text

DUE_LIST_LENGTH = 20


def year_choices(today=None):
    today = today or timezone.localdate()
    first = Term.objects.aggregate(first=Min("start_date"))["first"]
    first_year = max(first.year, today.year - 10) if first else today.year
    return list(range(today.year, first_year - 1, -1))


def _year(request, today=None):
    today = today or timezone.localdate()
    form = YearForm(request.GET or None, years=year_choices(today))
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else today.year
    return form, year


def _townships(request):
    """Townships the page shows: the user's own, or (county) all or the one picked in the nav."""
    qs = request.access.townships()
    selected = request.access.selected_township
    return qs.filter(pk=selected.pk) if selected else qs


def _job_from_query(request):
    pk = request.GET.get("job")
    if pk and pk.isdigit():
        return request.access.jobs().filter(pk=pk).first()
    return None


def drill_url(metric, township, year, *, base=None):
    base = base or reverse("dashboard:records")
    return f"{base}?{urlencode({'metric': metric, 'township': township.pk, 'year': year})}"


class _DrillLinks:
    """A row's links to the records behind each figure, made as the table is rendered: a table
    served from the records cache (the template's records_fragment) makes none."""

    def __init__(self, township, year, base):
        self.township, self.year, self.base = township, year, base

    def __getitem__(self, metric):
        if metric not in selectors.DRILL:
            raise KeyError(metric)
        return drill_url(metric, self.township, self.year, base=self.base)


def index(request):
    """The county dashboard; a township user sees the same for their own township."""
    request.access.require_browse()
    today = timezone.localdate()
    form, year = _year(request, today)
    # Worked out when the page's body is rendered: a body served from the records cache
    # (records_fragment in the template) needs none of it.
    body = SimpleLazyObject(lambda: _dashboard_body(request, year, today))
    context = {
        "year_form": form,
        "year": year,
        **{name: SimpleLazyObject(functools.partial(operator.getitem, body, name)) for name in _BODY},
        "today": today,
        "cutoff": cutoff_sentence(selectors.reference_day(year, today), past=dt.date(year, 12, 31) < today),
        "job": _job_from_query(request),
        "light_labels": quotas.LIGHT_LABELS,
        "quotas": quotas.QUOTAS,
        "is_township_user": request.user.township_id is not None,
        "can_bundle_all": request.access.can_admin_county,
    }
    return render(request, "dashboard/index.html", context)


_BODY = (
    "rows",
    "totals",
    "levels",
    "charts",
    "proposals_due",
    "proposals_due_count",
    "decisions_due",
    "decisions_due_count",
)


def _dashboard_body(request, year, today) -> dict:
    """The table's rows and totals, the charts and the lists of what comes due."""
    townships = list(_townships(request))
    rows = figures_cache.county_figures(townships=townships, year=year, today=today)
    ids = [t.pk for t in townships]
    records = reverse("dashboard:records")  # once, not for each of a city's 2,000 cells
    for row in rows:
        row.links = _DrillLinks(row.township, year, records)
        row.grades_display = grades_text(row.grades)
    totals = selectors.county_totals(rows) if len(rows) > 1 else None
    if totals:
        totals.grades_display = grades_text(totals.grades)
    return {
        "rows": rows,
        "totals": totals,
        "levels": hooks.first(DEPUTY_LEVEL_LABELS, default={}),
        "charts": charts.dashboard_charts(rows=rows, township_ids=ids, year=year, today=today),
        **_due_lists(ids, today),
    }


def _due_lists(ids, today):
    """The proposals and decisions coming due (the first few of each, and how many)."""
    proposals, decisions = (
        selectors.proposals_due(township_ids=ids, today=today),
        selectors.decisions_due(township_ids=ids, today=today),
    )
    return {
        "proposals_due": list(proposals[:DUE_LIST_LENGTH]),
        "proposals_due_count": proposals.count(),
        "decisions_due": list(decisions[:DUE_LIST_LENGTH]),
        "decisions_due_count": decisions.count(),
    }


@require_POST
def export_xlsx(request):
    request.access.require_browse()
    year = request.POST.get("year", "")
    if not year.isdigit() or int(year) not in year_choices():
        raise Http404
    year = int(year)
    selected = request.access.selected_township
    job = document_job_request(
        by=request.user,
        kind="dashboard_xlsx",
        params={"year": year},
        township=selected if (selected and request.access.is_county) else None,
    )
    job.refresh_from_db()
    messages.info(request, document_queued_message(job))
    return redirect(reverse("dashboard:index") + "?" + urlencode({"year": year, "job": job.pk}))


def records(request):
    """Drill-down: the records behind one number of the dashboard."""
    request.access.require_browse()
    metric = request.GET.get("metric", "")
    year = year_or_none(request.GET.get("year"))
    if year is None:
        raise Http404
    township = request.access.get_or_404(Township, pk=request.GET.get("township", ""))
    qs = selectors.drill_records(metric=metric, township_ids=[township.pk], year=year)
    if qs is None:
        raise Http404
    labels = metric_labels()
    items = list(qs[:500])
    return render(
        request,
        "dashboard/records.html",
        {
            "township": township,
            "year": year,
            "metric": metric,
            "metric_label": labels.get(metric, metric),
            "kind": qs.model._meta.model_name,
            "items": items,
            "truncated": len(items) == 500,
            "list_url": _list_url(qs.model),
        },
    )


def _list_url(model):
    """The full list of the records' kind (the app whose model it is names it), else the meetings'."""
    names = [name for name in hooks.collect(RECORD_LIST_URL, model=model) if name]
    try:
        return reverse(names[0] if names else "meetings:index")
    except NoReverseMatch:
        return ""


def metric_labels():
    return {
        "sessions": _("People's congress sessions"),
        "presidium": _("Presidium meetings"),
        "group_activities": _("Group activities"),
        "receptions": _("Voter receptions"),
        "trainings": _("Trainings"),
        "received": _("Proposals received"),
        "total": _("Proposals handled this year (incl. carried over)"),
        "closed": _("Proposals closed"),
        "overdue": _("Overdue proposals"),
        "dormant": _("Dormant deputies"),
        "deputies": _("Deputies"),
        "member_contacts": _("Presidium members behind on contacts with deputies"),
        "voter_contacts": _("Township deputies behind on contacts with voters"),
        "rota": _("Higher-level deputies behind on the reception rota"),
        "plans": _("Planned activities not held"),
        "training": _("New deputies not trained before their first session"),
    }


def home(request):
    """工作台, the home page: the user's to-do list (one line per kind of task, with its count and
    a link), their reminders and, for a township, this quarter's quotas."""
    user, access = request.user, request.access
    if access.is_deputy:  # deputies have their own home (portal)
        return redirect("portal:me")
    today = timezone.localdate()
    township = access.selected_township

    def township_ids():
        if township is not None:
            return [township.pk]
        return list(access.townships().values_list("pk", flat=True)) if access.is_county else []

    # Worked out when the page's fragment is rendered: a page served from the records cache runs
    # none of it. The session's keys are in the fragment's key (a roster import waiting for
    # confirmation is a line).
    ids = SimpleLazyObject(township_ids)
    lines = SimpleLazyObject(lambda: _todo_lines(request, ids, today) if ids else [])
    context = {
        "township": township,
        "today": today,
        "term": SimpleLazyObject(lambda: term_on(township=township)) if township else None,
        "todo": SimpleLazyObject(lambda: [line for line in lines if line.count]),
        "done": SimpleLazyObject(lambda: [line for line in lines if not line.count]),
        "reminders": SimpleLazyObject(lambda: list(reminder_list(user=user)[:10])),
        "can_write": access.can_write(),
        "township_count": SimpleLazyObject(lambda: len(ids)),
        "session_keys": sorted(request.session.keys()),
    }
    if township is not None and access.is_township_staff:
        data = records_cache.remember(
            "workbench-quarter",
            (township.pk,),
            lambda: selectors.workbench_quarter(township=township, today=today),
            today=today,
        )
        context.update(data, light=data["figures"].lights)
    return render(request, "dashboard/home.html", context)


def _todo_lines(request, ids, today):
    """The user's to-do lines (the workbench's fragment, keyed also by the session's keys, keeps
    them: a roster import waiting for confirmation is a line)."""
    return todo.todo_lines(user=request.user, township_ids=list(ids), session=request.session, today=today)


def workbench(request):
    """The old 工作台 address: the workbench is the home page now."""
    request.access.require_browse()
    return redirect("home")


def _year_end_year(request, today):
    """The year of the year-end page: the posted one, else the query's; this year if not offered."""
    _form, year = _year(request, today)
    if request.method == "POST" and request.POST.get("year", "").isdigit():
        year = int(request.POST["year"])
    return year if year in year_choices(today) else today.year


def year_end(request):
    """Year-end documents of a township: the work report (with the secretary's text), the
    deputies' archives and the bundle; the admin may also bundle every township."""
    request.access.require_browse()
    today = timezone.localdate()
    township = request.access.selected_township
    year = _year_end_year(request, today)
    can_write = township is not None and request.access.can_write()
    text = WorkReportText.objects.filter(township=township, year=year).first() if township else None
    form = WorkReportForm(instance=text, initial={"year": year}, years=year_choices(today))
    if request.method == "POST":
        job, form = _year_end_submit(request, township=township, year=year, can_write=can_write, form=form)
        if job is not None:
            job.refresh_from_db()
            messages.info(request, document_queued_message(job))
            return redirect(reverse("dashboard:year_end") + "?" + urlencode({"year": year, "job": job.pk}))
    deputies = hooks.first(YEAR_END_DEPUTIES, default=[], township=township, year=year) if township else []
    return render(
        request,
        "dashboard/year_end.html",
        {
            "township": township,
            "year": year,
            "years": year_choices(today),
            "form": form,
            "text": text,
            "can_write": can_write,
            "deputies": deputies,
            "job": _job_from_query(request),
            "can_bundle_all": request.access.can_admin_county,
        },
    )


class _FormInvalid(Exception):
    def __init__(self, form):
        self.form = form


def _year_end_submit(request, *, township, year, can_write, form):
    """(the job asked for or None, the form to show): a refusal is a message, a bad form is shown."""
    try:
        return _year_end_post(
            request, action=request.POST.get("action"), township=township, year=year, can_write=can_write
        ), form
    except ApplicationError as exc:
        messages.error(request, exc.message)
    except _FormInvalid as invalid:
        form = invalid.form
    return None, form


def _bundle_all(request, *, township, year, can_write):
    if not request.access.can_admin_county:
        raise PermissionDenied
    return document_job_request(
        by=request.user,
        kind="dashboard_year_bundle",
        params={"year": year, "all": True},
        township=None,
        title=_("Year-end documents of all townships, %(year)s (.zip)") % {"year": year},
    )


def _work_report_job(user, *, township, year, params):
    return document_job_request(
        by=user,
        kind="dashboard_work_report",
        params=params,
        township=township,
        title=_("%(township)s %(year)s work report (.docx)") % {"township": township.name, "year": year},
    )


def _save_report(request, *, township, year, can_write):
    """Save the secretary's text of the work report, then build it."""
    from .services import work_report_text_save

    if not can_write:
        raise PermissionDenied
    text = WorkReportText.objects.filter(township=township, year=year).first()
    form = WorkReportForm(request.POST, instance=text, years=year_choices())
    if not form.is_valid():
        raise _FormInvalid(form)
    try:
        work_report_text_save(
            township=township,
            year=year,
            by=request.user,
            opening=form.cleaned_data["opening"],
            problems=form.cleaned_data["problems"],
            plans=form.cleaned_data["plans"],
        )
    except ApplicationError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        raise _FormInvalid(form) from None
    dated = form.cleaned_data.get("dated")
    params = {"year": year, **({"dated": dated.isoformat()} if dated else {})}
    return _work_report_job(request.user, township=township, year=year, params=params)


def _report(request, *, township, year, can_write):
    if not WorkReportText.objects.filter(township=township, year=year).exists():
        raise ApplicationError(
            _("The township has not yet written the problems and plans of its %(year)s report.")
            % {"year": year}
        )
    return _work_report_job(request.user, township=township, year=year, params={"year": year})


def _document_deputy(request, pk, township=None):
    """The deputy a document is asked for (the roster answers, 404 for one the user may not see)."""
    deputy = hooks.first(DOCUMENT_DEPUTY, access=request.access, pk=pk, township=township)
    if deputy is None:
        raise Http404
    return deputy


def _archive(request, *, township, year, can_write):
    deputy = _document_deputy(request, request.POST.get("deputy"), township=township)
    return document_job_request(
        by=request.user,
        kind="dashboard_deputy_archive",
        params={"year": year, "deputy": deputy.pk},
        township=township,
        title=_("Archive of %(name)s, %(year)s (.docx)") % {"name": deputy.name, "year": year},
    )


def _bundle(request, *, township, year, can_write):
    return document_job_request(
        by=request.user,
        kind="dashboard_year_bundle",
        params={"year": year},
        township=township,
        title=_("%(township)s year-end documents %(year)s (.zip)")
        % {"township": township.name, "year": year},
    )


# What the year-end page's buttons ask for (all but bundle_all are for the township picked).
YEAR_END_ACTIONS = {"save_report": _save_report, "report": _report, "archive": _archive, "bundle": _bundle}


def _year_end_post(request, *, action, township, year, can_write):
    if action == "bundle_all":
        return _bundle_all(request, township=township, year=year, can_write=can_write)
    if township is None:
        raise ApplicationError(_("Pick a township in the navigation bar first."))
    if action not in YEAR_END_ACTIONS:
        raise Http404
    return YEAR_END_ACTIONS[action](request, township=township, year=year, can_write=can_write)


@require_POST
def deputy_archive(request):
    """Build one deputy's archive of a year (from the deputy's page); the file is under My files."""
    request.access.require_browse()
    deputy = _document_deputy(request, request.POST.get("deputy") or 0)
    year = request.POST.get("year", "")
    if not year.isdigit() or int(year) not in year_choices():
        raise Http404
    job = document_job_request(
        by=request.user,
        kind="dashboard_deputy_archive",
        params={"year": int(year), "deputy": deputy.pk},
        township=Township.objects.get(pk=deputy.township_id),
        title=_("Archive of %(name)s, %(year)s (.docx)") % {"name": deputy.name, "year": year},
    )
    job.refresh_from_db()
    messages.info(request, document_queued_message(job))
    return redirect("documents")
