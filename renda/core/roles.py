"""Roles are Django groups with permissions. This module names them and keeps their permissions.

Admins can edit the groups afterwards; `roles_sync` only adds what a role needs and never
removes what an admin granted by hand.
"""

from django.utils.translation import gettext_lazy as _

SECRETARY = "township_secretary"
CHAIR = "township_chair"
REVIEWER = "county_reviewer"
ADMIN = "county_admin"
HANDLING_UNIT = "handling_unit"
# A deputy's own account (portal app): no model permissions; the portal's pages and services
# show the deputy their own record and their township's public records only.
DEPUTY = "deputy"

ROLE_PRIORITY = [ADMIN, REVIEWER, CHAIR, SECRETARY, HANDLING_UNIT, DEPUTY]
ROLE_LABELS = {
    SECRETARY: _("township secretary"),
    CHAIR: _("township chair"),
    REVIEWER: _("county reviewer"),
    ADMIN: _("administrator"),
    HANDLING_UNIT: _("handling unit"),
    DEPUTY: _("deputy"),
}
TOWNSHIP_ROLES = {SECRETARY, CHAIR, HANDLING_UNIT, DEPUTY}
COUNTY_ROLES = {REVIEWER, ADMIN}

# Custom permissions whose codename starts with this are sign-off steps kept for the chair.
CHAIR_ONLY_PREFIX = "signoff_"
HANDLING_UNIT_PERMISSIONS = [
    "proposals.view_proposal",
    "proposals.reply_proposal",
]


def _permissions_for(role):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    from .installed_apps import domain_app_labels

    # The apps whose AppConfig says `domain_app = True`: the office's records.
    domain_apps = domain_app_labels()
    domain = Q(content_type__app_label__in=domain_apps)
    documents = Q(content_type__app_label="core", codename__in=["add_documentjob", "view_documentjob"])
    township_data = domain & ~Q(content_type__app_label="core")
    if role == CHAIR:
        q = township_data | documents
    elif role == SECRETARY:
        q = (township_data & ~Q(codename__startswith=CHAIR_ONLY_PREFIX)) | documents
    elif role == REVIEWER:
        q = (domain & Q(codename__startswith="view_")) | documents
    elif role == ADMIN:
        q = Q(content_type__app_label__in=domain_apps + ["auth", "axes"]) & ~Q(
            codename__startswith=CHAIR_ONLY_PREFIX
        )
    elif role == HANDLING_UNIT:
        q = Q(pk__in=[])
        for dotted in HANDLING_UNIT_PERMISSIONS:
            app_label, codename = dotted.split(".")
            q |= Q(content_type__app_label=app_label, codename=codename)
    else:
        return Permission.objects.none()
    return Permission.objects.filter(q)


def roles_sync():
    from django.contrib.auth.models import Group

    for code in ROLE_PRIORITY:
        group, _created = Group.objects.get_or_create(name=code)
        group.permissions.add(*[p.pk for p in _permissions_for(code)])


def roles_sync_after_migrate(app_config, **kwargs):
    from django.apps import apps

    # Permissions are created app by app during post_migrate: sync once the last app has them.
    if app_config is list(apps.get_app_configs())[-1]:
        roles_sync()
