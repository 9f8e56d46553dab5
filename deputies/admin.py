from django.contrib import admin

from renda.core.admin import RecordAdmin

from .models import Deputy, DeputyGroup, LiaisonStation, Mandate


@admin.register(Deputy)
class DeputyAdmin(RecordAdmin):
    list_display = ["name", "township", "gender", "birth_date", "work_unit", "constituency"]
    search_fields = ["name", "name_initials", "work_unit"]


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
