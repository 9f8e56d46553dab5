"""Thin views: collect input, call a selector or a service, render."""

import datetime as dt
import operator
from functools import cache, partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from renda.core import records_cache
from renda.core.access import access_for
from renda.core.converters import year_or_none
from renda.core.cutoff import cutoff_sentence
from renda.core.exceptions import ApplicationError
from renda.core.forms import DATE_MAX, DATE_MIN, BootstrapFormMixin
from renda.core.history import history_entries
from renda.core.links import pk_url
from renda.core.rows import Row
from renda.core.services import document_job_request
from renda.core.views import document_queued_message

from . import services, workflow
from .forms import (
    AssignForm,
    DecideForm,
    EvaluateForm,
    HandlingUnitForm,
    NoteForm,
    ProposalForm,
    RejectForm,
    ReplyForm,
    ScopedForm,
    SettingsForm,
)
from .models import (
    HandlingUnit,
    Proposal,
    ProposalAttachment,
    ProposalCategory,
    ProposalEvaluation,
    ProposalReply,
)
from .selectors import (
    RATE_DEFINITIONS,
    REGISTER_ORDER,
    proposal_cutoff,
    proposal_cutoff_is_past,
    proposal_detail,
    proposal_list,
    proposal_register_page_rows,
    proposal_register_state_counts,
    proposal_signers_not_serving,
    proposal_statistics_data,
    proposal_timeline,
)

PAGE_SIZE = 50
RANKING_COUNTY_ROWS = 30
EDITABLE_STATES = (Proposal.State.SUBMITTED, Proposal.State.REGISTERED)


def _year_choices():
    this = timezone.localdate().year
    return [("", gettext_lazy("All years"))] + [(str(y), str(y)) for y in range(this, this - 8, -1)]


class RegisterFilterForm(BootstrapFormMixin, ScopedForm):
    year = forms.ChoiceField(label=gettext_lazy("year"), required=False)
    term = forms.IntegerField(label=gettext_lazy("term"), required=False, min_value=1)
    kind = forms.ChoiceField(
        label=gettext_lazy("kind"),
        required=False,
        choices=[("", gettext_lazy("All kinds"))] + Proposal.Kind.choices,
    )
    category = forms.ChoiceField(label=gettext_lazy("category"), required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("state"),
        required=False,
        choices=[("", gettext_lazy("All states"))] + Proposal.State.choices,
    )
    unit = forms.ChoiceField(label=gettext_lazy("lead unit"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("overdue"), required=False)
    due_soon = forms.BooleanField(label=gettext_lazy("due within 7 days"), required=False)
    key = forms.BooleanField(label=gettext_lazy("key suggestions"), required=False)
    q = forms.CharField(label=gettext_lazy("search"), required=False, max_length=100)

    def __init__(self, *args, township=None, **kwargs):
        self.township = township
        super().__init__(*args, **kwargs)

    def setup_fields(self):
        township = self.township
        self.fields["year"].choices = _year_choices()
        cats = ProposalCategory.objects.all()
        units = HandlingUnit.objects.all()
        if township is not None:
            cats, units = cats.filter(township=township), units.filter(township=township)
        # read when the form is shown or a value is checked: a form served from the records
        # cache with an empty category and unit reads neither; read once (a select is iterated
        # twice when shown: for its `required` attribute, then for its options)
        self.fields["category"].choices = cache(
            lambda: (
                [("", _("All categories"))]
                + [
                    (n, n)
                    for n in cats.order_by("display_order").values_list("name", flat=True).distinct()[:100]
                ]
            )
        )
        self.fields["unit"].choices = cache(
            lambda: (
                [("", _("All units"))]
                + [(n, n) for n in units.order_by("name").values_list("name", flat=True).distinct()[:200]]
            )
        )


def _scope_township(request):
    return request.access.selected_township


def proposal_register(request):
    """台账: filters, counts per state, pagination, export."""
    township = _scope_township(request)
    data = request.GET.copy()
    if "year" not in data and not request.access.is_handling_unit:
        data["year"] = str(timezone.localdate().year)
    today = timezone.localdate()
    # Worked out when the page's fragment is rendered: a page served from the records cache
    # needs none of it.
    shown = SimpleLazyObject(lambda: _register_page(request, township, data, today))
    query = data.copy()
    query.pop("state", None)
    query.pop("page", None)
    return render(
        request,
        "proposals/register.html",
        {
            "form": SimpleLazyObject(lambda: shown["form"]),
            "page_obj": SimpleLazyObject(lambda: shown["page"]),
            "counts": SimpleLazyObject(lambda: shown["counts"]),
            "state_query": query.urlencode(),
            "is_staff": request.access.is_township_staff,
            "today": today,
            "show_township": township is None,
        },
    )


def _register_page(request, township, data, today) -> dict:
    """The register's filter form, its counts per state and the page of rows asked for."""
    user = request.user
    form = RegisterFilterForm(data, township=township)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = proposal_list(user=user, filters=filters, township=township)
    count_filters = {k: v for k, v in filters.items() if k != "state"}
    counts = records_cache.remember(
        "register-counts",
        records_cache.request_parts(request),
        lambda: proposal_register_state_counts(user=user, filters=count_filters, township=township),
    )
    paginator = Paginator(qs.order_by(*REGISTER_ORDER).values_list("pk", flat=True), PAGE_SIZE)
    # The per-state counts already add up to the total: spare the page a second scan to count it.
    state = filters.get("state")
    paginator.count = sum(n for value, _label, n in counts if not state or value == state)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _register_row_display(proposal_register_page_rows(list(page.object_list)), today)
    return {"form": form, "page": page, "counts": counts}


STATE_BADGE = {
    Proposal.State.CLOSED: "text-bg-success",
    Proposal.State.NOT_ACCEPTED: "text-bg-secondary",
    Proposal.State.REPLIED: "text-bg-info",
    Proposal.State.EVALUATED: "text-bg-info",
    Proposal.State.ASSIGNED: "text-bg-primary",
    Proposal.State.IN_PROGRESS: "text-bg-primary",
}


def _register_row_display(rows, today) -> list[Row]:
    """What each register row shows, worked out once here (the template only prints it), as
    proposals/_state_badge.html shows it on the detail page."""
    detail_url = pk_url("proposals:detail")
    # the labels translated once a page, not once a row
    kinds = {value: str(label) for value, label in Proposal.Kind.choices}
    states = {value: str(label) for value, label in Proposal.State.choices}
    ratings = {value: str(label) for value, label in Proposal.Rating.choices}
    shown = []
    for p in rows:
        overdue = p.is_overdue(today)
        shown.append(
            Row(
                pk=p.pk,
                url=detail_url(p.pk),
                township_name=p.township_name,
                number=p.number,
                title=p.title,
                is_key=p.is_key,
                carried=p.year < today.year
                and p.state not in (Proposal.State.CLOSED, Proposal.State.NOT_ACCEPTED),
                kind_shown=kinds.get(p.kind, p.kind),
                category_name=p.category_name,
                lead_deputy=p.lead_deputy_name if p.lead_deputy_id is not None else None,
                by_presidium=p.by_presidium,
                lead_unit_name=p.lead_unit_name,
                deadline_shown=p.deadline.isoformat() if p.deadline else "—",
                replied_shown=p.replied_on.isoformat() if p.replied_on else "—",
                outcome=p.outcome,
                rating_shown=ratings.get(p.rating, p.rating) or "—",
                badge=STATE_BADGE.get(p.state, "text-bg-light border"),
                state_shown=states.get(p.state, p.state),
                is_overdue_now=overdue,
                is_due_soon_now=not overdue and p.is_due_soon(today),
                round=p.round,
            )
        )
    return shown


@require_POST
def proposal_register_export(request):
    user = request.user
    request.access.require_browse()
    township = _scope_township(request)
    form = RegisterFilterForm(request.POST, township=township)
    filters = form.cleaned_data if form.is_valid() else {}
    filters = {k: v for k, v in filters.items() if v not in (None, "", False)}
    job = document_job_request(
        by=user, kind="proposals_register", params={"filters": filters}, township=township
    )
    job.refresh_from_db()
    messages.info(request, document_queued_message(job))
    return redirect("documents")


def _proposal_or_404(request, pk, *, prefetch=True):
    try:
        return proposal_detail(user=request.user, pk=pk, prefetch=prefetch)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


def _file_response(field_file, name):
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=name)


def proposal_attachment_download(request, pk, file_pk):
    """An attachment of the proposal, for whoever may see the proposal (MEDIA_URL is not served)."""
    proposal = _proposal_or_404(request, pk)
    attachment = request.access.get_or_404(proposal.attachments.all(), pk=file_pk)
    return _file_response(attachment.file, attachment.name)


def proposal_reply_letter(request, pk, file_pk):
    """The reply letter of one round, for whoever may see the proposal."""
    proposal = _proposal_or_404(request, pk)
    reply = request.access.get_or_404(proposal.replies.exclude(file=""), pk=file_pk)
    return _file_response(reply.file, reply.file.name.rsplit("/", 1)[-1])


ACTION_FORMS = {
    "decide": DecideForm,
    "register": NoteForm,
    "reject": RejectForm,
    "assign": AssignForm,
    "start": NoteForm,
    "reply": ReplyForm,
    "evaluate": EvaluateForm,
    "close": NoteForm,
}
# "Register" and "Close" alone are also the register (台账) and a dialog's close (关闭): the
# workflow buttons carry a context so that they read 立案 and 办结.
ACTION_LABELS = {
    "decide": gettext_lazy("Record the presidium's decision"),
    "register": pgettext_lazy("proposal action", "Register"),
    "reject": gettext_lazy("Do not accept"),
    "assign": gettext_lazy("Assign"),
    "start": gettext_lazy("Start handling"),
    "reply": gettext_lazy("Record the reply"),
    "evaluate": gettext_lazy("Record the deputy's evaluation"),
    "close": pgettext_lazy("proposal action", "Close"),
}


def _action_form(action, proposal, data=None, files=None):
    cls = ACTION_FORMS[action]
    today = timezone.localdate()
    kwargs = {}
    initial = {}
    if action == "assign":
        kwargs["township"] = proposal.township
        initial = {"assigned_on": today}
    elif action == "reply":
        initial = {"replied_on": today}
    elif action == "evaluate":
        initial = {"evaluated_on": today}
    return cls(data, files, prefix=action, initial=initial, **kwargs)


def _detail_context(request, proposal, *, bound=None):
    """The detail page's context. `bound` is an action form that failed validation: it replaces
    that action's blank form and is shown open, everything else is as on a plain GET. What the
    page shows is worked out when its fragment is rendered: a page served from the records cache
    needs none of it."""
    user = request.user
    open_action = bound.prefix if bound is not None else None

    def action_forms():
        return [
            (a, ACTION_LABELS[a], bound if a == open_action else _action_form(a, proposal))
            for a in workflow.proposal_actions(proposal=proposal, user=user)
        ]

    # the same rule as proposal_edit (the view's permission) and proposal_update (the state)
    can_change = request.access.can_write(proposal, "proposals.change_proposal")
    shown = SimpleLazyObject(partial(_proposal_records, proposal))
    return {
        "p": proposal,
        "action_forms": SimpleLazyObject(action_forms),
        "open_action": open_action,
        "events": SimpleLazyObject(partial(proposal_timeline, proposal=proposal)),
        "attachments": SimpleLazyObject(lambda: shown["attachments"]),
        "replies": SimpleLazyObject(lambda: shown["replies"]),
        "evaluations": SimpleLazyObject(lambda: shown["evaluations"]),
        "history": SimpleLazyObject(partial(history_entries, proposal)),
        # old records: a signer not serving on the day it was submitted is shown, not refused
        "not_serving": SimpleLazyObject(partial(proposal_signers_not_serving, proposal=proposal)),
        "can_publish": can_change,
        # the chair takes back the last step (a step recorded by mistake), with a reason
        "can_undo": SimpleLazyObject(lambda: request.access.is_chair and can_change and shown["undoable"]),
        "can_edit": can_change and proposal.state in EDITABLE_STATES,
    }


def _proposal_records(proposal) -> dict:
    """The proposal's attachments, replies and evaluations, and whether its last step may be undone."""
    last = workflow.proposal_last_step(proposal=proposal)
    return {
        "attachments": list(ProposalAttachment.objects.filter(proposal=proposal)),
        "replies": list(ProposalReply.objects.filter(proposal=proposal).select_related("unit")),
        "evaluations": list(ProposalEvaluation.objects.filter(proposal=proposal)),
        "undoable": last is not None and last.action in workflow.UNDOABLE,
    }


def proposal_show(request, pk):
    # What the page shows of the records is read when a fragment of it is rendered (none when it
    # comes from the records cache): no prefetch.
    proposal = _proposal_or_404(request, pk, prefetch=False)
    return render(request, "proposals/detail.html", _detail_context(request, proposal))


@require_POST
def proposal_undo(request, pk):
    """The chair undoes the last workflow step, with a reason."""
    proposal = _proposal_or_404(request, pk)
    if not (request.access.is_chair and request.access.can_write(proposal)):
        raise PermissionDenied
    try:
        services.proposal_undo_last_step(
            proposal=proposal, by=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The last step was undone."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("proposals:detail", pk=proposal.pk)


def _action_run(action: str, proposal, d: dict, by) -> None:
    """Call the workflow service behind `action` with its form's cleaned data."""
    if action == "decide":
        services.proposal_motion_decide(proposal=proposal, on_agenda=d["on_agenda"], note=d["note"], by=by)
    elif action == "register":
        services.proposal_register(proposal=proposal, note=d["note"], by=by)
    elif action == "reject":
        services.proposal_reject(proposal=proposal, reason=d["reason"], by=by)
    elif action == "assign":
        services.proposal_assign(
            proposal=proposal,
            lead_unit=d["lead_unit"],
            assisting_units=list(d["assisting_units"]),
            responsible_leader=d["responsible_leader"],
            assigned_on=d["assigned_on"],
            deadline=d["deadline"],
            note=d["note"],
            by=by,
        )
    elif action == "start":
        services.proposal_start(proposal=proposal, note=d["note"], by=by)
    elif action == "reply":
        services.proposal_reply(
            proposal=proposal,
            text=d["text"],
            outcome=d["outcome"],
            met_in_person=d["met_in_person"],
            replied_on=d["replied_on"],
            file=d["file"],
            by=by,
        )
    elif action == "evaluate":
        services.proposal_evaluate(
            proposal=proposal,
            rating=d["rating"],
            comment=d["comment"],
            evaluated_on=d["evaluated_on"],
            new_deadline=d["new_deadline"],
            by=by,
        )
    elif action == "close":
        services.proposal_close(proposal=proposal, note=d["note"], by=by)


@require_POST
def proposal_action(request, pk, action):
    if action not in ACTION_FORMS:
        raise Http404
    proposal = _proposal_or_404(request, pk)
    if request.access.is_county:
        raise PermissionDenied
    form = _action_form(action, proposal, request.POST, request.FILES)
    if form.is_valid():
        try:
            _action_run(action, proposal, form.cleaned_data, by=request.user)
        except ApplicationError as exc:
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
                return redirect("proposals:detail", pk=proposal.pk)
        else:
            messages.success(request, _("%(action)s: done.") % {"action": ACTION_LABELS[action]})
            return redirect("proposals:detail", pk=proposal.pk)
    # Invalid: show the detail page with this form open and its errors beside the fields.
    return render(
        request, "proposals/detail.html", _detail_context(request, proposal, bound=form), status=400
    )


# The details that can be corrected after submission (proposal_update); the create form has more.
DETAIL_FIELDS = (
    "title",
    "content",
    "category",
    "lead_deputy",
    "by_presidium",
    "origin",
    "is_key",
    "supervising_leader",
)


def _details(data):
    return {**{k: data[k] for k in DETAIL_FIELDS}, "co_signers": list(data["co_signers"])}


def _proposal_form_page(request, *, township, proposal=None, initial, save):
    """The create and edit pages: validate, call `save(cleaned_data)` -> (proposal, message), and
    show the form again with the service's refusal beside its field."""
    editing = proposal is not None
    # an old record's signers stay on offer, with a warning when one was not serving that day
    keep = [proposal.lead_deputy_id, *(d.pk for d in proposal.co_signers.all())] if editing else []
    not_serving = proposal_signers_not_serving(proposal=proposal) if editing else []
    if request.method == "POST":
        form = ProposalForm(request.POST, request.FILES, township=township, editing=editing, keep=keep)
        if form.is_valid():
            try:
                saved, message = save(form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, message)
                return redirect("proposals:detail", pk=saved.pk)
    else:
        form = ProposalForm(township=township, editing=editing, initial=initial, keep=keep)
    return render(
        request, "proposals/form.html", {"form": form, "proposal": proposal, "not_serving": not_serving}
    )


def proposal_create(request):
    user = request.user
    request.access.require_write(perm="proposals.add_proposal")
    township = user.township

    def save(d):
        p = services.proposal_submit(
            township=township,
            by=user,
            **_details(d),
            kind=d["kind"],
            submitted_on=d["submitted_on"],
            during_session=d["during_session"],
            session_number=d["session_number"],
            attachments=[d["attachments"]] if d["attachments"] else [],
            session=d["session"],
            source_activity=d["source_activity"],
        )
        return p, _("Recorded as %(number)s.") % {"number": p.number}

    initial = _create_initial(request, township) if request.method != "POST" else None
    return _proposal_form_page(request, township=township, initial=initial, save=save)


def _create_initial(request, township):
    """Prefill from ?activity=<pk> (a suggestion raised at a reception or inspection) or ?session=<pk>."""
    from meetings.models import Activity, ReceptionIssue, Session

    initial = {"submitted_on": timezone.localdate(), "kind": Proposal.Kind.SUGGESTION}
    activity_pk = request.GET.get("activity", "")
    session_pk = request.GET.get("session", "")
    if activity_pk.isdigit():
        activity = request.access.get_or_404(Activity.objects.filter(township=township), pk=activity_pk)
        initial.update(
            source_activity=activity.pk,
            origin=Proposal.Origin.RECEPTION,
            submitted_on=activity.start_date,
            content=activity.findings,
        )
        lead = activity.deputies.order_by("pk").first()
        if lead:
            initial["lead_deputy"] = lead.pk
        issue_pk = request.GET.get("issue", "")
        if issue_pk.isascii() and issue_pk.isdigit():
            # an issue a voter raised at this reception, adopted as a suggestion ("视同代表建议")
            issue = request.access.get_or_404(ReceptionIssue.objects.filter(activity=activity), pk=issue_pk)
            initial.update(title=issue.content.splitlines()[0][:60], content=issue.content)
            if issue.received_by_id:
                initial["lead_deputy"] = issue.received_by_id
    if session_pk.isdigit():
        session = request.access.get_or_404(Session.objects.filter(township=township), pk=session_pk)
        initial.update(
            session=session.pk,
            during_session=True,
            session_number=session.number,
            submitted_on=session.start_date,
        )
    return initial


def proposal_edit(request, pk):
    user = request.user
    request.access.require_write(perm="proposals.change_proposal")
    proposal = _proposal_or_404(request, pk)

    def save(d):
        services.proposal_update(proposal=proposal, by=user, **_details(d))
        return proposal, _("Saved.")

    initial = {
        **{k: getattr(proposal, k) for k in DETAIL_FIELDS},
        "category": proposal.category_id,
        "lead_deputy": proposal.lead_deputy_id,
        "co_signers": [d.pk for d in proposal.co_signers.all()],
    }
    return _proposal_form_page(
        request, township=proposal.township, proposal=proposal, initial=initial, save=save
    )


@require_POST
def proposal_assignment_sheet(request, pk):
    proposal = _proposal_or_404(request, pk)
    if proposal.lead_unit_id is None:
        messages.error(request, _("This proposal has not been assigned to a unit."))
        return redirect("proposals:detail", pk=pk)
    job = document_job_request(
        by=request.user,
        kind="proposals_assignment",
        params={"proposal_id": proposal.pk},
        township=proposal.township if not request.access.is_county else None,
        title=_("Assignment sheet %(number)s") % {"number": proposal.number},
    )
    job.refresh_from_db()
    messages.info(request, document_queued_message(job))
    return redirect("documents")


def _stats_year(request):
    return year_or_none(request.GET.get("year")) or timezone.localdate().year


def _month_chart(by_month):
    """Received and closed per month of the year (ECharts option)."""
    month_labels = [_("Month %(m)s") % {"m": m} for m in range(1, 13)]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [str(_("received")), str(_("closed"))]},
        "xAxis": {"type": "category", "data": month_labels, "name": str(_("month"))},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": str(_("received")), "type": "bar", "data": [m["received"] for m in by_month]},
            {"name": str(_("closed")), "type": "bar", "data": [m["closed"] for m in by_month]},
        ],
    }


def _category_chart(by_category):
    """The year's proposals by category (ECharts pie)."""
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [{"name": r["name"], "value": r["total"]} for r in by_category],
            }
        ],
    }


def _unit_chart(ranking):
    """On-time reply and satisfaction rates of the fifteen best-ranked handling units."""
    top = ranking[:15]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [str(_("on-time reply rate")), str(_("satisfaction rate"))]},
        "grid": {"left": 140},
        "xAxis": {"type": "value", "max": 100},
        "yAxis": {"type": "category", "inverse": True, "data": [r["name"] for r in top]},
        "series": [
            {
                "name": str(_("on-time reply rate")),
                "type": "bar",
                "data": [r["on_time_rate"] or 0 for r in top],
            },
            {
                "name": str(_("satisfaction rate")),
                "type": "bar",
                "data": [r["satisfied_rate"] or 0 for r in top],
            },
        ],
    }


def proposal_statistics(request):
    user = request.user
    request.access.require_browse()
    township = _scope_township(request)
    year = _stats_year(request)
    # Worked out when the page's figures are rendered: figures served from the records cache
    # (records_fragment in the template) need none of it.
    figures = SimpleLazyObject(lambda: _statistics_figures(user, township, year))
    return render(
        request,
        "proposals/statistics.html",
        {
            "year": year,
            "years": [y for y in range(timezone.localdate().year, timezone.localdate().year - 8, -1)],
            "township": township,
            **{name: SimpleLazyObject(partial(operator.getitem, figures, name)) for name in _STATISTICS},
            "can_report": township is not None,
            "cutoff": cutoff_sentence(proposal_cutoff(year), past=proposal_cutoff_is_past(year)),
            "rate_definitions": list(RATE_DEFINITIONS.values()),
        },
    )


_STATISTICS = (
    "stats",
    "by_category",
    "ranking",
    "ranking_total",
    "by_township",
    "month_chart",
    "cat_chart",
    "unit_chart",
    "charts",
)


def _statistics_figures(user, township, year) -> dict:
    figures = proposal_statistics_data(user=user, township=township, year=year)
    ranking = figures["ranking"]
    charts = {
        "month": _month_chart(figures["by_month"]),
        "cat": _category_chart(figures["by_category"]),
        "unit": _unit_chart(ranking),
    }
    return {
        "stats": figures["stats"],
        "by_category": figures["by_category"],
        # A county has thousands of handling units: the page ranks the best; the report has them all.
        "ranking": ranking if township is not None else ranking[:RANKING_COUNTY_ROWS],
        "ranking_total": len(ranking),
        "by_township": figures["by_township"] if township is None else None,
        "month_chart": charts["month"],
        "cat_chart": charts["cat"],
        "unit_chart": charts["unit"],
        "charts": charts,  # the template's json_script needs the dicts themselves, not proxies
    }


@require_POST
def proposal_report(request):
    user = request.user
    request.access.require_browse()
    township = _scope_township(request)
    if township is None:
        messages.error(request, _("Choose a township first."))
        return redirect("proposals:statistics")
    year = year_or_none(request.POST.get("year")) or timezone.localdate().year
    params = {"year": year, "township_id": township.pk}
    dated = request.POST.get("dated") or ""  # 成文日期; empty: today this year, a past year undated
    if dated:
        try:
            day = dt.date.fromisoformat(dated)
        except ValueError:
            day = None
        if day is None or not DATE_MIN <= day <= DATE_MAX:
            messages.error(request, _("The date of the report is not a valid date."))
            return redirect("proposals:statistics")
        params["dated"] = day.isoformat()
    job = document_job_request(
        by=user,
        kind="proposals_report",
        params=params,
        township=township,
        title=_("Handling report %(township)s %(year)s") % {"township": township.name, "year": year},
    )
    job.refresh_from_db()
    messages.info(request, document_queued_message(job))
    return redirect("documents")


# ---------------------------------------------------------------- units and settings


def unit_list(request):
    user = request.user
    request.access.require_browse()
    township = _scope_township(request)
    units = access_for(user).scope(HandlingUnit).select_related("township").prefetch_related("users")
    if township is not None:
        units = units.filter(township=township)
    return render(
        request,
        "proposals/units.html",
        {
            "units": units.order_by("township__display_order", "display_order", "name"),
            "is_staff": request.access.is_township_staff,
        },
    )


def unit_edit(request, pk=None):
    user = request.user
    request.access.require_write(perm="proposals.change_handlingunit")
    unit = request.access.get_or_404(access_for(user).scope(HandlingUnit), pk=pk) if pk else None
    if request.method == "POST":
        form = HandlingUnitForm(request.POST, township=user.township)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.handling_unit_save(
                    township=user.township,
                    by=user,
                    unit=unit,
                    name=d["name"],
                    contact_person=d["contact_person"],
                    phone=d["phone"],
                    is_active=d["is_active"],
                    users=list(d["users"]),
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("proposals:units")
    else:
        initial = {"is_active": True}
        if unit:
            initial = {
                "name": unit.name,
                "contact_person": unit.contact_person,
                "phone": unit.phone,
                "is_active": unit.is_active,
                "users": [u.pk for u in unit.users.all()],
            }
        form = HandlingUnitForm(initial=initial, township=user.township)
    return render(request, "proposals/unit_form.html", {"form": form, "unit": unit})


def proposal_settings(request):
    user = request.user
    request.access.require_write(perm="proposals.change_proposalsettings")
    township = user.township
    rule = workflow.proposal_settings_get(township=township)
    cats = ProposalCategory.objects.filter(township=township, is_active=True).order_by("display_order", "pk")
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.proposal_settings_update(
                    township=township,
                    deadline_amount=d["deadline_amount"],
                    deadline_unit=d["deadline_unit"],
                    categories=d["categories"].splitlines(),
                    by=user,
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Saved."))
                return redirect("proposals:settings")
    else:
        form = SettingsForm(
            initial={
                "deadline_amount": rule.deadline_amount,
                "deadline_unit": rule.deadline_unit,
                "categories": "\n".join(c.name for c in cats),
            }
        )
    example = workflow.deadline_compute(township=township, start=timezone.localdate())
    return render(
        request, "proposals/settings.html", {"form": form, "example": example, "today": timezone.localdate()}
    )


@require_POST
def proposal_publication(request, pk):
    """Show the item on the public page (议案建议进行时) or mark it not for publication."""
    proposal = _proposal_or_404(request, pk)
    request.access.require_write(proposal, "proposals.change_proposal")
    publish = request.POST.get("publish") == "1"
    try:
        services.proposal_publication_set(proposal=proposal, publish=publish, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Shown on the public page.") if publish else _("Marked not for publication.")
        )
    return redirect("proposals:detail", pk=proposal.pk)
