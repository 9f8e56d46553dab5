"""Thin views of the portal for signed-in users: the secretary's publication settings and
deputy accounts; the deputy's own pages are in views_deputy."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.selectors import deputy_current
from proposals.models import Proposal
from renda.core.exceptions import ApplicationError

from . import services
from .forms import ReturnForm
from .models import DeputyAccount, SuggestionDraft
from .selectors import publication_years


def publication_settings(request):
    """The township decides which years go on the public page."""
    user = request.user
    request.access.require_write(perm="proposals.change_proposalsettings")
    township = user.township
    this_year = timezone.localdate().year
    have = set(Proposal.objects.filter(township=township).values_list("year", flat=True).distinct())
    candidates = sorted(have | {this_year}, reverse=True)
    if request.method == "POST":
        try:
            services.publication_years_set(township=township, years=request.POST.getlist("years"), by=user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("portal:publication")
    published = publication_years(township=township)
    hidden = (
        Proposal.objects.filter(township=township, not_for_publication=True)
        .only("pk", "number", "title", "year")
        .order_by("-year", "number")
    )
    return render(
        request,
        "portal/publication.html",
        {
            "years": [(y, y in published) for y in candidates],
            "hidden": hidden[:200],
            "public_url": reverse("portal:public_township_latest", args=[township.code]),
        },
    )


def deputy_accounts(request):
    """The township's deputy accounts; one click creates the missing ones (passwords shown once)."""
    user = request.user
    request.access.require_write(perm="deputies.change_deputy")
    township = user.township
    created = None
    if request.method == "POST":
        try:
            if request.POST.get("reset"):
                account = request.access.get_or_404(
                    DeputyAccount, pk=request.POST["reset"], township=township
                )
                password = services.deputy_account_reset_password(account=account, by=user)
                created = [
                    {"deputy": account.deputy, "username": account.user.username, "password": password}
                ]
            else:
                created = services.deputy_accounts_create(township=township, by=user)
        except ApplicationError as exc:
            messages.error(request, exc.message)
    accounts = (
        DeputyAccount.objects.filter(township=township)
        .select_related("deputy", "user")
        .order_by("ended_on", "deputy__surname_strokes", "deputy__name_pinyin")
    )
    missing = (
        deputy_current(township=township).exclude(pk__in=DeputyAccount.objects.values("deputy_id")).count()
    )
    response = render(
        request,
        "portal/accounts.html",
        {"accounts": accounts, "created": created, "missing": missing},
    )
    response["Cache-Control"] = "no-store"  # initial passwords must not stay in a cache
    return response


def drafts(request):
    """Suggestions drafted by deputies, for the office to record or return."""
    request.access.require_write(perm="proposals.add_proposal")
    rows = request.access.scope(SuggestionDraft).select_related("deputy", "proposal")
    return render(request, "portal/drafts.html", {"rows": rows[:200], "return_form": ReturnForm()})


@require_POST
def draft_handle(request, pk):
    user = request.user
    request.access.require_write(perm="proposals.add_proposal")
    draft = request.access.get_or_404(SuggestionDraft, pk=pk)
    request.access.require_write(draft, "proposals.add_proposal")
    try:
        if request.POST.get("action") == "register":
            proposal = services.suggestion_draft_register(draft=draft, by=user)
            messages.success(request, _("Recorded as %(number)s.") % {"number": proposal.number})
            return redirect("proposals:detail", pk=proposal.pk)
        services.suggestion_draft_return(draft=draft, note=request.POST.get("note", ""), by=user)
        messages.success(request, _("Returned to the deputy."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("portal:drafts")
