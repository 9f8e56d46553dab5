from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditEvent, County, DocumentJob, Term, Township, User

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


@admin.register(DocumentJob)
class DocumentJobAdmin(admin.ModelAdmin):
    list_display = ["title", "township", "requested_by", "status", "progress", "created_at"]
    list_filter = ["status", "kind"]
    readonly_fields = [f.name for f in DocumentJob._meta.fields]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "township", "action", "detail", "row_count"]
    list_filter = ["action", "township"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False


class RecordAdmin(SimpleHistoryAdmin):
    """Township records in the admin are for looking up, not editing: every write goes through the
    app's pages and services, which check the workflow, lock rows and record who did what."""

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
