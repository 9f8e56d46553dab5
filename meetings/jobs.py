"""Background documents of the meetings app."""

from django.utils.translation import gettext_lazy as _

from renda.core.exceptions import ApplicationError
from renda.core.jobs import job_handler


@job_handler("meeting_minutes", _("Presidium meeting minutes (.docx)"))
def meeting_minutes(job, progress):
    from django.utils.translation import gettext

    from .documents import minutes_docx
    from .models import PresidiumMeeting
    from .selectors import minutes_data

    meeting_id = job.params.get("meeting_id")
    if not PresidiumMeeting.objects.filter(pk=meeting_id, township_id=job.township_id).exists():
        raise ApplicationError(gettext("The meeting no longer exists."))
    data = minutes_data(meeting_id=meeting_id)
    progress(40)
    content = minutes_docx(data)
    progress(90)
    from renda.core.organs import document_filename

    name = gettext("minutes of %(meeting)s") % {"meeting": data.subtitle}
    return document_filename(place=data.township, year=data.date.year, name=name, ext="docx"), content
