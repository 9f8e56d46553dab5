"""Chinese for the parts of the admin that Django, django-axes and simple-history leave in English.

- Strings those packages mark for translation but whose zh_Hans catalogues lack (Django 5.2's
  new admin strings, all of django-axes) are listed here with `gettext_noop`, so they land in the
  core catalogue (LOCALE_PATHS, which takes precedence over the packages' own catalogues). The
  admin's JavaScript strings are in `locale/zh_Hans/LC_MESSAGES/djangojs.po`.
- Three things are not strings at all and are patched once at start-up (`install()`):
  a group shows its role's name (`township_secretary` → 乡镇人大秘书); a permission shows
  "可以增加 代表" instead of the English name stored in the database when it was created; the
  admin's yes/no icons have Chinese alternative texts instead of "True" / "False".
"""

from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext_lazy

PACKAGE_STRINGS = [
    # django.contrib.admin (5.2) without zh_Hans
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    # simple-history
    gettext_noop("None"),
    gettext_noop("Hold down “Control”, or “Command” on a Mac, to select more than one."),
    # django-axes
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]

HISTORY_OF = gettext_lazy("history of {model}")
PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "Can add %(model)s"),
    "change": pgettext_lazy("permission", "Can change %(model)s"),
    "delete": pgettext_lazy("permission", "Can delete %(model)s"),
    "view": pgettext_lazy("permission", "Can view %(model)s"),
}
# Custom permissions (Meta.permissions) keep their English name in the database.
CUSTOM_PERMISSION_NAMES = [
    gettext_noop("Can lock a year's assessment"),
    gettext_noop("Can write the reply of an assigned proposal"),
]


def model_label(model):
    return str(model._meta.verbose_name)


def _historical_names():
    """simple-history names its tables "historical <name>" in English: "<name>变更历史"."""
    from django.apps import apps
    from django.utils.text import format_lazy

    for model in apps.get_models():
        base = getattr(model, "instance_type", None)
        if base is not None and model.__name__.startswith("Historical"):
            model._meta.verbose_name = format_lazy(HISTORY_OF, model=base._meta.verbose_name)
            model._meta.verbose_name_plural = format_lazy(HISTORY_OF, model=base._meta.verbose_name_plural)


def permission_label(permission):
    ct = permission.content_type
    model = ct.model_class()
    if model is None:
        return permission.name
    action, _sep, rest = permission.codename.partition("_")
    if action in PERMISSION_ACTIONS and rest == model._meta.model_name:
        name = PERMISSION_ACTIONS[action] % {"model": model_label(model)}
    else:
        name = gettext(permission.name)
    from django.apps import apps

    app = apps.get_app_config(ct.app_label).verbose_name
    return f"{app} | {model_label(model)} | {name}"


def group_label(group):
    from . import roles

    return str(roles.ROLE_LABELS.get(group.name, group.name))


def boolean_icon(value):
    from django.templatetags.static import static
    from django.utils.html import format_html

    icon = {True: "yes", False: "no", None: "unknown"}[value]
    alt = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), alt)


def install():
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.apps import apps
    from django.contrib.admin.templatetags import admin_list
    from django.contrib.auth.models import Group, Permission

    _historical_names()
    _password_warning()
    apps.get_app_config("axes").verbose_name = gettext_lazy("Login protection")
    Group.__str__ = group_label
    Permission.__str__ = permission_label
    # admin.utils.display_for_field imports it from admin_list when called
    admin_list._boolean_icon = boolean_icon

    def access_log_str(self):
        return gettext("Login of %(username)s at %(time)s") % {"username": self.username, "time": _at(self)}

    def access_attempt_str(self):
        return gettext("Failed logins of %(username)s at %(time)s") % {
            "username": self.username,
            "time": _at(self),
        }

    def access_failure_str(self):
        return gettext("Failed login of %(username)s at %(time)s") % {
            "username": self.username,
            "time": _at(self),
        }

    AccessLog.__str__ = access_log_str
    AccessAttempt.__str__ = access_attempt_str
    AccessFailureLog.__str__ = access_failure_str


def _at(row):
    from django.utils import timezone

    return timezone.localtime(row.attempt_time).strftime("%Y-%m-%d %H:%M") if row.attempt_time else ""


def _password_warning():
    """Django builds this help text by adding a str to a lazy string when the module loads, so it
    is never translated: build it lazily."""
    from django.contrib.auth.forms import AdminPasswordChangeForm, SetUnusablePasswordMixin
    from django.utils.text import format_lazy

    AdminPasswordChangeForm.usable_password_help_text = format_lazy(
        '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
        SetUnusablePasswordMixin.usable_password_help_text,
        gettext_lazy("If disabled, the current password for this user will be lost."),
    )
