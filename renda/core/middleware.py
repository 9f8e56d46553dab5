from django.conf import settings
from django.contrib.auth.views import redirect_to_login

# Only our own static files: no CDN, no inline script or style.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        else:
            # The Django admin uses a few inline scripts of its own.
            response.headers.setdefault(
                "Content-Security-Policy",
                CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
                    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
                ),
            )
        return response


PUBLIC_PREFIXES = ("/accounts/login/", "/healthz", "/static/", "/i18n/", "/favicon.ico", "/public/")


class LoginRequiredEverywhereMiddleware:
    """Every page needs login; the few public URLs are listed here, not remembered per view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(PUBLIC_PREFIXES):
            if request.path.startswith("/admin/"):
                return self.get_response(request)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose another language (language cookie from /i18n/setlang/).

    Township PCs and headless tools send all sorts of Accept-Language headers; the product is
    Chinese, so the browser's header is deliberately not consulted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        codes = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in codes else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """Pages and files for a signed-in user carry personal data: no browser or proxy keeps them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response


class BadInputMiddleware:
    """A NUL byte in a query string or a posted value is refused with a clear message (400):
    PostgreSQL cannot store or compare it, and no field of ours has a use for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        try:
            values = [*request.GET.lists(), *(request.POST.lists() if request.method == "POST" else [])]
        except Exception:  # a malformed body: Django answers 400 by itself further on
            values = []
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in vs) for k, vs in values):
            message = _("The input contains an invalid character (a NUL byte); remove it and try again.")
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
