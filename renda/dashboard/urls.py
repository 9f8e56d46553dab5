from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("export/", views.export_xlsx, name="export"),
    path("records/", views.records, name="records"),
    path("workbench/", views.workbench, name="workbench"),
    path("year-end/", views.year_end, name="year_end"),
    path("archive/", views.deputy_archive, name="deputy_archive"),
]
