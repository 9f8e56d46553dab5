"""Thin views of the portal for signed-in users: the secretary's publication settings and
deputy accounts; the deputy's own pages are in views_deputy."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals.models import Proposal
from renda.core.exceptions import ApplicationError
from renda.core.mixins import require_write

from . import services
from .selectors import publication_years


def publication_settings(request):
    """The township decides which years go on the public page."""
    user = request.user
    require_write(user, "proposals.change_proposalsettings")
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
