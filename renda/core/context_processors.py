from functools import partial

from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
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
        # the picker's options: ids and names, no model instance each (200 at city scale)
        context["nav_townships"] = townships = access.townships().values("pk", "name")
        context["nav_township_options"] = partial(_township_options, townships, selected)
    return context


def _township_options(townships, selected) -> str:
    """The township picker's <option>s, written here rather than by a template loop (200 of them
    at city scale, on every page a county user opens after a write)."""
    chosen = selected.pk if selected else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((t["pk"], mark_safe(" selected") if t["pk"] == chosen else "", t["name"]) for t in townships),
    )
