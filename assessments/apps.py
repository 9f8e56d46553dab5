from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessment")

    def ready(self):
        from renda.core import hooks

        from . import jobs  # noqa: F401  (registers the scoresheet builders)
        from .archive import score_section_context

        hooks.register(
            "deputy_archive_section",
            hooks.Section(
                "assessments",
                _("Year-end assessment"),
                "assessments/archive/_deputy.html",
                score_section_context,
            ),
            order=80,
        )
