from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "renda.dashboard"
    label = "dashboard"
    verbose_name = _("Statistics and reports")

    def ready(self):
        from renda.core import hooks
        from renda.core.access import access_for

        # The last section of a deputy's archive page: download the year's archive as .docx.
        hooks.register(
            "deputy_archive_section",
            hooks.Section(
                "dashboard",
                _("Archive document"),
                "dashboard/_archive_section.html",
                lambda deputy, year, user: {
                    "may_request": access_for(user).can_request_document(deputy.township_id)
                },
            ),
            order=95,
        )
