"""Background documents: registry of builders, and core's own (the admin's township export)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class JobHandler:
    kind: str
    label: str
    run: Callable  # run(job, progress) -> (filename, bytes); progress(percent) reports 0-100
    # False for a job whose file is read back by its own page (an import preview), not a
    # document to download: 我的文件 does not list it.
    listed: bool = True


_HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind, label, *, listed=True):
    """Register `func(job, progress) -> (filename, bytes)` as the builder of one document kind."""

    def register(func):
        _HANDLERS[kind] = JobHandler(kind=kind, label=label, run=func, listed=listed)
        return func

    return register


def job_handler_get(kind) -> JobHandler:
    return _HANDLERS[kind]


def job_kinds():
    return dict(_HANDLERS)


def job_kinds_unlisted():
    return [kind for kind, handler in _HANDLERS.items() if not handler.listed]


@job_handler("townships_xlsx", _("Townships and terms (.xlsx)"))
def townships_xlsx(job, progress):
    from .documents import townships_workbook
    from .selectors import township_export_rows

    data = township_export_rows()
    progress(50)
    return "townships.xlsx", townships_workbook(data)
