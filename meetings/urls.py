from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path(
        "sessions/<int:pk>/attendance/expected/",
        views.session_expected_change,
        name="session_expected_change",
    ),
    path("sessions/<int:pk>/add/<slug:what>/", views.session_child_add, name="session_child_add"),
    path("sessions/<int:pk>/prep/<int:item_pk>/", views.session_prep_mark, name="session_prep_mark"),
    path("presidium/", views.meeting_list, name="meeting_list"),
    path("presidium/new/", views.meeting_create, name="meeting_create"),
    path("presidium/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("presidium/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("presidium/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("presidium/<int:pk>/agenda/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path("presidium/<int:pk>/non-voting/", views.meeting_non_voting_add, name="meeting_non_voting_add"),
    path("presidium/<int:pk>/decisions/", views.meeting_decision_add, name="meeting_decision_add"),
    path("presidium/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("agenda/<int:pk>/vote/", views.agenda_vote, name="agenda_vote"),
    path("agenda/<int:pk>/edit/", views.agenda_item_edit, name="agenda_edit"),
    path("agenda/<int:pk>/delete/", views.agenda_item_delete, name="agenda_delete"),
    path("follow-ups/", views.decision_list, name="decision_list"),
    path("follow-ups/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/attachments/", views.activity_attachment_add, name="activity_attachment_add"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("calendar/", views.calendar_view, name="calendar"),
]
