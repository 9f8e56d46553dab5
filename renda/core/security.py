"""Login protection: the real client address behind the reverse proxy, and a throttle on many
failed logins from one address across accounts.

- `client_ip(request)`: with `TRUSTED_PROXY_COUNT = n` (env, default 0) the address that the
  nearest of our n proxies saw, i.e. the n-th entry from the right of X-Forwarded-For (entries a
  client wrote itself are further left and ignored); without proxies REMOTE_ADDR.
  django-axes uses it (AXES_CLIENT_IP_CALLABLE), so its lockout is per username *and* real
  address: nobody can lock an account from elsewhere, and everyone behind the proxy no longer
  shares one address.
- `ThrottledLoginView`: refuses logins from an address with AXES_IP_FAILURE_LIMIT failed logins
  (over any accounts) within the cool-off time, before checking the password.
"""

import datetime as dt
import ipaddress

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone


def _valid(address):
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request):
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "") or "0.0.0.0"  # noqa: S104 (an address, not a bind)
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    forwarded = [p for p in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if p.strip()]
    if len(forwarded) < count:
        return remote  # not through all our proxies: the connecting address is what we know
    return _valid(forwarded[-count]) or remote


def ip_failures(ip, *, now=None):
    """Failed logins from this address, over every username, within the cool-off time."""
    from axes.models import AccessAttempt

    now = now or timezone.now()
    since = now - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


class ThrottledLoginView(auth_views.LoginView):
    def post(self, request, *args, **kwargs):
        if ip_failures(client_ip(request)) >= settings.AXES_IP_FAILURE_LIMIT:
            return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)
        return super().post(request, *args, **kwargs)
