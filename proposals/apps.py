from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Motions and suggestions")
    # Read by renda.core.installed_apps (roles, seed_demo, the messages command).
    domain_app = True
    demo_module, demo_order = "proposals.demo", 30
    catalogue = True

    def ready(self):
        from renda.core import figures as dashboard
        from renda.core import hooks
        from renda.core.archive import ARCHIVE_SECTION
        from renda.core.figures import RECORD_LIST_URL, TODO_LINES, YEAR_END_PART
        from renda.core.services import RECORD_CHANGED

        from . import figures, pages, summaries, year_end
        from .archive import proposals_section
        from .selectors import proposal_list_for_activity, proposal_list_for_session, proposal_progress_as_of
        from .services import township_setup
        from .todo import proposal_todo_lines

        # A session's and an activity's pages list their proposals without meetings importing us.
        hooks.register("session_proposals", proposal_list_for_session)
        hooks.register("activity_proposals", proposal_list_for_activity)
        # A presidium meeting's 议案建议办理情况通报 is filled with the figures as of its date.
        hooks.register("proposal_progress", proposal_progress_as_of)
        # A new township gets its proposal settings and default categories when it is created.
        hooks.register("township_created", township_setup)
        # The stored figures (proposals.summaries) follow a void, a restore or a deletion of a
        # proposal or of its reply or evaluation, and are rebuilt for a township restored from
        # its backup.
        hooks.register(RECORD_CHANGED, summaries.refresh_for_record)
        hooks.register("township_restored", summaries.refresh_for_township)

        # The deputy archive's section of the deputy's proposals (renda.core.archive).
        hooks.register(ARCHIVE_SECTION, proposals_section, order=50)

        # The home page's to-do list (renda.core.figures).
        hooks.register(TODO_LINES, proposal_todo_lines)
        # The year-end bundle's documents, in this order among the other apps'.
        hooks.register(YEAR_END_PART, year_end.HANDLING_REPORT, order=10)
        hooks.register(YEAR_END_PART, year_end.ASSIGNMENT_SHEETS, order=30)
        hooks.register(YEAR_END_PART, year_end.REGISTER, order=50)
        # The dashboard's pages: the list behind a drill-down.
        hooks.register(RECORD_LIST_URL, pages.record_list_url)

        # The county dashboard and the work report (renda.core.figures).
        hooks.register(dashboard.COUNTY_FIGURES, figures.proposal_figures, order=50)
        hooks.register(dashboard.COUNTY_TOTALS, figures.proposal_totals, order=50)
        hooks.register(dashboard.DRILL, figures.drill_metrics, order=50)
        hooks.register(dashboard.PROPOSALS_BY_MONTH, figures.proposals_by_month)
        hooks.register(dashboard.PROPOSALS_DUE, figures.proposals_due)
        hooks.register(dashboard.WORK_REPORT_PART, figures.work_report_part, order=50)
