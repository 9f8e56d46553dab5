"""The deputy's own pages (/me/), phone first. Every view starts from the deputy behind the
logged-in account; another deputy's record, or anything not theirs, is 404."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.selectors import deputy_profile
from proposals.models import Proposal, ProposalCategory
from proposals.workflow import proposal_actions
from renda.core.exceptions import ApplicationError

from . import selectors, services
from .forms import DraftForm, EvaluateForm, MessagesReadForm
from .models import InvitationAnswer


def _deputy(request):
    """The deputy behind the account; other roles are refused (403), an ended account finds
    nothing (404)."""
    if not request.access.is_deputy:
        raise PermissionDenied
    deputy = request.access.own_deputy
    if deputy is None:
        raise Http404
    return deputy


def me(request):
    deputy = _deputy(request)
    today = timezone.localdate()
    invitations = selectors.deputy_invitations(deputy=deputy, today=today)
    proposals = list(selectors.deputy_proposals(deputy=deputy)[:20])
    to_rate = [p for p in proposals if p.state == Proposal.State.REPLIED and p.lead_deputy_id == deputy.pk]
    duties = [i for i in invitations if i["on_duty"] and i["upcoming"]]
    return render(
        request,
        "portal/me.html",
        {
            "deputy": deputy,
            "invitations": [i for i in invitations if i["upcoming"]],
            "duties": duties,
            "proposals": proposals,
            "to_rate": to_rate,
            "messages_to_me": list(selectors.deputy_messages(deputy=deputy)[:5]),
            "unread": selectors.deputy_messages(deputy=deputy).filter(read_at__isnull=True).count(),
            "report_due": today.month >= 11,
        },
    )


def me_record(request):
    """一人一档: the deputy's own record, in clear (it is their own data)."""
    deputy = _deputy(request)
    return render(
        request, "portal/me_record.html", {"deputy": deputy, "profile": deputy_profile(deputy=deputy)}
    )


def me_score(request):
    deputy = _deputy(request)
    assessment, card = selectors.deputy_score(deputy=deputy)
    return render(request, "portal/me_score.html", {"deputy": deputy, "assessment": assessment, "card": card})


def me_proposal(request, pk):
    deputy = _deputy(request)
    proposal = selectors.deputy_proposal(deputy=deputy, pk=pk)
    if proposal is None:
        raise Http404
    form = EvaluateForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.deputy_evaluate(
                    proposal=proposal,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Thank you: your rating is recorded."))
                return redirect("portal:proposal", pk=proposal.pk)
    return render(
        request,
        "portal/me_proposal.html",
        {
            "deputy": deputy,
            "p": proposal,
            "replies": list(proposal.replies.select_related("unit")),
            "evaluations": list(proposal.evaluations.all()),
            "may_rate": "evaluate" in proposal_actions(proposal=proposal, user=request.user),
            "form": form,
            "ratings": Proposal.Rating.choices,
        },
    )


def me_reply_letter(request, pk, reply_pk):
    deputy = _deputy(request)
    proposal = selectors.deputy_proposal(deputy=deputy, pk=pk)
    if proposal is None:
        raise Http404
    reply = get_object_or_404(proposal.replies.exclude(file=""), pk=reply_pk)
    try:
        handle = reply.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=reply.file.name.rsplit("/", 1)[-1])


@require_POST
def me_answer(request, activity_pk):
    from meetings.models import Activity

    deputy = _deputy(request)
    activity = Activity.objects.filter(
        pk=activity_pk, township_id=deputy.township_id, participations__deputy=deputy
    ).first()
    if activity is None:
        raise Http404
    answer = request.POST.get("answer", "")
    try:
        services.invitation_answer(
            activity=activity,
            deputy=deputy,
            answer=answer,
            reason=request.POST.get("reason", ""),
            by=request.user,
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if answer == InvitationAnswer.Answer.LEAVE:
            messages.success(request, _("Your leave request has been sent to the township office."))
        else:
            messages.success(request, _("Thank you: your attendance is confirmed."))
    return redirect("portal:me")


def me_draft(request):
    deputy = _deputy(request)
    categories = list(
        ProposalCategory.objects.filter(township_id=deputy.township_id, is_active=True)
        .order_by("display_order", "pk")
        .values_list("name", flat=True)
    )
    form = DraftForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.suggestion_draft_send(
                deputy=deputy,
                title=d["title"],
                content=d["content"],
                category_name=d["category_name"],
                by=request.user,
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Sent: the township office will record your suggestion."))
            return redirect("portal:me_draft")
    return render(
        request,
        "portal/me_draft.html",
        {"deputy": deputy, "form": form, "drafts": selectors.deputy_drafts(deputy=deputy)},
    )


def me_messages(request):
    """The deputy's messages; showing them changes nothing (a GET never writes): the deputy marks
    one, or all, read with a POST."""
    deputy = _deputy(request)
    if request.method == "POST":
        form = MessagesReadForm(request.POST)
        if not form.is_valid() or not (form.cleaned_data["all"] or form.cleaned_data["message"]):
            messages.error(request, _("Choose a message to mark as read."))
        else:
            services.messages_mark_read(deputy=deputy, message_ids=form.message_ids(), by=request.user)
            messages.success(request, _("Marked as read."))
        return redirect("portal:me_messages")
    rows = list(selectors.deputy_messages(deputy=deputy)[:200])
    unread = any(m.read_at is None for m in rows)
    return render(request, "portal/me_messages.html", {"deputy": deputy, "rows": rows, "unread": unread})


def me_password(request):
    """The password change every deputy makes at the first login (and any time after)."""
    if not request.access.is_deputy:
        raise PermissionDenied
    form = PasswordChangeForm(request.user, request.POST or None)
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-control"
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.deputy_password_changed(by=user)
        messages.success(request, _("Your password has been changed."))
        return redirect("portal:me")
    account = getattr(request.user, "deputy_account", None)
    return render(
        request,
        "portal/me_password.html",
        {"form": form, "forced": bool(account and account.must_change_password)},
    )
