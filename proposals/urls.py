from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_register, name="list"),
    path("export/", views.proposal_register_export, name="export"),
    path("new/", views.proposal_create, name="create"),
    path("statistics/", views.proposal_statistics, name="statistics"),
    path("report/", views.proposal_report, name="report"),
    path("units/", views.unit_list, name="units"),
    path("units/new/", views.unit_edit, name="unit_create"),
    path("units/<id:pk>/", views.unit_edit, name="unit_edit"),
    path("settings/", views.proposal_settings, name="settings"),
    path("<id:pk>/", views.proposal_show, name="detail"),
    path("<id:pk>/edit/", views.proposal_edit, name="edit"),
    path("<id:pk>/assignment-sheet/", views.proposal_assignment_sheet, name="assignment_sheet"),
    path("<id:pk>/attachments/<id:file_pk>/", views.proposal_attachment_download, name="attachment"),
    path("<id:pk>/replies/<id:file_pk>/letter/", views.proposal_reply_letter, name="reply_letter"),
    path("<id:pk>/publication/", views.proposal_publication, name="publication"),
    path("<id:pk>/undo/", views.proposal_undo, name="undo"),
    path("<id:pk>/<slug:action>/", views.proposal_action, name="action"),
]
