from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .models import County, DocumentJob, Reminder, Term, Township
from .terms import term_on  # noqa: F401  (re-exported: the one term lookup)


def township_list_for_user(*, user):
    """Townships the user may see: their own, or every active one for county users."""
    qs = Township.objects.filter(is_active=True)
    if user.township_id is not None:
        return qs.filter(pk=user.township_id)
    return qs if user.is_county else qs.none()


def township_selected(*, request):
    """The township a county user picked in the navigation selector (None = all)."""
    user = request.user
    if user.township_id is not None:
        return user.township
    pk = request.session.get("selected_township")
    if pk:
        return township_list_for_user(user=user).filter(pk=pk).first()
    return None


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


def document_job_list(*, user):
    """The jobs a user may see: their own; county users also see every county-wide job they asked."""
    return DocumentJob.objects.filter(requested_by=user).select_related("township")


def document_job_visible(*, user):
    """Jobs whose file the user may download: their own, or their township's for township staff."""
    qs = DocumentJob.objects.select_related("township", "requested_by")
    if user.is_county:
        return qs
    if user.is_township_staff:
        return qs.filter(township_id=user.township_id)
    return qs.filter(requested_by=user)


def reminder_list(*, user, include_done=False):
    qs = Reminder.objects.for_user(user)
    if not include_done:
        qs = qs.filter(done=False)
    return qs.order_by("due_date", "pk")


def term_current(*, township, on=None):
    return term_on(township=township, on=on)


def term_list(*, township):
    """A township's terms, newest first."""
    return Term.objects.filter(township=township).order_by("-number")
