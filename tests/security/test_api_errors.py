"""Every answer under /api/ is JSON, errors included: routes that do not
exist, ids the converters refuse, and errors raised outside the API views."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from config import errors
from core.roles import Role
from tests.cases.factories import make_staff

pytestmark = pytest.mark.usefixtures("postgres")

MISSING = [
    "/api/",
    "/api/v1/",
    "/api/v1/no-such-thing/",
    "/api/v2/cases/",
    "/api/v1/cases/abc/",
    "/api/v1/cases/1234567890123456789/",
    "/api/v1/cases/1/transitions/",
    "/api/v1/search/cases/export.xlsx",
    "/api/v1/hotspots/cases/extra/",
]


def assert_json_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"detail"} and body["detail"]


@pytest.mark.parametrize("path", MISSING)
def test_unknown_api_paths_are_a_json_404(client: Client, path: str) -> None:
    assert_json_error(client.get(path), 404)
    assert_json_error(client.post(path, {}), 404)
    client.force_login(make_staff(Role.CASE_HANDLER))
    response = client.get(path)
    assert_json_error(response, 404)
    # Nothing of the URL configuration is told.
    assert b"urlpatterns" not in response.content and b"cases/<" not in response.content


def test_pages_outside_the_api_keep_their_html_404(client: Client) -> None:
    response = client.get("/console/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (lambda r: errors.bad_request(r, ValueError("x")), 400),
        (lambda r: errors.permission_denied(r, PermissionDenied()), 403),
        (errors.server_error, 500),
    ],
)
def test_other_error_handlers_answer_json_under_the_api(handler: Any, status: int) -> None:
    api = handler(RequestFactory().get("/api/v1/cases/"))
    assert_json_error(api, status)
    page = handler(RequestFactory().get("/console/cases/"))
    assert page.status_code == status
    assert not page["Content-Type"].startswith("application/json")


def test_the_url_configuration_uses_these_handlers() -> None:
    from config import urls

    assert urls.handler400 == "config.errors.bad_request"
    assert urls.handler403 == "config.errors.permission_denied"
    assert urls.handler404 == "config.errors.page_not_found"
    assert urls.handler500 == "config.errors.server_error"
