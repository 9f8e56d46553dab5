"""`{% void_form obj %}`: void a record with a reason (township staff), or delete it outright
when nothing refers to it; shown on each record's page. `{% void_form obj next=url %}` says where
to go afterwards (the record's list page; a voided record's own page is gone)."""

from django import template
from django.contrib.contenttypes.models import ContentType

register = template.Library()


@register.inclusion_tag("core/_void_form.html", takes_context=True)
def void_form(context, obj, next="", compact=False):  # noqa: A002 (the template's word)
    request = context.get("request")
    access = getattr(request, "access", None)
    show = bool(obj is not None and access is not None and not getattr(obj, "is_voided", True))
    show = show and access.can_void(obj)
    ct = ContentType.objects.get_for_model(type(obj)).pk if show else None
    return {
        "show": show,
        "obj": obj,
        "ct": ct,
        "next": next,
        "compact": compact,
        "can_delete": show and access.can_delete_draft(obj),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
