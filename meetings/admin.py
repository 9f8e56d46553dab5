from django.contrib import admin

from renda.core.admin import RecordAdmin

from .models import Activity, Decision, PresidiumMeeting, Session


@admin.register(Session)
class SessionAdmin(RecordAdmin):
    list_display = ["__str__", "township", "start_date", "end_date", "place"]


@admin.register(PresidiumMeeting)
class PresidiumMeetingAdmin(RecordAdmin):
    list_display = ["__str__", "township", "date", "kind", "place"]
    list_filter = ["township", "kind"]


@admin.register(Decision)
class DecisionAdmin(RecordAdmin):
    list_display = ["title", "township", "kind", "deadline", "status"]
    list_filter = ["township", "status"]


@admin.register(Activity)
class ActivityAdmin(RecordAdmin):
    list_display = ["topic", "township", "kind", "start_date", "place"]
    list_filter = ["township", "kind"]
    search_fields = ["topic"]
