from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.index, name="index"),
    path("county/", views.county_page, name="county"),
    path("county/export/", views.export_county, name="export_county"),
    path("township/<int:pk>/", views.township_page, name="township"),
    path("township/<int:pk>/compute/", views.compute, name="compute"),
    path("township/<int:pk>/scheme/<int:year>/", views.scheme, name="scheme"),
    path("township/<int:pk>/scheme/<int:year>/preview/", views.scheme_preview, name="scheme_preview"),
    path(
        "township/<int:pk>/scheme/<int:year>/items/<int:item_pk>/delete/",
        views.scheme_item_delete,
        name="scheme_item_delete",
    ),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/<slug:action>/", views.transition, name="transition"),
    path("<int:pk>/deputies/<int:deputy_pk>/", views.score_card, name="card"),
]
