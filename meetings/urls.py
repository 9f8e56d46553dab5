from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.index, name="index"),
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<id:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<id:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<id:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path(
        "sessions/<id:pk>/attendance/expected/",
        views.session_expected_change,
        name="session_expected_change",
    ),
    path("sessions/<id:pk>/add/<slug:what>/", views.session_child_add, name="session_child_add"),
    path("sessions/<id:pk>/prep/<id:item_pk>/", views.session_prep_mark, name="session_prep_mark"),
    path("presidium/", views.meeting_list, name="meeting_list"),
    path("presidium/new/", views.meeting_create, name="meeting_create"),
    path("presidium/<id:pk>/", views.meeting_detail, name="meeting_detail"),
    path("presidium/<id:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("presidium/<id:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("presidium/<id:pk>/agenda/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path("presidium/<id:pk>/non-voting/", views.meeting_non_voting_add, name="meeting_non_voting_add"),
    path("presidium/<id:pk>/decisions/", views.meeting_decision_add, name="meeting_decision_add"),
    path("presidium/<id:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("agenda/<id:pk>/vote/", views.agenda_vote, name="agenda_vote"),
    path("agenda/<id:pk>/edit/", views.agenda_item_edit, name="agenda_edit"),
    path("agenda/<id:pk>/delete/", views.agenda_item_delete, name="agenda_delete"),
    path("follow-ups/", views.decision_list, name="decision_list"),
    path("follow-ups/<id:pk>/", views.decision_detail, name="decision_detail"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<id:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<id:pk>/attachments/", views.activity_attachment_add, name="activity_attachment_add"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment_download"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("contacts/", views.contact_duties, name="contacts"),
    path("contacts/<id:pk>/", views.contact_detail, name="contact_detail"),
]
