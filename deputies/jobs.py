"""Background jobs of the deputies app."""

import json

from django.utils.translation import gettext_lazy as _

from renda.core.exceptions import ApplicationError
from renda.core.jobs import job_handler

from .importing import PREVIEW_JOB


@job_handler(PREVIEW_JOB, _("Roster import check"), listed=False)
def roster_import_preview(job, progress):
    """Check an uploaded roster row by row (nothing written); the import page reads the JSON back."""
    from django.utils.translation import gettext

    from .importing import import_preview_load, import_preview_summary, roster_import_read

    content = import_preview_load(token=job.params.get("token", ""))
    if content is None or job.township is None:
        raise ApplicationError(gettext("This import has expired; upload the file again."))
    result = roster_import_read(township=job.township, content=content, progress=progress)
    summary = json.dumps(import_preview_summary(result), ensure_ascii=False, default=str)
    return "preview.json", summary.encode()
