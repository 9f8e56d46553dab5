from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from renda.core.access import access_for
from renda.core.admin import RecordAdmin

from .models import Deputy, DeputyGroup, LiaisonStation, Mandate


@admin.register(Deputy)
class DeputyAdmin(RecordAdmin):
    """The Django admin is for county admins, who are outside every township: phone, ID number
    and birth date are shown masked by the access policy, the photo not at all, and the field-by-field change history
    (which holds old values in clear) is left to the app's own pages."""

    list_display = ["name", "township", "gender", "birth_month", "work_unit", "constituency"]
    search_fields = ["name", "name_initials", "work_unit"]
    exclude = ["phone", "id_number", "birth_date", "photo"]
    readonly_fields = ["birth_month", "phone_masked", "id_number_masked"]

    def _personal(self, obj):
        # Only county admins reach the Django admin, and they are outside every township.
        return access_for(None).personal(obj)

    @admin.display(description=_("birth date"))
    def birth_month(self, obj):
        return self._personal(obj).birth_date or "—"

    @admin.display(description=_("phone"))
    def phone_masked(self, obj):
        return self._personal(obj).phone

    @admin.display(description=_("ID number"))
    def id_number_masked(self, obj):
        return self._personal(obj).id_number

    def history_view(self, request, object_id, extra_context=None):
        raise PermissionDenied

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied


@admin.register(Mandate)
class MandateAdmin(RecordAdmin):
    list_display = ["deputy", "township", "level", "term_number", "start_date", "end_date"]
    list_filter = ["township", "level"]
    list_select_related = ["township", "deputy"]


@admin.register(DeputyGroup)
class DeputyGroupAdmin(RecordAdmin):
    list_display = ["name", "township", "term", "number"]
    list_select_related = ["township", "term"]


@admin.register(LiaisonStation)
class LiaisonStationAdmin(RecordAdmin):
    list_display = ["name", "township", "kind", "address"]
