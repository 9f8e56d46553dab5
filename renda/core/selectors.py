from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .access import access_for
from .models import County, Reminder, Term, Township
from .terms import term_on  # noqa: F401  (re-exported: the one term lookup)


def township_export_rows():
    county = County.current()
    rows = []
    townships = Township.objects.prefetch_related(Prefetch("terms", queryset=Term.objects.order_by("number")))
    for t in townships:
        terms = list(t.terms.all()) or [None]
        for term in terms:
            rows.append(
                [
                    t.code,
                    t.name,
                    str(t.get_kind_display()),
                    _("yes") if t.is_active else _("no"),
                    term.number if term else "",
                    term.start_date if term else None,
                    term.end_date if term else None,
                ]
            )
    title = _("%(county)s townships and congress terms") % {"county": county.name if county else ""}
    return {"title": title, "rows": rows}


def reminder_list(*, user, include_done=False):
    qs = access_for(user).scope(Reminder)
    if not include_done:
        qs = qs.filter(done=False)
    return qs.order_by("due_date", "pk")


def voided_record_list(*, user, limit=500):
    """Voided records the user may see, newest first: one query per kind of record."""
    from django.contrib.contenttypes.models import ContentType

    from .access import access_for
    from .models import voidable_models

    access = access_for(user)
    rows = []
    for model in voidable_models():
        qs = access.scope(model.all_objects.filter(voided_at__isnull=False)).select_related("voided_by")
        related = [
            f.name
            for f in model._meta.concrete_fields
            # what the record's name and its parent are made of (no query per row)
            if f.name in ("term", "proposal", "activity", "meeting", "member", "deputy", "group", "station")
        ]
        if related:
            qs = qs.select_related(*related)
        ct = ContentType.objects.get_for_model(model)
        for obj in qs.order_by("-voided_at")[:limit]:
            parent = getattr(obj, obj.void_parent) if obj.void_parent else None
            rows.append({"obj": obj, "kind": model._meta.verbose_name, "ct": ct.pk, "parent": parent})
    rows.sort(key=lambda r: r["obj"].voided_at, reverse=True)
    return rows[:limit]
