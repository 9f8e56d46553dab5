from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessment")
    # Read by renda.core.installed_apps (roles, seed_demo, the messages command).
    domain_app = True
    demo_module, demo_order = "assessments.demo", 40
    catalogue = True

    def ready(self):
        from renda.core import figures as dashboard
        from renda.core import hooks
        from renda.core.archive import ARCHIVE_SECTION
        from renda.core.figures import TODO_LINES, YEAR_END_PART

        from . import (
            figures,
            jobs,  # noqa: F401  (registers the scoresheet builders)
            year_end,
        )
        from .archive import score_section
        from .todo import assessment_todo_lines

        # The deputy archive's section of the year's score (renda.core.archive).
        hooks.register(ARCHIVE_SECTION, score_section, order=80)

        # The home page's to-do list (renda.core.figures).
        hooks.register(TODO_LINES, assessment_todo_lines)
        # The year-end bundle's documents, in this order among the other apps'.
        hooks.register(YEAR_END_PART, year_end.SCORESHEET, order=40)

        # The county dashboard and the work report (renda.core.figures).
        hooks.register(dashboard.COUNTY_FIGURES, figures.score_figures, order=80)
        hooks.register(dashboard.DRILL, figures.drill_metrics, order=80)
        hooks.register(dashboard.SCORE_GRADES, figures.score_grades)
        hooks.register(dashboard.WORK_REPORT_PART, figures.work_report_part, order=80)
