from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("Deputies")

    def ready(self):
        from renda.core import hooks

        from .archive_roster import roster_section_context

        hooks.register(
            "deputy_archive_section",
            hooks.Section(
                "deputies.roster",
                _("Mandates, group and station in the year"),
                "deputies/archive/_roster.html",
                roster_section_context,
            ),
            order=10,
        )
