"""Thin views: collect input, call a service or selector, render."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from renda.core import hooks
from renda.core.access import access_for, mask_phone
from renda.core.converters import id_or_none, year_or_none
from renda.core.exceptions import ApplicationError
from renda.core.forms import form_error, submit
from renda.core.history import history_entries
from renda.core.models import DocumentJob
from renda.core.quotas import QUOTAS
from renda.core.services import document_job_request
from renda.core.terms import term_on

from . import selectors, services
from .forms import (
    ActivityForm,
    AgendaItemForm,
    AppraisalForm,
    AttachmentForm,
    CommendationForm,
    CompleteForm,
    DecisionForm,
    DeputyContactForm,
    ElectionForm,
    ExpectedChangeForm,
    FloorSpeechForm,
    IssueArchiveForm,
    IssueFeedbackForm,
    IssueReplyForm,
    IssueSortForm,
    IssueSuperviseForm,
    NonVotingForm,
    PlannedActivityEditForm,
    PlannedActivityForm,
    PlanNoteForm,
    PrepItemForm,
    PresidiumMeetingForm,
    ProgressForm,
    ReceptionIssueForm,
    ResolutionForm,
    RotaEntryForm,
    RotaRecordForm,
    SessionForm,
    SessionReportForm,
    VoteForm,
)
from .models import (
    Activity,
    ActivityAttachment,
    AgendaItem,
    Appraisal,
    AttendanceStatus,
    Commendation,
    Decision,
    DeputyContact,
    PlannedActivity,
    PresidiumMeeting,
    ReceptionIssue,
    RotaEntry,
    Session,
    SessionPrepItem,
)
from .rules import reception_warnings

PER_PAGE = 30


def _page(request, qs):
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


def _year(request):
    return year_or_none(request.GET.get("year")) or timezone.localdate().year


# --- Workbench ---------------------------------------------------------------------------


def index(request):
    """工作台: what is due this quarter, compliance of the year, open follow-ups, recent items."""
    request.access.require_browse()
    user = request.user
    today = timezone.localdate()
    year = _year(request)
    township = request.access.selected_township
    townships = [township] if township else list(access_for(user).townships())
    compliance = selectors.compliance_for_townships(townships=townships, year=year)
    rows = [(t, compliance[t.pk]) for t in townships if t.pk in compliance]
    due = (
        selectors.compliance_due(compliance=compliance[township.pk], today=today)
        if township and year == today.year
        else None
    )
    open_decisions = selectors.decision_open_list(user=user, township=township)
    context = {
        "township": township,
        "year": year,
        "years": list(range(today.year, today.year - 6, -1)),
        "rows": rows[:300],
        "due": due,
        "quarters": [1, 2, 3, 4],
        "open_decisions": open_decisions[:8],
        "open_count": open_decisions.count(),
        "recent_activities": selectors.activity_list(user=user, township=township)[:8],
        "recent_meetings": selectors.presidium_meeting_list(user=user, township=township)[:5],
        "can_write": request.access.can_write(),
        "has_presidium": township.has_presidium if township else True,
        "plan": selectors.plan_vs_held(township=township, year=year, user=user) if township else None,
    }
    return render(request, "meetings/index.html", context)


# --- Sessions ----------------------------------------------------------------------------


def session_list(request):
    request.access.require_browse()
    qs = selectors.session_list(user=request.user, township=request.access.selected_township)
    return render(
        request,
        "meetings/session_list.html",
        {
            "page_obj": _page(request, qs),
            "can_write": request.access.can_write(perm="meetings.add_session"),
        },
    )


def session_create(request):
    request.access.require_write(perm="meetings.add_session")
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = submit(
            form,
            services.session_create,
            township=request.user.township,
            by=request.user,
            **form.cleaned_data,
        )
        if session is not None:
            messages.success(
                request, _("Session recorded; every current deputy is marked present. Record the exceptions.")
            )
            return redirect("meetings:session_attendance", session.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("New congress session"),
            "back": reverse("meetings:session_list"),
        },
    )


def _session(request, pk):
    request.access.require_browse()
    return request.access.get_or_404(request.access.scope(Session).select_related("term", "township"), pk=pk)


def session_edit(request, pk):
    request.access.require_write(perm="meetings.change_session")
    session = _session(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        if submit(form, services.session_update, session=session, by=request.user, **form.cleaned_data):
            return redirect("meetings:session_detail", session.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Edit %(title)s") % {"title": session.title},
            "back": reverse("meetings:session_detail", args=[session.pk]),
        },
    )


SESSION_CHILD_FORMS = {
    "report": SessionReportForm,
    "resolution": ResolutionForm,
    "election": ElectionForm,
    "speech": FloorSpeechForm,
}
SESSION_CHILD_SERVICES = {
    "report": services.session_report_add,
    "resolution": services.resolution_add,
    "election": services.election_add,
    "speech": services.floor_speech_add,
}


def _session_forms(session, bound=None):
    forms = {}
    for key, cls in SESSION_CHILD_FORMS.items():
        kwargs = {"session": session} if key == "speech" else {}
        forms[key] = bound if bound is not None and bound.prefix == cls.prefix else cls(**kwargs)
    return forms


def session_detail(request, pk, bound=None):
    session = _session(request, pk)
    summary, total = selectors.session_attendance_summary(session=session)
    exceptions = (
        session.attendance.exclude(status=AttendanceStatus.PRESENT)
        .select_related("deputy")
        .order_by("status")
    )
    context = {
        "session": session,
        "summary": summary,
        "total": total,
        "exceptions": exceptions,
        "reports": session.reports.all(),
        "resolutions": session.resolutions.all(),
        "elections": session.elections.all(),
        "speeches": session.speeches.select_related("deputy"),
        "prep_items": session.prep_items.all(),
        "proposals": hooks.first("session_proposals", default=[], user=request.user, session=session),
        "forms": _session_forms(session, bound),
        "can_write": request.access.can_write(perm="meetings.change_session"),
        "history": history_entries(session),
    }
    return render(request, "meetings/session_detail.html", context, status=400 if bound is not None else 200)


@require_POST
def session_child_add(request, pk, what):
    request.access.require_write(perm="meetings.change_session")
    session = _session(request, pk)
    cls = SESSION_CHILD_FORMS.get(what)
    if cls is None:
        raise Http404
    kwargs = {"session": session} if what == "speech" else {}
    form = cls(request.POST, request.FILES, **kwargs)
    if form.is_valid():
        service = SESSION_CHILD_SERVICES[what]
        if submit(form, service, session=session, by=request.user, **form.cleaned_data):
            messages.success(request, _("Saved."))
            return redirect(reverse("meetings:session_detail", args=[session.pk]) + f"#{what}")
    return session_detail(request, pk, bound=form)


@require_POST
def session_prep_mark(request, pk, item_pk):
    request.access.require_write(perm="meetings.change_session")
    session = _session(request, pk)
    item = request.access.get_or_404(SessionPrepItem, session=session, pk=item_pk)
    form = PrepItemForm(request.POST, instance=item)
    if form.is_valid():
        try:
            services.session_prep_item_mark(item=item, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, f"{item.get_item_display()}：{exc.message}")
    else:
        messages.error(request, _("Check the date."))
    return redirect(reverse("meetings:session_detail", args=[session.pk]) + "#prep")


@require_POST
def session_expected_change(request, pk):
    """Add someone to, or remove someone from, a session's expected list, with a reason."""
    request.access.require_write(perm="meetings.change_sessionattendance")
    session = _session(request, pk)
    form = ExpectedChangeForm(request.POST, session=session)
    if form.is_valid():
        data = form.cleaned_data
        service = (
            services.session_expected_add if data["action"] == "add" else services.session_expected_remove
        )
        try:
            service(session=session, deputy=data["deputy"], reason=data["reason"], by=request.user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The expected list was changed; the change is in the session's history.")
            )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("meetings:session_attendance", session.pk)


def _attendance_entries(post, ids):
    return {pk: (post.get(f"status_{pk}", ""), post.get(f"reason_{pk}", "")) for pk in ids}


def session_attendance(request, pk):
    """Attendance of every deputy on one page: all present by default, change the exceptions.
    The expected list is computed on read until the first save stores it (a GET never writes)."""
    session = _session(request, pk)
    can_write = request.access.can_write(perm="meetings.change_sessionattendance")
    rows = selectors.session_attendance_rows_checked(session=session)
    errors = {}
    if request.method == "POST":
        request.access.require_write(perm="meetings.change_sessionattendance")
        ids = [row.deputy_id for row in rows]
        try:
            changed = services.session_attendance_save(
                session=session, entries=_attendance_entries(request.POST, ids), by=request.user
            )
        except ApplicationError as exc:
            errors = exc.extra.get("rows", {})
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Attendance saved (%(n)s changed).") % {"n": changed})
            return redirect("meetings:session_detail", session.pk)
    if errors:  # show what was typed
        for row in rows:
            row.status = request.POST.get(f"status_{row.deputy_id}", row.status)
            row.reason = request.POST.get(f"reason_{row.deputy_id}", row.reason)
            row.error = errors.get(row.deputy_id)
    return render(
        request,
        "meetings/attendance.html",
        {
            "object": session,
            "title": session.title,
            "rows": rows,
            "statuses": AttendanceStatus.choices,
            "can_write": can_write,
            "back": reverse("meetings:session_detail", args=[session.pk]),
            "action": reverse("meetings:session_attendance", args=[session.pk]),
            "expected_form": ExpectedChangeForm(session=session) if can_write else None,
            "not_serving": [r for r in rows if not r.serving],
        },
        status=400 if errors else 200,
    )


# --- Presidium meetings ------------------------------------------------------------------


def meeting_list(request):
    request.access.require_browse()
    township = request.access.selected_township
    qs = selectors.presidium_meeting_list(
        user=request.user, township=township, year=year_or_none(request.GET.get("year"))
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "page_obj": _page(request, qs),
            "can_write": request.access.can_write(perm="meetings.add_presidiummeeting")
            and request.user.township.has_presidium,
            "no_presidium": township is not None and not township.has_presidium,
        },
    )


def meeting_create(request):
    request.access.require_write(perm="meetings.add_presidiummeeting")
    township = request.user.township
    if not township.has_presidium:
        messages.error(
            request,
            _(
                "A subdistrict (街道) has a people's congress working committee, not a presidium: "
                "presidium meetings are not recorded here."
            ),
        )
        return redirect("meetings:meeting_list")
    form = PresidiumMeetingForm(request.POST or None, township=township)
    if request.method == "POST" and form.is_valid():
        meeting = submit(
            form, services.presidium_meeting_create, township=township, by=request.user, **form.cleaned_data
        )
        if meeting is not None:
            messages.success(request, _("Meeting recorded. Add the agenda items, attendance and decisions."))
            return redirect("meetings:meeting_detail", meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("New presidium meeting"),
            "back": reverse("meetings:meeting_list"),
        },
    )


def _meeting(request, pk):
    request.access.require_browse()
    return request.access.get_or_404(
        request.access.scope(PresidiumMeeting).select_related("term", "township", "chair"), pk=pk
    )


def meeting_edit(request, pk):
    request.access.require_write(perm="meetings.change_presidiummeeting")
    meeting = _meeting(request, pk)
    form = PresidiumMeetingForm(request.POST or None, instance=meeting, township=meeting.township)
    if request.method == "POST" and form.is_valid():
        if submit(
            form, services.presidium_meeting_update, meeting=meeting, by=request.user, **form.cleaned_data
        ):
            return redirect("meetings:meeting_detail", meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {
            "form": form,
            "title": _("Edit %(title)s") % {"title": meeting.title},
            "back": reverse("meetings:meeting_detail", args=[meeting.pk]),
        },
    )


def _agenda_edit_prefix(item_pk):
    return f"item{item_pk}"


VOTE_DRAFT_KEY = "agenda_vote_draft"


def meeting_detail(request, pk, bound=None, status=200):
    meeting = _meeting(request, pk)
    can_change_items = request.access.can_write(perm="meetings.change_agendaitem")
    # a refused vote comes back with what was typed (agenda_vote keeps it for one page view);
    # the drafts are in the key of the page's fragment
    drafts = request.session.pop(VOTE_DRAFT_KEY, {}) if request.method == "GET" else {}
    items = SimpleLazyObject(lambda: _agenda_items(meeting, drafts, bound, can_change_items))
    # The forms are made when the page's fragment is rendered.
    forms = {
        "agenda": SimpleLazyObject(
            lambda: AgendaItemForm(initial={"order": max((i.order for i in items), default=0) + 1})
        ),
        "nonvoting": _lazy_form(NonVotingForm, township=meeting.township),
        "decision": _lazy_form(DecisionForm, meeting=meeting),
    }
    if bound is not None:
        forms[bound.prefix] = bound
    # Worked out when the page's fragments are rendered: a page served from the records cache
    # runs none of their queries (the minutes' job is live: jobs are not records).
    shown = SimpleLazyObject(lambda: _meeting_records(meeting))
    context = {
        "meeting": meeting,
        "items": items,
        "drafts": drafts,
        "non_voting": SimpleLazyObject(lambda: list(meeting.non_voting.select_related("deputy"))),
        "reported": SimpleLazyObject(lambda: list(meeting.decisions_reported.all())),
        "attendance": SimpleLazyObject(lambda: shown["attendance"]),
        "present": SimpleLazyObject(lambda: shown["present"]),
        "statuses": AttendanceStatus.choices,
        "decisions": SimpleLazyObject(lambda: shown["decisions"]),
        # old records that break a rule: shown as they are, with a warning
        "warnings": SimpleLazyObject(lambda: shown["warnings"]),
        "forms": forms,
        "open_form": getattr(bound, "prefix", ""),
        "job": DocumentJob.objects.filter(
            kind="meeting_minutes", township_id=meeting.township_id, params__meeting_id=meeting.pk
        )
        .order_by("-created_at")
        .first(),
        "can_write": request.access.can_write(perm="meetings.change_presidiummeeting"),
        "can_change_items": can_change_items,
        "can_delete_items": request.access.can_write(perm="meetings.delete_agendaitem"),
        "can_export": request.access.is_township_staff and request.access.can_request_document(meeting),
        "history": SimpleLazyObject(lambda: history_entries(meeting)),
        "errors": getattr(bound, "row_errors", {}),
    }
    return render(request, "meetings/meeting_detail.html", context, status=status if bound is None else 400)


def _agenda_items(meeting, drafts, bound, can_change_items) -> list:
    """The agenda, each item with the vote typed in a refused form and, for who may change
    items, its edit form (the refused one, open, in place of a blank one)."""
    items = list(meeting.agenda_items.annotate(decision_count=Count("decisions")))
    for item in items:
        item.meeting = meeting  # `passed` reads the meeting without another query
        item.vote_draft = drafts.get(str(item.pk))
        if can_change_items:
            prefix = _agenda_edit_prefix(item.pk)
            item.edit_open = bound is not None and bound.prefix == prefix
            item.edit_form = (
                bound if item.edit_open else _lazy_form(AgendaItemForm, instance=item, prefix=prefix)
            )
    return items


def _lazy_form(cls, **kwargs):
    return SimpleLazyObject(lambda: cls(**kwargs))


def _meeting_records(meeting) -> dict:
    """The meeting's attendance (and how many were present), decisions and warnings."""
    attendance = list(
        meeting.attendance.select_related("deputy").order_by("deputy__surname_strokes", "deputy__name_pinyin")
    )
    decisions = list(meeting.decisions.select_related("agenda_item"))
    return {
        "attendance": attendance,
        "present": sum(1 for a in attendance if a.status in ("present", "late", "left_early")),
        "decisions": decisions,
        "warnings": selectors.presidium_meeting_warnings(
            meeting=meeting, attendance=attendance, decisions=decisions
        ),
    }


@require_POST
def meeting_attendance(request, pk):
    request.access.require_write(perm="meetings.change_presidiumattendance")
    meeting = _meeting(request, pk)
    ids = list(meeting.attendance.values_list("deputy_id", flat=True))
    try:
        services.presidium_attendance_save(
            meeting=meeting, entries=_attendance_entries(request.POST, ids), by=request.user
        )
    except ApplicationError as exc:
        rows = exc.extra.get("rows", {})
        messages.error(request, exc.message + " " + "；".join(rows.values()))
    else:
        messages.success(request, _("Attendance saved."))
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#attendance")


@require_POST
def meeting_agenda_add(request, pk):
    request.access.require_write(perm="meetings.change_presidiummeeting")
    meeting = _meeting(request, pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid() and submit(
        form, services.agenda_item_add, meeting=meeting, by=request.user, **form.cleaned_data
    ):
        return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#agenda")
    return meeting_detail(request, pk, bound=form)


def _agenda_item(request, pk):
    return request.access.get_or_404(request.access.scope(AgendaItem), pk=pk)


@require_POST
def agenda_item_edit(request, pk):
    request.access.require_write(perm="meetings.change_agendaitem")
    item = _agenda_item(request, pk)
    form = AgendaItemForm(request.POST, instance=item, prefix=_agenda_edit_prefix(item.pk))
    if form.is_valid() and submit(
        form, services.agenda_item_update, item=item, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("Agenda item saved."))
        return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + "#agenda")
    return meeting_detail(request, item.meeting_id, bound=form)


@require_POST
def agenda_item_delete(request, pk):
    request.access.require_write(perm="meetings.delete_agendaitem")
    item = _agenda_item(request, pk)
    try:
        services.agenda_item_delete(item=item, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Agenda item “%(topic)s” deleted.") % {"topic": item.topic})
    return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + "#agenda")


@require_POST
def agenda_vote(request, pk):
    request.access.require_write(perm="meetings.change_agendaitem")
    item = request.access.get_or_404(request.access.scope(AgendaItem), pk=pk)
    form = VoteForm(request.POST)
    refused = True
    if form.is_valid():
        try:
            services.agenda_vote_record(item=item, by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, f"{item.topic}：{exc.message}")
        else:
            refused = False
            messages.success(request, _("Vote recorded."))
    else:
        messages.error(request, _("Votes must be whole numbers, 0 or more."))
    if refused:
        typed = {k: request.POST.get(k, "")[:10] for k in ("votes_for", "votes_against", "votes_abstain")}
        request.session[VOTE_DRAFT_KEY] = {str(item.pk): typed}
    return redirect(reverse("meetings:meeting_detail", args=[item.meeting_id]) + "#agenda")


@require_POST
def meeting_non_voting_add(request, pk):
    request.access.require_write(perm="meetings.change_presidiummeeting")
    meeting = _meeting(request, pk)
    form = NonVotingForm(request.POST, township=meeting.township)
    if form.is_valid() and submit(
        form, services.non_voting_add, meeting=meeting, by=request.user, **form.cleaned_data
    ):
        return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#nonvoting")
    return meeting_detail(request, pk, bound=form)


@require_POST
def meeting_decision_add(request, pk):
    request.access.require_write(perm="meetings.add_decision")
    meeting = _meeting(request, pk)
    form = DecisionForm(request.POST, meeting=meeting)
    if form.is_valid():
        decision = submit(
            form, services.decision_create, meeting=meeting, by=request.user, **form.cleaned_data
        )
        if decision is not None:
            messages.success(request, _("Recorded as No. %(n)s.") % {"n": decision.number})
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#decisions")
    return meeting_detail(request, pk, bound=form)


@require_POST
def meeting_minutes(request, pk):
    meeting = _meeting(request, pk)
    if not (request.access.is_township_staff and request.access.can_request_document(meeting)):
        raise PermissionDenied
    document_job_request(
        by=request.user,
        kind="meeting_minutes",
        params={"meeting_id": meeting.pk},
        township=meeting.township,
        title=_("Minutes: %(title)s") % {"title": meeting.title},
    )
    return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#minutes")


# --- Decisions ---------------------------------------------------------------------------


def decision_list(request):
    request.access.require_browse()
    filters = {"status": request.GET.get("status", "open"), "q": request.GET.get("q", "").strip()}
    qs = selectors.decision_list(
        user=request.user, township=request.access.selected_township, filters=filters
    )
    return render(
        request,
        "meetings/decision_list.html",
        {
            "page_obj": _page(request, qs),
            "filters": filters,
            "statuses": Decision.Status.choices,
            "today": timezone.localdate(),
        },
    )


def decision_detail(request, pk):
    request.access.require_browse()
    decision = request.access.get_or_404(
        request.access.scope(Decision).select_related(
            "meeting", "meeting__term", "term", "reported_at", "reported_at__term", "agenda_item"
        ),
        pk=pk,
    )
    can_write = request.access.can_write(perm="meetings.change_decision")
    progress_form = ProgressForm(initial={"date": timezone.localdate()})
    # both forms have a `note`: distinct ids keep each label on its own field
    complete_form = CompleteForm(
        decision=decision, initial={"completed_on": timezone.localdate()}, auto_id="id_complete_%s"
    )
    status = 200
    if request.method == "POST":
        request.access.require_write(perm="meetings.change_decision")
        action = request.POST.get("action")
        try:
            if action == "progress":
                progress_form = ProgressForm(request.POST)
                if progress_form.is_valid():
                    services.decision_progress_add(
                        decision=decision, by=request.user, **progress_form.cleaned_data
                    )
                    messages.success(request, _("Progress recorded."))
                    return redirect("meetings:decision_detail", decision.pk)
            elif action == "complete":
                complete_form = CompleteForm(request.POST, decision=decision, auto_id="id_complete_%s")
                if complete_form.is_valid():
                    services.decision_complete(
                        decision=decision, by=request.user, **complete_form.cleaned_data
                    )
                    messages.success(request, _("Marked as done."))
                    return redirect("meetings:decision_detail", decision.pk)
        except ApplicationError as exc:
            form = progress_form if action == "progress" else complete_form
            form_error(form, exc)
        status = 400
    return render(
        request,
        "meetings/decision_detail.html",
        {
            "decision": decision,
            "notes": decision.progress_notes.select_related("recorded_by"),
            "progress_form": progress_form,
            "complete_form": complete_form,
            "can_write": can_write,
            "history": history_entries(decision),
            "today": timezone.localdate(),
        },
        status=status,
    )


# --- Activities --------------------------------------------------------------------------


def activity_list(request):
    request.access.require_browse()
    filters = {k: request.GET.get(k, "").strip() for k in ("kind", "year", "month", "q")}
    year, month = year_or_none(filters["year"]), filters["month"]
    filters["year"] = str(year) if year else ""
    filters["month"] = month if month.isascii() and month.isdigit() and 1 <= int(month) <= 12 else ""
    township = request.access.selected_township

    def page():
        return _page(request, selectors.activity_list(user=request.user, filters=filters, township=township))

    return render(
        request,
        "meetings/activity_list.html",
        {
            # made and counted when the list is rendered: a list served from the records cache is not
            "page_obj": SimpleLazyObject(page),
            "filters": filters,
            "kinds": Activity.Kind.choices,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "months": list(range(1, 13)),
            "can_write": request.access.can_write(perm="meetings.add_activity"),
        },
    )


def _activity_form_view(request, activity, title, back):
    form = ActivityForm(request.POST or None, instance=activity, township=activity.township)
    if request.method == "POST" and form.is_valid():
        saved = submit(
            form,
            services.activity_save,
            activity=activity if activity.pk else None,
            township=activity.township,
            by=request.user,
            **form.cleaned_data,
        )
        if saved is not None:
            obj, warnings = saved
            for w in warnings:
                messages.warning(request, w)
            messages.success(request, _("Activity saved."))
            return redirect("meetings:activity_detail", obj.pk)
    from deputies.models import GroupMembership

    group_members = {}
    for group_id, deputy_id in GroupMembership.objects.filter(township=activity.township).values_list(
        "group_id", "deputy_id"
    ):
        group_members.setdefault(group_id, []).append(deputy_id)
    return render(
        request,
        "meetings/activity_form.html",
        {
            "form": form,
            "title": title,
            "back": back,
            "group_members": group_members,
        },
        status=400 if form.is_bound else 200,
    )


def activity_create(request):
    request.access.require_write(perm="meetings.add_activity")
    kind = request.GET.get("kind")
    activity = Activity(township=request.user.township, kind=kind if kind in Activity.Kind.values else "")
    return _activity_form_view(request, activity, _("New deputy activity"), reverse("meetings:activity_list"))


def _activity(request, pk):
    request.access.require_browse()
    return request.access.get_or_404(
        request.access.scope(Activity).select_related("township", "group", "station"), pk=pk
    )


def activity_edit(request, pk):
    request.access.require_write(perm="meetings.change_activity")
    activity = _activity(request, pk)
    return _activity_form_view(
        request, activity, _("Edit activity"), reverse("meetings:activity_detail", args=[pk])
    )


def activity_detail(request, pk, attachment_form=None):
    activity = _activity(request, pk)
    participations = list(
        activity.participations.select_related("deputy").order_by("role", "deputy__surname_strokes")
    )
    warnings = []
    if activity.kind == Activity.Kind.RECEPTION:
        warnings = reception_warnings(
            start_date=activity.start_date,
            notice_date=activity.notice_date,
            on_duty_count=sum(1 for p in participations if p.role == "on_duty"),
        )
    ratings = []
    for name in services.RATING_FIELDS.get(activity.kind, ()):
        ratings.append((Activity._meta.get_field(name).verbose_name, getattr(activity, name)))
    return render(
        request,
        "meetings/activity_detail.html",
        {
            "activity": activity,
            "participations": participations,
            "warnings": warnings,
            "ratings": ratings,
            "attachments": activity.attachments.all(),
            "attachment_form": attachment_form or AttachmentForm(),
            "adopted": hooks.first("activity_proposals", default=[], user=request.user, activity=activity),
            "can_write": request.access.can_write(perm="meetings.change_activity"),
            "issues": (
                list(activity.issues.select_related("received_by").order_by("pk"))
                if activity.kind == Activity.Kind.RECEPTION
                else None
            ),
            "can_add_issue": request.access.can_write(activity, "meetings.add_receptionissue"),
            "history": history_entries(activity),
        },
        status=400 if attachment_form is not None else 200,
    )


@require_POST
def activity_attachment_add(request, pk):
    request.access.require_write(perm="meetings.add_activityattachment")
    activity = _activity(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid() and submit(
        form,
        services.activity_attachment_add,
        activity=activity,
        upload=form.cleaned_data["file"],
        by=request.user,
    ):
        messages.success(request, _("Attachment archived."))
        return redirect(reverse("meetings:activity_detail", args=[pk]) + "#attachments")
    return activity_detail(request, pk, attachment_form=form)


def attachment_download(request, pk):
    request.access.require_browse()
    att = request.access.get_or_404(request.access.scope(ActivityAttachment), pk=pk)
    return FileResponse(
        att.file.open("rb"), filename=att.name, as_attachment=not att.is_image, content_type=att.content_type
    )


# --- Calendar ----------------------------------------------------------------------------


def calendar_view(request):
    request.access.require_browse()
    today = timezone.localdate()
    year = year_or_none(request.GET.get("year", today.year))
    try:
        first = dt.date(year, int(request.GET.get("month", today.month)), 1)
    except (TypeError, ValueError, OverflowError):
        first = today.replace(day=1)
    prev = (first - dt.timedelta(days=1)).replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    weeks = selectors.calendar_month(
        user=request.user, year=first.year, month=first.month, township=request.access.selected_township
    )
    return render(
        request,
        "meetings/calendar.html",
        {
            "weeks": weeks,
            "first": first,
            "prev": prev,
            "next": nxt,
            "today": today,
        },
    )


# --- 两联一述: contact duties -------------------------------------------------------------------


def contact_duties(request):
    """Presidium members' contacts with deputies and deputies' voter visits of a year, each
    against its quota; township staff record a member's contact here."""
    request.access.require_browse()
    user = request.user
    township = request.access.selected_township
    year = _year(request)
    can_write = township is not None and request.access.can_write(township, "meetings.add_deputycontact")
    form = DeputyContactForm(request.POST or None, township=township) if can_write else None
    if request.method == "POST":
        request.access.require_write(township, "meetings.add_deputycontact")
        if form is not None and form.is_valid():
            if submit(form, services.deputy_contact_create, township=township, by=user, **form.cleaned_data):
                messages.success(request, _("Contact recorded."))
                return redirect(f"{reverse('meetings:contacts')}?year={form.cleaned_data['date'].year}")
    this_year = timezone.localdate().year
    context = {
        "township": township,
        "year": year,
        "form": form,
        "can_write": can_write,
        "years": list(range(this_year, this_year - 6, -1)),
        "months": list(range(1, 13)),
    }
    if township is not None:
        context["duties"] = selectors.contact_duties(township=township, year=year)
        context["recent"] = (
            request.access.scope(DeputyContact)
            .filter(township=township, date__year=year)
            .select_related("member", "deputy")[:50]
        )
    return render(request, "meetings/contacts.html", context)


def contact_detail(request, pk):
    request.access.require_browse()
    contact = request.access.get_or_404(DeputyContact.objects.select_related("member", "deputy"), pk=pk)
    return render(
        request,
        "meetings/contact_detail.html",
        {
            "contact": contact,
            "back": f"{reverse('meetings:contacts')}?year={contact.date.year}",
            "history": history_entries(contact),
        },
    )


# --- Reception issues (两簿两卡, the eight steps) ------------------------------------------------

ISSUE_STEPS = {
    # step slug: (form, service, the steps of the issue it applies to)
    "sort": (IssueSortForm, services.reception_issue_sort, ("received",)),
    "supervise": (IssueSuperviseForm, services.reception_issue_supervise, ("assigned", "supervised")),
    "reply": (IssueReplyForm, services.reception_issue_reply, ("assigned", "supervised")),
    "feedback": (IssueFeedbackForm, services.reception_issue_feedback, ("replied",)),
    "archive": (IssueArchiveForm, services.reception_issue_archive, ("replied", "feedback")),
}


def reception_issue_list(request):
    """The register of issues voters raised at receptions, with its figures."""
    request.access.require_browse()
    filters = {k: request.GET.get(k, "").strip() for k in ("year", "state", "classification", "activity")}
    year = year_or_none(filters["year"]) if filters["year"] else None
    filters["year"] = str(year) if year else ""
    activity = filters["activity"]
    filters["activity"] = activity if activity.isascii() and activity.isdigit() and len(activity) < 10 else ""
    qs = selectors.reception_issue_list(
        user=request.user, township=request.access.selected_township, filters=filters
    )
    this_year = timezone.localdate().year
    return render(
        request,
        "meetings/issue_list.html",
        {
            "page_obj": _page(request, qs),
            "summary": selectors.reception_issue_summary(qs=qs),
            "filters": filters,
            "states": ReceptionIssue.State.choices,
            "classifications": ReceptionIssue.Classification.choices,
            "years": list(range(this_year, this_year - 6, -1)),
        },
    )


def reception_issue_create(request, pk):
    """接待: record an issue raised at a voter reception."""
    request.access.require_write(perm="meetings.add_receptionissue")
    activity = _activity(request, pk)
    request.access.require_write(activity, "meetings.add_receptionissue")
    if activity.kind != Activity.Kind.RECEPTION:
        raise Http404
    form = ReceptionIssueForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        issue = submit(
            form, services.reception_issue_record, activity=activity, by=request.user, **form.cleaned_data
        )
        if issue is not None:
            messages.success(request, _("Issue recorded."))
            return redirect("meetings:issue_detail", issue.pk)
    return render(
        request,
        "meetings/issue_form.html",
        {"form": form, "activity": activity},
        status=400 if form.is_bound else 200,
    )


def reception_issue_detail(request, pk, step=None, step_form=None):
    request.access.require_browse()
    issue = request.access.get_or_404(
        ReceptionIssue.objects.select_related("township", "activity", "received_by"), pk=pk
    )
    can_write = request.access.can_write(issue, "meetings.change_receptionissue")
    forms = {}
    if can_write:
        for slug, (form_class, _service, states) in ISSUE_STEPS.items():
            if issue.state in states:
                forms[slug] = step_form if slug == step and step_form is not None else form_class(prefix=slug)
    phone = issue.voter_phone
    if phone and not request.access.sees_personal(issue):
        phone = mask_phone(phone)
    return render(
        request,
        "meetings/issue_detail.html",
        {
            "issue": issue,
            "phone": phone,
            "forms": forms,
            "can_write": can_write,
            "can_propose": request.access.can_write(issue, "proposals.add_proposal"),
            "adopted": hooks.first(
                "activity_proposals", default=[], user=request.user, activity=issue.activity
            ),
            "history": history_entries(issue),
            "today": timezone.localdate(),
        },
        status=400 if step_form is not None else 200,
    )


@require_POST
def reception_issue_step(request, pk, step):
    if step not in ISSUE_STEPS:
        raise Http404
    request.access.require_browse()
    issue = request.access.get_or_404(ReceptionIssue.objects.select_related("activity"), pk=pk)
    request.access.require_write(issue, "meetings.change_receptionissue")
    form_class, service, _states = ISSUE_STEPS[step]
    form = form_class(request.POST, prefix=step)
    if form.is_valid() and submit(form, service, issue=issue, by=request.user, **form.cleaned_data):
        messages.success(request, _("Step recorded."))
        return redirect("meetings:issue_detail", pk)
    return reception_issue_detail(request, pk, step=step, step_form=form)


# --- Year-end appraisals (评议) and commendations (表彰) --------------------------------------------

YEAR_RECORDS = {
    # slug: (model, form, save service); voided with a reason like any record (record_void)
    "appraisal": (Appraisal, AppraisalForm, services.appraisal_save),
    "commendation": (Commendation, CommendationForm, services.commendation_save),
}


def _years_offered():
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


def appraisal_list(request):
    """A township's year-end appraisals of groups, stations and the presidium's work, and its
    commendations (先进代表小组, 优秀代表), with forms to record them."""
    request.access.require_browse()
    township = request.access.selected_township
    year = _year(request)
    context = {"township": township, "year": year, "years": _years_offered()}
    if township is not None:
        forms = {}
        for slug, (model, form_class, _save) in YEAR_RECORDS.items():
            perm = f"meetings.add_{model._meta.model_name}"
            if not request.access.can_write(township, perm):
                continue
            bound = request.POST if request.method == "POST" and request.POST.get("what") == slug else None
            forms[slug] = form_class(bound, township=township, year=year, prefix=slug)
        if request.method == "POST":
            slug = request.POST.get("what")
            if slug not in YEAR_RECORDS:
                raise Http404
            model, _form, save = YEAR_RECORDS[slug]
            request.access.require_write(township, f"meetings.add_{model._meta.model_name}")
            form = forms[slug]
            if form.is_valid() and submit(
                form, save, township=township, year=year, by=request.user, **form.cleaned_data
            ):
                messages.success(request, _("Saved."))
                return redirect(f"{reverse('meetings:appraisals')}?year={year}")
        context["forms"] = forms
        context.update(selectors.appraisal_year(user=request.user, township=township, year=year))
    return render(request, "meetings/appraisals.html", context)


def year_record_detail(request, what, pk):
    """One appraisal or commendation: its record, its history, and (for township staff) the
    form to correct it and the form to void it with a reason."""
    request.access.require_browse()
    if what not in YEAR_RECORDS:
        raise Http404
    model, form_class, save = YEAR_RECORDS[what]
    row = request.access.get_or_404(model, pk=pk)
    name = model._meta.model_name
    can_change = request.access.can_write(row, f"meetings.change_{name}")
    back = f"{reverse('meetings:appraisals')}?year={row.year}"
    initial = {f: getattr(row, f) for f in form_class.base_fields}
    form = form_class(initial=initial, township=row.township, year=row.year) if can_change else None
    if request.method == "POST":
        request.access.require_write(row, f"meetings.change_{name}")
        form = form_class(request.POST, township=row.township, year=row.year)
        if form.is_valid() and submit(
            form,
            save,
            **{name: row},
            township=row.township,
            year=row.year,
            by=request.user,
            **form.cleaned_data,
        ):
            messages.success(request, _("Saved."))
            return redirect(back)
    return render(
        request,
        "meetings/year_record_detail.html",
        {
            "row": row,
            "what": what,
            "form": form,
            "back": back,
            "history": history_entries(row),
        },
    )


# --- Yearly plans of groups and stations --------------------------------------------------------


def _plans_url(year, group=None):
    return f"{reverse('meetings:plans')}?year={year}" + (f"&group={group.pk}" if group is not None else "")


def _plans_group(request, value):
    """The deputy group of the plans page's `group` filter (404 for a group out of reach)."""
    from deputies.models import DeputyGroup

    pk = id_or_none(value)
    return None if pk is None else request.access.get_or_404(DeputyGroup, pk=pk)


@require_POST
def plan_note_save(request):
    """Write the note of a group's or station's yearly plan as a whole (the plans page)."""
    request.access.require_browse()
    group = _plans_group(request, request.GET.get("group"))
    township = group.township if group is not None else request.access.selected_township
    if township is None:
        raise PermissionDenied
    request.access.require_write(township, "meetings.change_plannedactivity")
    year = _year(request)
    form = PlanNoteForm(request.POST, township=township, year=year)
    if form.is_valid() and submit(
        form, services.plan_note_set, township=township, year=year, by=request.user, **form.cleaned_data
    ):
        messages.success(request, _("Plan note saved."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect(_plans_url(year, group))


def plans(request):
    """Each deputy group's and liaison station's yearly plan against the activities it held,
    with a light; township staff add planned activities here. `?group=<pk>`: that group alone
    (the link from the group's page), in its township."""
    request.access.require_browse()
    group = _plans_group(request, request.GET.get("group"))
    township = group.township if group is not None else request.access.selected_township
    year = _year(request)
    context = {"township": township, "year": year, "years": _years_offered(), "group": group}
    if township is not None:
        can_write = request.access.can_write(township, "meetings.add_plannedactivity")
        form = (
            PlannedActivityForm(
                request.POST or None,
                township=township,
                year=year,
                initial={"group": group.pk} if group is not None else None,
            )
            if can_write
            else None
        )
        if request.method == "POST":
            request.access.require_write(township, "meetings.add_plannedactivity")
            if form is not None and form.is_valid():
                if submit(
                    form,
                    services.planned_activity_add,
                    township=township,
                    year=year,
                    by=request.user,
                    **form.cleaned_data,
                ):
                    messages.success(request, _("Planned activity added."))
                    return redirect(_plans_url(year, group))
        context.update(
            form=form,
            can_void=request.access.is_township_staff
            and request.access.can_write(township, "meetings.change_plannedactivity"),
            can_edit=request.access.can_write(township, "meetings.change_plannedactivity"),
            plan=selectors.plan_vs_held(township=township, year=year, user=request.user, group=group),
        )
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "meetings/plans.html", context)


def planned_activity_edit(request, pk):
    """Change a planned activity's month, kind, subject and note; back to the plans page (the
    group's when `?group=` came along)."""
    item = request.access.get_or_404(PlannedActivity.objects.select_related("group", "station"), pk=pk)
    request.access.require_write(item, "meetings.change_plannedactivity")
    back = _plans_url(item.year, _plans_group(request, request.GET.get("group")))
    initial = {"month": item.month, "kind": item.kind, "subject": item.subject, "note": item.note}
    form = PlannedActivityEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if submit(form, services.planned_activity_update, item=item, by=request.user, **form.cleaned_data):
            messages.success(request, _("Saved."))
            return redirect(back)
    owner = item.group or item.station
    title = _("Planned activity of %(owner)s, %(year)s") % {"owner": owner.name, "year": item.year}
    return render(request, "meetings/form.html", {"form": form, "title": title, "back": back})


# --- Reception rota of higher-level deputies --------------------------------------------------


def rota(request):
    """The rota of higher-level deputies receiving voters at the township's liaison stations:
    the plan of a year, what was held, and each deputy's compliance with a light."""
    request.access.require_browse()
    township = request.access.selected_township
    year = _year(request)
    can_write = township is not None and request.access.can_write(township, "meetings.add_rotaentry")
    form = RotaEntryForm(request.POST or None, township=township) if can_write else None
    if request.method == "POST":
        request.access.require_write(township, "meetings.add_rotaentry")
        if form is not None and form.is_valid():
            entry = submit(
                form, services.rota_entry_create, township=township, by=request.user, **form.cleaned_data
            )
            if entry is not None:
                messages.success(request, _("Reception planned."))
                return redirect(f"{reverse('meetings:rota')}?year={entry.date.year}")
    this_year = timezone.localdate().year
    context = {
        "township": township,
        "year": year,
        "form": form,
        "can_write": can_write,
        "years": list(range(this_year + 1, this_year - 6, -1)),
        "quotas": QUOTAS,
    }
    if township is not None:
        context["rota"] = selectors.rota_compliance(township=township, year=year)
    return render(request, "meetings/rota.html", context)


def rota_entry(request, pk):
    """One turn of the rota: record whether it was held (and its reception), or void it."""
    request.access.require_browse()
    entry = request.access.get_or_404(
        RotaEntry.objects.select_related("deputy", "station", "activity"), pk=pk
    )
    can_write = request.access.can_write(entry, "meetings.change_rotaentry")
    reception = entry.activity if entry.activity is not None and not entry.activity.is_voided else None
    initial = {
        "state": entry.current_state,
        "activity": reception.pk if reception else None,
        "note": entry.note,
    }
    form = RotaRecordForm(request.POST or None, entry=entry, initial=initial) if can_write else None
    back = f"{reverse('meetings:rota')}?year={entry.date.year}"
    if request.method == "POST":
        request.access.require_write(entry, "meetings.change_rotaentry")
        if form is not None and form.is_valid():
            if submit(form, services.rota_entry_record, entry=entry, by=request.user, **form.cleaned_data):
                messages.success(request, _("Rota entry saved."))
                return redirect(back)
    return render(
        request,
        "meetings/rota_entry.html",
        {
            "entry": entry,
            "reception": reception,
            "form": form,
            "can_write": can_write,
            "back": back,
            "history": history_entries(entry),
        },
    )


# --- Training of new deputies -------------------------------------------------------------------


def training(request):
    """New deputies of the current term and whether they were trained before their first
    session; the untrained ones flagged. A read-only page (trainings are recorded as activities)."""
    request.access.require_browse()
    township = request.access.selected_township
    context = {"township": township}
    if township is not None:
        rows = selectors.new_deputy_training(township_ids=[township.pk])[township.pk]
        context.update(
            rows=rows,
            term=term_on(township=township),
            trained=sum(1 for r in rows if r.status == selectors.TRAINED),
            late=sum(1 for r in rows if r.status == selectors.LATE),
            untrained=sum(1 for r in rows if r.status in (selectors.UNTRAINED, selectors.PENDING)),
            can_write=request.access.can_write(township, "meetings.add_activity"),
        )
    return render(request, "meetings/training.html", context)
