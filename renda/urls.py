from django.contrib import admin
from django.urls import include, path

from renda.dashboard import views as dashboard_views

urlpatterns = [
    # The home page is the to-do list (工作台); it reads every app, so the dashboard serves it.
    path("", dashboard_views.home, name="home"),
    path("", include("renda.core.urls")),
    path("deputies/", include("deputies.urls")),
    path("meetings/", include("meetings.urls")),
    path("proposals/", include("proposals.urls")),
    path("assessments/", include("assessments.urls")),
    path("dashboard/", include("renda.dashboard.urls")),
    path("", include("portal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "renda.core.views.error_403"
handler404 = "renda.core.views.error_404"
handler500 = "renda.core.views.error_500"
