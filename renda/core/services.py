"""The core's writes: the audit log, reminders, document jobs, void / restore / delete.

Services take the acting user as `by` and ask the access policy first (`authorize`); what runs
with no user (Celery beat, the worker, a command run from the server's shell) is named in
SYSTEM_SERVICES."""

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import hooks
from .access import authorize
from .exceptions import ApplicationError
from .jobs import job_handler_get, job_kinds
from .models import AuditEvent, DocumentJob, Reminder, Township

logger = logging.getLogger(__name__)

SYSTEM_SERVICES = frozenset(
    {
        "audit_record_system",  # a management command run from the server's shell
        "reminder_upsert",  # written by beat jobs and by other services for the township office
        "document_job_run",  # the worker
        "document_jobs_requeue_stale",  # beat
        "document_files_cleanup",  # beat
        "document_file_delete",  # the cleanup, and an import preview's copy once it is spent
    }
)


def _signed_in(access) -> bool:
    return access.user is not None and access.user.is_authenticated


def audit_record(
    *, by, action: str, detail: str = "", township: Township | None = None, row_count: int = 0
) -> AuditEvent:
    """Log what a signed-in user did (an export, an import, a download, a void …)."""
    authorize(by, allowed=_signed_in)
    return _audit(user=by, action=action, detail=detail, township=township, row_count=row_count)


def audit_record_system(
    *, action: str, detail: str = "", township: Township | None = None, row_count: int = 0
) -> AuditEvent:
    """Log what a management command run from the server's shell did (no user)."""
    return _audit(user=None, action=action, detail=detail, township=township, row_count=row_count)


def _audit(*, user, action, detail, township, row_count):
    return AuditEvent.objects.create(
        user=user, township=township, action=action, detail=detail[:300], row_count=row_count
    )


def reminder_upsert(
    *, township: Township, key: str, text: str, url: str = "", due_date: dt.date | None = None
) -> Reminder:
    """Create the reminder once; running a beat job twice creates nothing new."""
    reminder, _created = Reminder.objects.get_or_create(
        township=township,
        key=key,
        defaults={"text": text[:300], "url": url, "due_date": due_date},
    )
    return reminder


def _dispatch(job_id):
    """Send the job to the worker (or run it here when eager). A broker outage leaves it queued."""
    from .tasks import document_job_build

    app = document_job_build.app
    try:
        if app.conf.task_always_eager:
            document_job_build.delay(job_id)
        else:
            # One attempt to reach the broker: kombu's default connect retries keep the user
            # waiting for seconds when Redis is down; the beat sweep dispatches the job later.
            with app.connection_for_write(transport_options={"max_retries": 0}) as conn:
                document_job_build.apply_async((job_id,), connection=conn)
    except Exception:  # kombu raises OperationalError and friends when Redis is down
        logger.warning("Broker unavailable; document job %s stays queued", job_id, exc_info=True)
        return False
    return True


def document_job_request(
    *,
    by,
    kind: str,
    params: dict[str, Any] | None = None,
    township: Township | None = None,
    title: str | None = None,
) -> DocumentJob:
    """Record a document request and hand it to the worker once the transaction commits. A
    township document for whoever may read that township (township None: the user's own, or
    county-wide for a county user)."""
    access = authorize(by, allowed=_signed_in)
    if township is None and not access.is_county:
        township = by.township
    authorize(by, allowed=lambda a: a.can_read(township) if township is not None else a.is_county)
    if kind not in job_kinds():
        raise ApplicationError(_("Unknown document kind."))
    handler = job_handler_get(kind)
    job = DocumentJob.objects.create(
        kind=kind,
        title=title or str(handler.label),
        params=params or {},
        township=township,
        requested_by=by,
    )
    _audit(user=by, action="export_requested", detail=job.title, township=township, row_count=0)
    transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def document_job_retry(*, job: DocumentJob, by) -> DocumentJob:
    """Queue a failed (or stuck) document again: the one who asked for it."""
    authorize(by, allowed=lambda access: _signed_in(access) and job.requested_by_id == by.pk)
    with transaction.atomic():
        job = DocumentJob.objects.select_for_update().get(pk=job.pk)
        if job.status not in (DocumentJob.Status.FAILED, DocumentJob.Status.QUEUED):
            raise ApplicationError(_("Only a failed or waiting document can be retried."))
        job.status = DocumentJob.Status.QUEUED
        job.progress = 0
        job.error = ""
        job.save(update_fields=["status", "progress", "error", "updated_at"])
        transaction.on_commit(lambda: _dispatch(job.pk))
    return job


def document_job_run(*, job_id: int) -> DocumentJob | None:
    """Build one document. Idempotent: a finished job is left alone; a retried one starts over."""
    with transaction.atomic():
        job = DocumentJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status == DocumentJob.Status.DONE:
            return job
        job.status = DocumentJob.Status.RUNNING
        job.progress = 0
        job.error = ""
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "progress", "error", "attempts", "started_at", "updated_at"])

    def progress(percent):
        DocumentJob.objects.filter(pk=job.pk).update(
            progress=max(0, min(int(percent), 99)), updated_at=timezone.now()
        )

    try:
        filename, content = job_handler_get(job.kind).run(job, progress)
    except ApplicationError as exc:
        _document_job_fail(job, exc.message)
        return job
    except Exception:
        # The traceback goes to the log only; the user sees a plain message.
        logger.exception("Document job %s (%s) failed", job.pk, job.kind)
        _document_job_fail(
            job,
            _(
                "The document could not be built because of an internal error; it was logged. Try again later."
            ),
        )
        raise
    # one folder per job: the file keeps its own name (乡镇_年度_文件名), never a random suffix
    if isinstance(content, File):  # a large document spooled to a temporary file
        with content:
            content.seek(0, 2)
            job.file_size = content.tell()
            content.seek(0)
            job.file.save(f"{job.pk}/{filename}", content, save=False)
    else:
        job.file.save(f"{job.pk}/{filename}", ContentFile(content), save=False)
        job.file_size = len(content)
    job.file_name = filename
    job.status = DocumentJob.Status.DONE
    job.progress = 100
    job.finished_at = timezone.now()
    job.save(
        update_fields=["file", "file_name", "file_size", "status", "progress", "finished_at", "updated_at"]
    )
    return job


def _document_job_fail(job, error):
    DocumentJob.objects.filter(pk=job.pk).update(
        status=DocumentJob.Status.FAILED,
        error=str(error)[:5000],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def document_jobs_requeue_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Requeue jobs whose worker died (running too long) or whose dispatch failed (queued too long)."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.DOCUMENT_STALE_AFTER_SECONDS)
    waiting = now - dt.timedelta(minutes=2)
    ids = list(
        DocumentJob.objects.filter(status=DocumentJob.Status.RUNNING, updated_at__lt=stale)
        .values_list("pk", flat=True)
        .union(
            DocumentJob.objects.filter(status=DocumentJob.Status.QUEUED, updated_at__lt=waiting).values_list(
                "pk", flat=True
            )
        )
    )
    DocumentJob.objects.filter(pk__in=ids).update(status=DocumentJob.Status.QUEUED, updated_at=now)
    for pk in ids:
        _dispatch(pk)
    return ids


def document_files_cleanup(*, now: dt.datetime | None = None) -> int:
    """Delete files older than the retention period; keep the job row as the record."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.DOCUMENT_RETENTION_DAYS)
    count = 0
    for job in DocumentJob.objects.filter(finished_at__lt=cutoff, file_deleted_at__isnull=True).exclude(
        file=""
    ):
        document_file_delete(job=job, now=now)
        count += 1
    return count


def document_file_delete(*, job: DocumentJob, now: dt.datetime | None = None) -> None:
    """Delete a job's file; the job row stays as the record of what was built."""
    job.file.delete(save=False)
    job.file_deleted_at = now or timezone.now()
    job.save(update_fields=["file", "file_deleted_at", "updated_at"])


# --- void with a reason, restore, delete an unreferenced draft -----------------------------

VOID_REASON_MAX = 300
# Called with `obj=` in the transaction of a void, restore or delete, after the rows are written:
# an app keeping stored figures over the record refreshes them (proposals.summaries).
RECORD_CHANGED = "record_changed"


def _void_family(obj):
    """The record and the rows voided together with it (see VoidableModel.void_children)."""
    rows = [obj]
    for name in obj.void_children:
        rel = obj._meta.get_field(name)
        child_model = rel.related_model
        rows += list(child_model.objects.filter(**{rel.field.name: obj}).select_for_update())
    return rows


def _record_label(obj):
    return f"{obj._meta.verbose_name} {obj}"[:200]


@transaction.atomic
def record_void(*, obj: models.Model, by, reason: str) -> models.Model:
    """Void a record entered by mistake, with a reason: it leaves every list, count and
    document; the history keeps who, when and why; the chair can restore it."""
    from .history import history_actor
    from .models import VoidableModel

    authorize(by, allowed=lambda access: access.can_void(obj))
    if not isinstance(obj, VoidableModel):
        raise ApplicationError(_("This kind of record cannot be voided."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ApplicationError(_("Give the reason for voiding this record."), field="reason")
    if len(reason) > VOID_REASON_MAX:
        raise ApplicationError(
            _("The reason is too long (at most %(max)s characters).") % {"max": VOID_REASON_MAX},
            field="reason",
        )
    model = type(obj)
    obj = model.all_objects.select_for_update().get(pk=obj.pk)
    if obj.is_voided:
        raise ApplicationError(_("This record has already been voided."))
    now = timezone.now()
    for row in _void_family(obj):
        row.voided_at = now
        row.voided_by = by
        row.void_reason = reason
        history_actor(row, by)
        row._change_reason = reason[:100]
        row.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    hooks.collect(RECORD_CHANGED, obj=obj)
    _audit(
        user=by,
        action="record_voided",
        detail=f"{_record_label(obj)}：{reason}",
        township=obj.township,
        row_count=1,
    )
    return obj


@transaction.atomic
def record_restore(*, obj: models.Model, by) -> models.Model:
    """The chair restores a voided record (and the rows voided together with it)."""
    from django.db import IntegrityError

    from .history import history_actor
    from .models import VoidableModel

    authorize(by, allowed=lambda access: access.can_restore(obj))
    if not isinstance(obj, VoidableModel):
        raise ApplicationError(_("This kind of record cannot be voided."))
    model = type(obj)
    obj = model.all_objects.select_for_update().get(pk=obj.pk)
    if not obj.is_voided:
        raise ApplicationError(_("This record is not voided."))
    if obj.void_parent:
        parent = getattr(obj, obj.void_parent)
        if parent is not None and parent.is_voided:
            raise ApplicationError(
                _("%(parent)s is voided: restore it first.") % {"parent": _record_label(parent)}
            )
    rows = [obj]
    for name in obj.void_children:
        rel: Any = obj._meta.get_field(name)
        rows += list(
            rel.related_model.all_objects.filter(
                **{rel.field.name: obj, "voided_at": obj.voided_at}
            ).select_for_update()
        )
    try:
        with transaction.atomic():
            for row in rows:
                row.voided_at = None
                row.voided_by = None
                row.void_reason = ""
                history_actor(row, by)
                row._change_reason = _("restored")  # type: ignore[attr-defined]
                row.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    except IntegrityError:
        raise ApplicationError(
            _("Another record now has the same number; change or void it before restoring this one.")
        ) from None
    hooks.collect(RECORD_CHANGED, obj=obj)
    _audit(user=by, action="record_restored", detail=_record_label(obj), township=obj.township, row_count=1)
    return obj


def _record_references(obj):
    """How many rows refer to the record (any foreign key or many-to-many row but its own
    change history): a record nothing refers to may be deleted outright."""
    total = 0
    for field in obj._meta.get_fields(include_hidden=True):
        if not (field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)):
            continue
        related = field.related_model
        if related._meta.model_name.startswith("historical") and hasattr(related, "history_id"):
            continue
        total += related._base_manager.filter(**{field.field.name: obj}).count()
    for field in obj._meta.many_to_many:
        total += getattr(obj, field.name).count()
    return total


@transaction.atomic
def record_delete_draft(*, obj: models.Model, by) -> None:
    """Delete outright a record entered by mistake that nothing refers to (an activity with no
    participant or file, a meeting with no agenda …); the audit log keeps who and what."""
    from .history import history_actor
    from .models import VoidableModel

    authorize(by, allowed=lambda access: access.can_delete_draft(obj))
    if not isinstance(obj, VoidableModel):
        raise ApplicationError(_("This kind of record cannot be deleted."))
    obj = type(obj).all_objects.select_for_update().get(pk=obj.pk)
    if _record_references(obj):
        raise ApplicationError(
            _("Other records refer to this one, so it cannot be deleted: void it with a reason instead.")
        )
    label = _record_label(obj)
    township = obj.township
    history_actor(obj, by)
    obj.delete()
    hooks.collect(RECORD_CHANGED, obj=obj)
    _audit(user=by, action="record_deleted", detail=label, township=township, row_count=1)
