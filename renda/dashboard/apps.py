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
        from renda.core import hooks
        from renda.core.archive import ARCHIVE_SECTION

        from .archive import document_section

        # The last section of a deputy's archive page: build the year's archive as .docx.
        hooks.register(ARCHIVE_SECTION, document_section, order=95)
