from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("Deputies")
    # Read by renda.core.installed_apps (roles, seed_demo, the messages command); a demo module
    # seeds after those with a lower order (the later apps' rows refer to the roster).
    domain_app = True
    demo_module, demo_order = "deputies.demo", 10
    catalogue = True

    def ready(self):
        from renda.core import figures as dashboard
        from renda.core import hooks
        from renda.core.archive import ARCHIVE_DEPUTIES, ARCHIVE_SECTION
        from renda.core.figures import (
            DEPUTY_LEVEL_LABELS,
            DOCUMENT_DEPUTY,
            RECORD_LIST_URL,
            TODO_LINES,
            YEAR_END_DEPUTIES,
            YEAR_END_PART,
        )

        from . import figures, pages, year_end
        from .archive import archive_deputies, roster_section
        from .todo import deputy_todo_lines

        # The deputy archive (renda.core.archive): whom it is about, and the mandates of the year.
        hooks.register(ARCHIVE_DEPUTIES, archive_deputies)
        hooks.register(ARCHIVE_SECTION, roster_section, order=10)

        # The home page's to-do list (renda.core.figures).
        hooks.register(TODO_LINES, deputy_todo_lines)
        # The year-end bundle's documents, in this order among the other apps'.
        hooks.register(YEAR_END_PART, year_end.ROSTER, order=60)
        # The dashboard's pages: level names, the list behind a drill-down, the year-end page's deputies.
        hooks.register(RECORD_LIST_URL, pages.record_list_url)
        hooks.register(DEPUTY_LEVEL_LABELS, pages.level_labels)
        hooks.register(YEAR_END_DEPUTIES, year_end.year_end_deputies)
        hooks.register(DOCUMENT_DEPUTY, year_end.document_deputy)

        # The county dashboard and the work report (renda.core.figures): deputies by level,
        # groups and stations, the structure chart, the drill-down to the deputies.
        hooks.register(dashboard.COUNTY_FIGURES, figures.serving_figures, order=10)
        hooks.register(dashboard.DRILL, figures.drill_metrics, order=10)
        hooks.register(dashboard.DEPUTY_STRUCTURE, figures.deputy_structure)
        hooks.register(dashboard.WORK_REPORT_PART, figures.groups_and_stations, order=10)
