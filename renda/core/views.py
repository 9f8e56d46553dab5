from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .converters import id_or_none
from .exceptions import ApplicationError
from .jobs import job_kinds_unlisted
from .models import DocumentJob
from .services import audit_record, document_job_request, document_job_retry


@require_POST
def township_select(request):
    """County users narrow list pages to one township (or all)."""
    if not request.access.is_county:
        raise PermissionDenied
    raw = request.POST.get("township") or ""
    pk = id_or_none(raw)
    if raw and (pk is None or not request.access.townships().filter(pk=pk).exists()):
        raise Http404
    request.session["selected_township"] = pk
    nxt = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = reverse("home")
    return redirect(nxt)


def document_list(request):
    jobs = (
        request.access.jobs().filter(requested_by=request.user).exclude(kind__in=job_kinds_unlisted())[:100]
    )
    return render(
        request,
        "core/documents.html",
        {"jobs": jobs, "can_export_townships": request.access.can_admin_county},
    )


def document_status(request, pk):
    """htmx polling target: one row of the 我的文件 table, or the progress box on a page."""
    job = request.access.get_or_404(request.access.jobs(), pk=pk)
    template = request.GET.get("template") == "box" and "core/_job_box.html" or "core/_job_row.html"
    reload = request.GET.get("then") == "reload"
    response = render(request, template, {"job": job, "reload": reload})
    if job.is_finished:
        response["HX-Trigger"] = "document-finished"
        if reload:  # the page shows what the job found (an import preview): load it again
            response["HX-Refresh"] = "true"
    return response


def document_download(request, pk):
    job = request.access.get_or_404(request.access.jobs(), pk=pk)
    if job.status != DocumentJob.Status.DONE or not job.file or job.file_deleted_at:
        raise Http404
    audit_record(by=request.user, action="download", detail=job.title, township=job.township)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


@require_POST
def document_retry(request, pk):
    job = request.access.get_or_404(request.access.jobs().filter(requested_by=request.user), pk=pk)
    try:
        document_job_retry(job=job, by=request.user)
        messages.success(request, _("The document was queued again."))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("documents")


@require_POST
def township_export(request):
    if not request.access.can_admin_county:
        raise PermissionDenied
    job = document_job_request(by=request.user, kind="townships_xlsx")
    job.refresh_from_db()
    messages.info(request, document_queued_message(job))
    return redirect("documents")


def document_queued_message(job):
    if job.status == DocumentJob.Status.DONE:
        return _("The document “%(title)s” is ready.") % {"title": job.title}
    return _("The document “%(title)s” is queued; it will appear here when it is ready.") % {
        "title": job.title
    }


@require_GET
def healthz(request):
    from renda.celery import app

    status = {"database": "ok", "broker": "ok"}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any database failure means unhealthy
        status["database"] = f"error: {exc.__class__.__name__}"
        healthy = False
    if app.conf.task_always_eager:
        status["broker"] = "eager (tasks run in-process)"
    else:
        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
        except Exception as exc:
            status["broker"] = f"error: {exc.__class__.__name__}"
            healthy = False
    status["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(status, status=200 if healthy else 503)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No request context: the failure may be the database itself (sessions, the user, the
    # navigation all query it), and the error page must still render.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


# --- void with a reason, restore, delete an unreferenced draft -----------------------------


def _voidable_record(request, ct, pk):
    """The record behind (content type, pk), voided or not, if the user may see it; else 404."""
    from django.contrib.contenttypes.models import ContentType

    from .models import VoidableModel

    try:
        model = ContentType.objects.get_for_id(ct).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    if model is None or not issubclass(model, VoidableModel):
        raise Http404
    return request.access.get_or_404(model.all_objects.all(), pk=pk)


def _back(request, fallback):
    """Back to the page named in `next` (a path on this site), else to `fallback` (a path)."""
    from django.http import HttpResponseRedirect

    nxt = request.POST.get("next") or ""
    if nxt.startswith("/") and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(nxt)
    return HttpResponseRedirect(fallback)


@require_POST
def record_void_view(request, ct, pk):
    from .services import record_void

    obj = _voidable_record(request, ct, pk)
    if not request.access.can_void(obj):
        raise PermissionDenied
    try:
        record_void(obj=obj, by=request.user, reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(request, reverse("voided_records"))
    messages.success(
        request,
        _("“%(record)s” voided. The chair can restore it from the voided records page.") % {"record": obj},
    )
    return _back(request, reverse("voided_records"))


@require_POST
def record_restore_view(request, ct, pk):
    from .services import record_restore

    obj = _voidable_record(request, ct, pk)
    if not request.access.can_restore(obj):
        raise PermissionDenied
    try:
        record_restore(obj=obj, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(record)s” restored.") % {"record": obj})
    return redirect("voided_records")


@require_POST
def record_delete_view(request, ct, pk):
    from .services import record_delete_draft

    obj = _voidable_record(request, ct, pk)
    if not request.access.can_delete_draft(obj):
        raise PermissionDenied
    try:
        record_delete_draft(obj=obj, by=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(request, reverse("voided_records"))
    messages.success(request, _("“%(record)s” deleted.") % {"record": obj})
    return _back(request, reverse("home"))  # the record's own page is gone


def voided_records(request):
    """The township's voided records: what, who voided it, when and why; the chair restores."""
    from .selectors import voided_record_list

    if not request.access.is_township_staff:
        raise PermissionDenied
    rows = voided_record_list(user=request.user)
    return render(request, "core/voided_records.html", {"rows": rows, "can_restore": request.access.is_chair})
