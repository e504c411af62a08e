"""/healthz: one JSON object with the state of every dependency. Anyone
gets the verdict; only staff, or a monitor holding HEALTHZ_TOKEN, get the
checks behind it (versions and host names help an attacker)."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    version = _pg_version() if connection.vendor == "postgresql" else ""
    return {"ok": True, "vendor": connection.vendor, "version": version}


def _pg_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def check_redis() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "embedded (in-memory channel layer, local cache)"}
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
    info: dict[str, Any] = client.info("server")  # type: ignore[assignment]
    return {"ok": bool(client.ping()), "version": info.get("redis_version")}


def check_search() -> dict[str, Any]:
    from search.backends import get_backend

    return get_backend().health()


def check_celery() -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "eager (tasks run in the web process)"}
    from config.celery import app

    replies = app.control.ping(timeout=1.0) or []
    return {"ok": bool(replies), "workers": sorted(name for reply in replies for name in reply)}


def check_calendar() -> dict[str, Any]:
    from core.models import CalendarYear

    years = list(CalendarYear.objects.values_list("year", flat=True))
    this_year = timezone.localdate().year
    last = max(years) if years else None
    # Cases received now run into next year: its calendar must be loaded too.
    missing = [y for y in (this_year, this_year + 1) if y not in years]
    return {
        "ok": not missing,
        "last_year_loaded": last,
        "missing_years": missing,
        "note": "deadlines past the last loaded year count weekends only and are provisional"
        if missing
        else "",
    }


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": check_database,
    "redis": check_redis,
    "search": check_search,
    "celery": check_celery,
    "holiday_calendar": check_calendar,
}
# A gap in the holiday calendar is a warning: the platform still works.
CRITICAL = {"database", "redis", "search", "celery"}


def may_see_details(request: HttpRequest) -> bool:
    from core.scope import is_staff_member

    user = getattr(request, "user", None)
    if user is not None and user.is_active and is_staff_member(user):
        return True
    token = str(settings.HEALTHZ_TOKEN or "")
    sent = request.headers.get("X-Healthz-Token", "")
    return bool(token) and hmac.compare_digest(sent.encode(), token.encode())


def healthz(request: HttpRequest) -> JsonResponse:
    results: dict[str, Any] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            result = check()
        except Exception as exc:
            result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    healthy = all(results[name]["ok"] for name in CRITICAL)
    body: dict[str, Any] = {"status": "ok" if healthy else "degraded"}
    if may_see_details(request):
        body["checks"] = results
    response = JsonResponse(
        body, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-store"
    return response
