"""/healthz reports every dependency, against the real services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings


def _health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/healthz", secure=True)
    return response.status_code, response.json()


def test_healthz_reports_each_real_service(
    celery_worker: str, opensearch_url: str, client: Client
) -> None:
    status, body = _health(client)
    checks = body["checks"]
    assert status == 200, body
    assert body["status"] == "ok"
    assert checks["database"]["vendor"] == "postgresql"
    assert checks["database"]["version"].split(".")[0].isdigit()
    assert checks["redis"]["version"].startswith("7.")
    assert checks["search"]["engine"] == "opensearch"
    assert checks["search"]["version"].startswith("2.")
    assert any(celery_worker in name for name in checks["celery"]["workers"])
    assert {"ms", "ok"} <= set(checks["holiday_calendar"])


@pytest.mark.usefixtures("postgres")
def test_healthz_is_503_when_the_search_node_is_down(redis_url: str, client: Client) -> None:
    # A port nothing listens on: the real client gets a real connection refusal.
    with override_settings(SEARCH_ENGINE="opensearch", SEARCH_URL="http://127.0.0.1:9"):
        status, body = _health(client)
    assert status == 503
    assert body["status"] == "degraded"
    assert body["checks"]["search"]["ok"] is False
    assert "Error" in body["checks"]["search"]["error"]
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_reports_the_holiday_calendar_gap(client: Client) -> None:
    from django.utils import timezone

    from core.models import CalendarYear

    next_year = timezone.localdate().year + 1
    CalendarYear.objects.filter(year__gte=next_year).delete()
    _, body = _health(client)
    calendar = body["checks"]["holiday_calendar"]
    assert calendar["ok"] is False
    assert next_year in calendar["missing_years"]
    CalendarYear.objects.create(year=next_year, source="State Council notice")
    CalendarYear.objects.get_or_create(year=next_year - 1, defaults={"source": "test"})
    _, body = _health(client)
    assert body["checks"]["holiday_calendar"]["ok"] is True
