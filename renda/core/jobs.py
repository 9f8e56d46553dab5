"""Background documents: registry of builders, and core's own (the admin's township export)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class JobHandler:
    kind: str
    label: str
    run: Callable  # run(job, progress) -> (filename, bytes); progress(percent) reports 0-100


_HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind, label):
    """Register `func(job, progress) -> (filename, bytes)` as the builder of one document kind."""

    def register(func):
        _HANDLERS[kind] = JobHandler(kind=kind, label=label, run=func)
        return func

    return register


def job_handler_get(kind) -> JobHandler:
    return _HANDLERS[kind]


def job_kinds():
    return dict(_HANDLERS)


@job_handler("townships_xlsx", _("Townships and terms (.xlsx)"))
def townships_xlsx(job, progress):
    from .documents import townships_workbook
    from .selectors import township_export_rows

    data = township_export_rows()
    progress(50)
    return "townships.xlsx", townships_workbook(data)
