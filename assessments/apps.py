from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessment")

    def ready(self):
        from renda.core import hooks
        from renda.core.archive import ARCHIVE_SECTION

        from . import jobs  # noqa: F401  (registers the scoresheet builders)
        from .archive import score_section

        # The deputy archive's section of the year's score (renda.core.archive).
        hooks.register(ARCHIVE_SECTION, score_section, order=80)
