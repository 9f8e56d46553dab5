from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Motions and suggestions")

    def ready(self):
        from deputies.archive import register_archive_section

        from .archive import deputy_archive_context

        register_archive_section(
            "proposals",
            _("Motions and suggestions"),
            "proposals/archive/_deputy.html",
            context=deputy_archive_context,
            order=50,
        )
