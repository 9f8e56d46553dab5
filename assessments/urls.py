from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("county/", views.county_page, name="county"),
    path("county/export/", views.export_county, name="export_county"),
    path("township/<id:pk>/", views.township_page, name="township"),
    path("township/<id:pk>/compute/", views.compute, name="compute"),
    path("township/<id:pk>/scheme/<year:year>/", views.scheme, name="scheme"),
    path("township/<id:pk>/scheme/<year:year>/preview/", views.scheme_preview, name="scheme_preview"),
    path(
        "township/<id:pk>/scheme/<year:year>/items/<id:item_pk>/delete/",
        views.scheme_item_delete,
        name="scheme_item_delete",
    ),
    path("<id:pk>/export/", views.export, name="export"),
    path("<id:pk>/<slug:action>/", views.transition, name="transition"),
    path("<id:pk>/deputies/<id:deputy_pk>/", views.score_card, name="card"),
]
