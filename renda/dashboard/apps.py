from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "renda.dashboard"
    label = "dashboard"
    verbose_name = _("Statistics and reports")
    # Read by renda.core.installed_apps (seed_demo, the messages command); not a domain app:
    # the roles grant no permission on its models.
    demo_module, demo_order = "renda.dashboard.demo", 50
    catalogue = True

    def ready(self):
        from django.db.backends.signals import connection_created

        from renda.core import hooks
        from renda.core.archive import ARCHIVE_SECTION

        from . import figures_cache
        from .archive import document_section

        # Committed writes to the records drop the cached county figures (figures_cache.py).
        connection_created.connect(figures_cache.install, dispatch_uid="county-figures-watch-writes")

        # The last section of a deputy's archive page: build the year's archive as .docx.
        hooks.register(ARCHIVE_SECTION, document_section, order=95)
