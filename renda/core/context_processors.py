from functools import partial

from django.utils.translation import gettext_lazy as _

from .terms import term_on

NAV = [
    ("deputies", _("Deputies"), "deputies:list"),
    ("meetings", _("Meetings & activities"), "meetings:index"),
    ("proposals", _("Motions & suggestions"), "proposals:list"),
    ("assessments", _("Assessment"), "assessments:index"),
    ("dashboard", _("Statistics & reports"), "dashboard:index"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = request.access
    selected = access.selected_township
    context = {
        # Templates decide what to show through the one access policy, never by role by hand.
        "access": access,
        "nav_items": [] if access.is_handling_unit or access.is_deputy else NAV,
        "nav_section": request.resolver_match.app_name if request.resolver_match else "",
        "nav_township": selected,
        # Looked up only if a template shows it (a template calls a callable): one query less
        # on every page that does not.
        "nav_term": partial(term_on, township=selected) if selected else None,
    }
    if access.is_county:
        context["nav_townships"] = access.townships()
    return context
