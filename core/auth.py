"""Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT failed sign-ins
for one account, or from one address, further sign-ins for that account or
from that address are refused, the right password included, until
AXES_COOLOFF_TIME has passed since the last failure. Both the console's
sign-in and the admin's go through it; the admin lists the attempts and
lockouts under "Access attempts"."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext


class LockoutBackend(AxesStandaloneBackend):
    """The lockout check of every sign-in made over HTTP. Without a request
    (a management command, the test client) nobody can be guessing passwords
    from outside, and the check is left out."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_wait(request: HttpRequest, credentials: dict[str, Any] | None) -> dt.timedelta:
    """How long until the lockout of this account or address ends."""
    cool_off = get_cool_off(request) or dt.timedelta(0)
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    match = Q(ip_address=address)
    if username:
        match |= Q(username=username)
    latest = AccessAttempt.objects.filter(match).aggregate(latest=Max("attempt_time"))["latest"]
    if latest is None:
        return cool_off
    return max(latest + cool_off - timezone.now(), dt.timedelta(0))


def lockout_message(wait: dt.timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-ins for this account or from this address. "
        "Try again in %(minutes)d minute.",
        "Too many failed sign-ins for this account or from this address. "
        "Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 that says how long to wait, in the
    page's language; JSON for the API and for scripts."""
    wait = lockout_wait(request, credentials)
    message = lockout_message(wait)
    response: HttpResponse
    if request.path.startswith("/api/") or request.headers.get("x-requested-with"):
        response = JsonResponse(
            {"detail": message, "wait_seconds": math.ceil(wait.total_seconds())}, status=429
        )
    else:
        response = render(request, "core/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(max(1, math.ceil(wait.total_seconds())))
    return response
