from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Motions and suggestions")

    def ready(self):
        from renda.core import hooks

        from .archive import deputy_archive_context
        from .selectors import proposal_list_for_activity, proposal_list_for_session, proposal_progress_as_of
        from .services import township_setup

        # A session's and an activity's pages list their proposals without meetings importing us.
        hooks.register("session_proposals", proposal_list_for_session)
        hooks.register("activity_proposals", proposal_list_for_activity)
        # A presidium meeting's 议案建议办理情况通报 is filled with the figures as of its date.
        hooks.register("proposal_progress", proposal_progress_as_of)
        # A new township gets its proposal settings and default categories when it is created.
        hooks.register("township_created", township_setup)

        hooks.register(
            "deputy_archive_section",
            hooks.Section(
                "proposals",
                _("Motions and suggestions"),
                "proposals/archive/_deputy.html",
                deputy_archive_context,
            ),
            order=50,
        )
