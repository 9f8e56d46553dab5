from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "renda.dashboard"
    label = "dashboard"
    verbose_name = _("Statistics and reports")

    def ready(self):
        from django.db.backends.signals import connection_created

        from renda.core import hooks
        from renda.core.access import access_for

        from . import figures_cache

        # Committed writes to the records drop the cached county figures (figures_cache.py).
        connection_created.connect(figures_cache.install, dispatch_uid="county-figures-watch-writes")

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
