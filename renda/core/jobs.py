"""Background documents: registry of builders, and core's own (the admin's township export)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import hooks


@dataclass(frozen=True)
class JobHandler:
    kind: str
    label: str
    run: Callable  # run(job, progress) -> (filename, bytes); progress(percent) reports 0-100
    # False for a job whose file is read back by its own page (an import preview), not a
    # document to download: 我的文件 does not list it.
    listed: bool = True


# Document builders are one more kind of hook (renda.core.hooks), keyed by their kind.
DOCUMENT_JOBS = "document_jobs"


def job_handler(kind, label, *, listed=True):
    """Register `func(job, progress) -> (filename, bytes)` as the builder of one document kind
    (a later registration of the same kind replaces the earlier one)."""

    def register(func):
        job_handler_remove(kind)
        hooks.register(DOCUMENT_JOBS, JobHandler(kind=kind, label=label, run=func, listed=listed))
        return func

    return register


def job_handler_remove(kind) -> None:
    """Take a document kind off the registry (tests that plug in a builder of their own)."""
    for handler in hooks.get(DOCUMENT_JOBS):
        if handler.kind == kind:
            hooks.unregister(DOCUMENT_JOBS, handler)


def job_kinds() -> dict[str, JobHandler]:
    return {handler.kind: handler for handler in hooks.get(DOCUMENT_JOBS)}


def job_handler_get(kind) -> JobHandler:
    return job_kinds()[kind]


def job_kinds_unlisted():
    return [kind for kind, handler in job_kinds().items() if not handler.listed]


@job_handler("townships_xlsx", _("Townships and terms (.xlsx)"))
def townships_xlsx(job, progress):
    from .documents import townships_workbook
    from .selectors import township_export_rows

    data = township_export_rows()
    progress(50)
    return "townships.xlsx", townships_workbook(data)
