"""No double effects: one submission of a rendered form takes effect once.

Each POST form carries a fresh `submission_token` (written by `{% csrf_token %}`, see
renda/core/templatetags/idempotency.py). For a signed-in user's POST with a token, the view runs
in one transaction together with the insertion of a SubmissionToken row (unique token):
- a second request with the same token that arrives after the first has finished finds the row
  and is redirected to the first result, writing nothing;
- one that arrives while the first is still running waits on the unique index (PostgreSQL),
  then fails to insert, and is shown the first result the same way;
- a submission that did not succeed (the form shown again with its errors: any response other
  than a redirect) does not keep its token, so correcting and resubmitting works; the page
  shown again carries a new token anyway.
Requests without a token (API clients, old pages, tests that do not send one) run as before."""

import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

TOKEN_FIELD = "submission_token"  # noqa: S105 (a form field name, not a secret)


def submission_token_of(request):
    """The request's valid token (a UUID), or None."""
    if request.method != "POST" or not request.user.is_authenticated:
        return None
    raw = request.POST.get(TOKEN_FIELD, "")
    try:
        return uuid.UUID(raw)
    except (ValueError, AttributeError, TypeError):
        return None


def _replay(request, row):
    messages.info(request, _("This form had already been sent; nothing was recorded twice."))
    return redirect(row.result_url or request.get_full_path())


def submission_run_once(request, view, args, kwargs):
    """Run `view` once per token (see the module docstring); return its response or a replay."""
    from renda.core.models import SubmissionToken

    token = submission_token_of(request)
    if token is None:
        return view(request, *args, **kwargs)
    done = SubmissionToken.objects.filter(token=token).first()
    if done is not None:
        return _replay(request, done)
    try:
        with transaction.atomic():
            row = SubmissionToken.objects.create(token=token, user=request.user, path=request.path[:300])
            response = view(request, *args, **kwargs)
            if 300 <= response.status_code < 400 and response.has_header("Location"):
                row.result_url = response["Location"][:500]
                row.save(update_fields=["result_url"])
            else:
                row.delete()
    except IntegrityError:
        done = SubmissionToken.objects.filter(token=token).first()
        if done is None:
            raise
        return _replay(request, done)
    return response


class IdempotentSubmitMiddleware:
    """Runs every POST view through `submission_run_once`. Last in MIDDLEWARE, so CSRF and
    login checks have run before it calls the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if submission_token_of(request) is None:
            return None
        if getattr(view_func, "csrf_exempt", False) or request.path.startswith("/admin/"):
            return None
        return submission_run_once(request, view_func, view_args, view_kwargs)
