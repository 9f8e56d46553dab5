from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and activities")

    def ready(self):
        from deputies.archive import register_archive_section

        from .archive import deputy_archive_context

        register_archive_section(
            "meetings",
            _("Sessions, meetings and activities"),
            "meetings/archive/_deputy.html",
            context=deputy_archive_context,
            order=30,
        )
