"""/healthz reports every dependency, against the real services: the
verdict to anyone, the checks to staff and to a monitor with the token."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from core.roles import Role
from tests.cases.factories import make_consumer, make_staff

TOKEN = "monitor-token-for-tests"


def _health(client: Client) -> tuple[int, dict[str, Any]]:
    """The detailed answer, as a monitor holding the token reads it."""
    with override_settings(HEALTHZ_TOKEN=TOKEN):
        response = client.get("/healthz", secure=True, headers={"X-Healthz-Token": TOKEN})
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


@pytest.mark.django_db
def test_the_public_answer_is_the_verdict_only(client: Client) -> None:
    with override_settings(HEALTHZ_TOKEN=TOKEN):
        anonymous = client.get("/healthz", secure=True)
        wrong = client.get("/healthz", secure=True, headers={"X-Healthz-Token": "guess"})
        client.force_login(make_consumer())
        consumer = client.get("/healthz", secure=True)
    for response in (anonymous, wrong, consumer):
        assert response.json() == {"status": "ok" if response.status_code == 200 else "degraded"}
        assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_without_a_token_setting_no_header_opens_the_details(client: Client) -> None:
    with override_settings(HEALTHZ_TOKEN=""):
        response = client.get("/healthz", secure=True, headers={"X-Healthz-Token": ""})
    assert set(response.json()) == {"status"}


@pytest.mark.django_db
def test_staff_see_the_checks(client: Client) -> None:
    client.force_login(make_staff(Role.HOTLINE_OPERATOR))
    body = client.get("/healthz", secure=True).json()
    assert {"database", "redis", "search", "celery", "holiday_calendar"} <= set(body["checks"])


@pytest.mark.usefixtures("postgres")
def test_a_degraded_platform_is_still_a_503_to_everyone(redis_url: str, client: Client) -> None:
    with override_settings(SEARCH_ENGINE="opensearch", SEARCH_URL="http://127.0.0.1:9"):
        response = client.get("/healthz", secure=True)
    assert response.status_code == 503
    assert response.json() == {"status": "degraded"}
