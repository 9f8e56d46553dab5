from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and activities")
    # Read by renda.core.installed_apps (roles, seed_demo, the messages command).
    domain_app = True
    demo_module, demo_order = "meetings.demo", 20
    catalogue = True

    def ready(self):
        from renda.core import figures as dashboard
        from renda.core import hooks
        from renda.core.archive import ARCHIVE_SECTION
        from renda.core.figures import RECORD_LIST_URL, TODO_LINES, YEAR_END_PART

        from . import archive, figures, pages, year_end
        from .group_page import group_plan_context
        from .todo import meeting_todo_lines

        # The deputy archive's sections (renda.core.archive), in this order among the other apps'.
        hooks.register(ARCHIVE_SECTION, archive.attendance_section, order=20)
        hooks.register(ARCHIVE_SECTION, archive.activities_section, order=22)
        hooks.register(ARCHIVE_SECTION, archive.commendations_section, order=24)
        hooks.register(ARCHIVE_SECTION, archive.reception_issues_section, order=25)
        hooks.register(ARCHIVE_SECTION, archive.rota_section, order=26)
        hooks.register(ARCHIVE_SECTION, archive.training_section, order=28)
        # A deputy group's page: its yearly plan against what it held.
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

        # The home page's to-do list (renda.core.figures).
        hooks.register(TODO_LINES, meeting_todo_lines)
        # The year-end bundle's documents, in this order among the other apps'.
        hooks.register(YEAR_END_PART, year_end.MINUTES, order=20)
        hooks.register(YEAR_END_PART, year_end.APPRAISALS, order=70)
        # The dashboard's pages: the list behind a drill-down.
        hooks.register(RECORD_LIST_URL, pages.record_list_url)

        # The county dashboard, the workbench and the work report (renda.core.figures).
        hooks.register(dashboard.COUNTY_FIGURES, figures.quota_figures, order=20)
        hooks.register(dashboard.COUNTY_FIGURES, figures.duty_figures, order=22)
        hooks.register(dashboard.COUNTY_FIGURES, figures.plan_figures, order=24)
        hooks.register(dashboard.DRILL, figures.drill_metrics, order=20)
        hooks.register(dashboard.WORKBENCH_QUARTER, figures.workbench_quarter)
        hooks.register(dashboard.DECISIONS_DUE, figures.decisions_due)
        hooks.register(dashboard.WORK_REPORT_PART, figures.work_report_part, order=20)
