from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

# The office's pages: a deputy account reaches none of them (its own pages are under /me/).
STAFF_PREFIXES = (
    "/deputies/",
    "/meetings/",
    "/proposals/",
    "/assessments/",
    "/dashboard/",
    "/documents/",
    "/portal/",
    "/township/",
    "/accounts/password/",
)
ALWAYS = ("/me/password/", "/accounts/logout/", "/accounts/login/", "/static/", "/i18n/", "/public/")


class DeputyAccountMiddleware:
    """For deputy accounts: an ended account is logged out, the first login changes the
    password, and the office's pages answer 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.access.is_deputy:
            account = getattr(user, "deputy_account", None)
            if account is None or account.ended_on is not None:
                logout(request)
                return redirect("login")
            path = request.path
            if not path.startswith(ALWAYS):
                if account.must_change_password:
                    return redirect("portal:me_password")
                if path.startswith(STAFF_PREFIXES):
                    raise PermissionDenied
        return self.get_response(request)
