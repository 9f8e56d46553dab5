from django.contrib import admin

from renda.core.admin import RecordAdmin

from .models import Assessment, ScoringScheme


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(RecordAdmin):
    list_display = ["__str__", "township", "year"]


@admin.register(Assessment)
class AssessmentAdmin(RecordAdmin):
    list_display = ["__str__", "township", "year", "state", "deputy_count", "average"]
    list_filter = ["township", "year", "state"]
    exclude = ["snapshot"]  # the scheme as JSON: the assessment page shows it readably
