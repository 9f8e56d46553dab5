from django.contrib.auth import views as auth_views
from django.urls import path

from . import calendar_views, views
from .security import ThrottledLoginView

urlpatterns = [
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("township/select/", views.township_select, name="township_select"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<id:pk>/status/", views.document_status, name="document_status"),
    path("documents/<id:pk>/download/", views.document_download, name="document_download"),
    path("documents/<id:pk>/retry/", views.document_retry, name="document_retry"),
    path("documents/townships/", views.township_export, name="township_export"),
    path("records/voided/", views.voided_records, name="voided_records"),
    path("records/<id:ct>/<id:pk>/void/", views.record_void_view, name="record_void"),
    path("records/<id:ct>/<id:pk>/restore/", views.record_restore_view, name="record_restore"),
    path("records/<id:ct>/<id:pk>/delete/", views.record_delete_view, name="record_delete"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", ThrottledLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
