from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and activities")

    def ready(self):
        from renda.core import hooks

        from .archive import deputy_archive_context, deputy_rota_context, deputy_training_context
        from .group_page import group_plan_context

        hooks.register(
            "deputy_archive_section",
            hooks.Section(
                "meetings",
                _("Sessions, meetings and activities"),
                "meetings/archive/_deputy.html",
                deputy_archive_context,
            ),
            order=30,
        )
        hooks.register(
            "deputy_archive_section",
            hooks.Section(
                "rota",
                _("Reception rota at the liaison stations"),
                "meetings/archive/_rota.html",
                deputy_rota_context,
            ),
            order=35,
        )
        hooks.register(
            "deputy_archive_section",
            hooks.Section(
                "training",
                _("Training before the first session"),
                "meetings/archive/_training.html",
                deputy_training_context,
            ),
            order=36,
        )
        hooks.register(
            "deputy_group_section",
            hooks.Section(
                "plans",
                _("Yearly plan and what was held"),
                "meetings/_group_plan.html",
                group_plan_context,
            ),
            order=10,
        )
