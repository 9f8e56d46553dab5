from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessment")

    def ready(self):
        from . import jobs  # noqa: F401  (registers the scoresheet builders)

        try:
            from deputies.archive import register_archive_section
        except ImportError:  # the deputy archive is optional
            return
        from .archive import score_section_context

        register_archive_section(
            "assessments",
            _("Year-end assessment"),
            "assessments/archive/_deputy.html",
            context=score_section_context,
            order=80,
        )
