from django.urls import path

from . import views, views_public

app_name = "portal"
urlpatterns = [
    path("public/", views_public.public_index, name="public"),
    path("public/<int:year>/", views_public.public_county, name="public_county"),
    path("public/t/<slug:code>/", views_public.public_township_latest, name="public_township_latest"),
    path("public/t/<slug:code>/<int:year>/", views_public.public_township_page, name="public_township"),
    path("portal/publication/", views.publication_settings, name="publication"),
]
