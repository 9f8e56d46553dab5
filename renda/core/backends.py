"""The authentication backend: Django's ModelBackend, with a user's groups and permissions read
once per records generation.

`Access.can_write(..., perm)` asks `user.has_perm` on nearly every page of township staff (the
"add" buttons of a list) and `user.role` reads the user's groups; Django's backend reads the
user's own permissions and their groups' permissions in two queries, and the role a third. This
one reads the permissions (the same set: a permission the user holds directly or through a
group) in one query and the group names in another, keeps both in the records cache (renda.core.records_cache:
any committed change to groups, memberships or permissions drops them) and sets them on the user
as Django caches them. The group names are kept with the user's township (the navigation bar
and the township's pages show it): one answer, one cache round trip. The user row itself is
read on every request, as Django does (an account switched off or a password changed takes
effect at once)."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from . import records_cache


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user = super().get_user(user_id)
        if user is not None:
            user._group_names, township = records_cache.remember(
                "user-groups",
                (user.pk, user.township_id),
                lambda: (frozenset(user.groups.values_list("name", flat=True)), user.township),
            )
            if township is not None:
                type(user).township.field.set_cached_value(user, township)
        return user

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = records_cache.remember(
                "user-permissions", (user_obj.pk, user_obj.is_superuser), lambda: _permissions(user_obj)
            )
        return user_obj._perm_cache


def _permissions(user) -> set[str]:
    perms = Permission.objects.all()
    if not user.is_superuser:
        own = type(user).user_permissions.through.objects.filter(user_id=user.pk)
        grouped = Group.permissions.through.objects.filter(group__user=user.pk)
        perms = perms.filter(
            Q(pk__in=own.values("permission_id")) | Q(pk__in=grouped.values("permission_id"))
        )
    rows = perms.values_list("content_type__app_label", "codename").order_by()
    return {f"{app_label}.{codename}" for app_label, codename in rows}
