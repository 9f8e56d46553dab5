from django.contrib import admin

from renda.core.admin import RecordAdmin

from .models import HandlingUnit, Proposal


@admin.register(Proposal)
class ProposalAdmin(RecordAdmin):
    list_display = ["number", "title", "township", "year", "kind", "state", "deadline"]
    list_filter = ["township", "year", "kind", "state"]
    search_fields = ["number", "title"]


@admin.register(HandlingUnit)
class HandlingUnitAdmin(RecordAdmin):
    list_display = ["name", "township", "contact_person", "phone", "is_active"]
