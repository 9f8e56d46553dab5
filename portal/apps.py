from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """What people outside the office see: the public page (议案建议进行时) and deputies' own
    accounts (home, score card, invitations, drafts, messages sent to them)."""

    name = "portal"
    verbose_name = _("Deputies and the public")
