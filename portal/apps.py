from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """What people outside the office see: the public page (议案建议进行时) and deputies' own
    accounts (home, score card, invitations, drafts, messages sent to them)."""

    name = "portal"
    verbose_name = _("Deputies and the public")
    # Read by renda.core.installed_apps (seed_demo, the messages command); the roles grant no
    # permission on its models (a deputy's own account has none).
    demo_module, demo_order = "portal.demo", 60
    catalogue = True
