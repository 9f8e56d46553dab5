from django.urls import path

from . import views

app_name = "deputies"
urlpatterns = [
    path("", views.deputy_list, name="list"),
    path("new/", views.deputy_create, name="create"),
    path("<id:pk>/", views.deputy_detail, name="detail"),
    path("<id:pk>/edit/", views.deputy_edit, name="edit"),
    path("<id:pk>/photo/", views.deputy_photo, name="photo"),
    path("<id:pk>/mandates/new/", views.mandate_add, name="mandate_add"),
    path("mandates/<id:pk>/end/", views.mandate_end, name="mandate_end"),
    path("structure/", views.structure, name="structure"),
    path("export.xlsx", views.roster_export, name="export"),
    path("template.xlsx", views.roster_template, name="template"),
    path("import/", views.roster_import, name="import"),
    path("import/confirm/", views.roster_import_confirm, name="import_confirm"),
    path("import/cancel/", views.roster_import_cancel, name="import_cancel"),
    path("groups/", views.group_list, name="groups"),
    path("groups/new/", views.group_edit, name="group_create"),
    path("groups/<id:pk>/", views.group_detail, name="group"),
    path("groups/<id:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<id:pk>/members/", views.group_members, name="group_members"),
    path("presidium/", views.presidium, name="presidium"),
    path("contacts/", views.contact_assignments, name="contacts"),
    path("contacts/<id:pk>/", views.contact_assignment_edit, name="contact_edit"),
    path("term-change/", views.term_change, name="term_change"),
    path("term-change/cancel/", views.term_change_cancel, name="term_change_cancel"),
    path("presidium/<id:pk>/", views.presidium_edit, name="presidium_edit"),
    path("stations/", views.station_list, name="stations"),
    path("stations/new/", views.station_edit, name="station_create"),
    path("stations/<id:pk>/", views.station_detail, name="station"),
    path("stations/<id:pk>/edit/", views.station_edit, name="station_edit"),
    path("stations/<id:pk>/residents/", views.station_residents, name="station_residents"),
]
