"""View mixins that apply the township scope, so later apps get it by default.

- ScopedQuerysetMixin: `get_queryset()` is `model.objects.for_user(user)`; another township's
  row is simply not found (404), so existence does not leak.
- TownshipWriteMixin: writes need a township user holding the model's permission; county
  reviewers get 403 on every write URL, GET or POST.
- SelectedTownshipMixin: list pages narrow to the township a county user picked in the nav.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from .exceptions import ApplicationError
from .selectors import township_selected


class ScopedQuerysetMixin:
    model = None
    allow_handling_unit = False  # handling-unit users reach only the views that say so

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and (
            (user.is_handling_unit and not self.allow_handling_unit) or user.is_deputy
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user)


class SelectedTownshipMixin(ScopedQuerysetMixin):
    def get_queryset(self):
        qs = super().get_queryset()
        selected = township_selected(request=self.request)
        return qs.filter(township=selected) if selected else qs


def user_can_write(user, perm=None):
    if user.township_id is None or not user.is_township_staff:
        return False
    return perm is None or user.has_perm(perm)


def require_write(user, perm=None):
    if not user_can_write(user, perm):
        raise PermissionDenied


class TownshipWriteMixin(ScopedQuerysetMixin):
    """For create/update/action views. Set `write_permission` ("app.codename") when not default."""

    write_permission = None

    def get_write_permission(self):
        if self.write_permission:
            return self.write_permission
        opts = self.model._meta
        return f"{opts.app_label}.change_{opts.model_name}"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            require_write(request.user, self.get_write_permission())
        return super().dispatch(request, *args, **kwargs)


class ApplicationErrorMixin:
    """Turn a service's ApplicationError into a message on the form or the page."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.form_invalid(form)


def redirect_with_error(request, exc, to):
    messages.error(request, exc.message)
    return redirect(to)
