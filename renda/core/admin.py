from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import hooks, roles
from .models import AUDIT_ACTIONS, AuditEvent, County, DocumentJob, Term, Township, User

admin.site.site_header = _("Township people's congress platform administration")
admin.site.site_title = _("Administration")


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


@admin.register(County)
class CountyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "committee_name"]


@admin.register(Township)
class TownshipAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "display_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    inlines = [TermInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            hooks.collect("township_created", township=obj)


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ["township", "number", "start_date", "end_date"]
    list_filter = ["township"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "township", "is_active", "last_login"]
    list_filter = ["township", "groups", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Organisation"), {"fields": ("township", "full_name")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Organisation"), {"fields": ("township", "full_name", "groups")}),
    )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """A role's group is named by its code (the code reads it); the admin shows the role's name
    and keeps the five roles from being deleted."""

    list_display = ["__str__"]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in roles.ROLE_LABELS:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(DocumentJob)
class DocumentJobAdmin(admin.ModelAdmin):
    list_display = ["title", "township", "requested_by", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in DocumentJob._meta.fields]


class AuditActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return list(AUDIT_ACTIONS.items())

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "township", "action_display", "detail", "row_count"]
    list_filter = [AuditActionFilter, "township"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields if f.name != "action"] + ["action_display"]
    exclude = ["action"]

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, obj):
        return obj.action_label

    def has_add_permission(self, request):
        return False


class VoidedFilter(admin.SimpleListFilter):
    title = _("voided")
    parameter_name = "voided"

    def lookups(self, request, model_admin):
        return [("no", _("in use")), ("yes", _("voided"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(voided_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(voided_at__isnull=True)
        return queryset


class RecordAdmin(SimpleHistoryAdmin):
    """Township records in the admin are for looking up, not editing: every write goes through the
    app's pages and services, which check the workflow, lock rows and record who did what.
    Voided records are shown too (with a filter), with who voided them, when and why."""

    def get_queryset(self, request):
        all_objects = getattr(self.model, "all_objects", None)
        if all_objects is None:
            return super().get_queryset(request)
        qs = all_objects.get_queryset()
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if hasattr(self.model, "all_objects"):
            filters.append(VoidedFilter)
        return filters

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if hasattr(self.model, "all_objects"):
            fields += ["voided_at", "voided_by", "void_reason"]
        return fields

    list_filter = ["township"]
    list_select_related = ["township"]
    list_per_page = 50
    show_full_result_count = False  # one COUNT less on every page of a large table

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
