"""The authentication backend: Django's ModelBackend, with a user's permissions read in one
query.

`Access.can_write(..., perm)` asks `user.has_perm` on nearly every page of township staff (the
"add" buttons of a list); Django's backend reads the user's own permissions and their groups'
permissions in two queries. This one reads both at once (the same set: a permission the user
holds directly or through a group) and caches it on the user as Django does."""

from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Q


class ModelBackend(DjangoModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                own = type(user_obj).user_permissions.through.objects.filter(user_id=user_obj.pk)
                grouped = Group.permissions.through.objects.filter(group__user=user_obj.pk)
                perms = perms.filter(
                    Q(pk__in=own.values("permission_id")) | Q(pk__in=grouped.values("permission_id"))
                )
            rows = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
