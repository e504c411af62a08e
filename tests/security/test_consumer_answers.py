"""What a consumer reads about their own case names no staff member: no
user ids of handlers or mediators, no names in the trail or on the
tracking page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from complaints.services import case_transition
from core.roles import Role
from tests.cases.factories import intake_payload, make_consumer, make_staff, mobile

pytestmark = pytest.mark.usefixtures("postgres")


def api_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


@pytest.fixture
def worked_case() -> tuple[Any, Any, Any, Any]:
    """A consumer's online filing, accepted by a handler and in mediation."""
    consumer = make_consumer()
    handler = make_staff(Role.CASE_HANDLER, username="handler-named-wang")
    mediator = make_staff(Role.MEDIATOR, username="mediator-named-li")
    phone = mobile()
    filed = api_for(consumer).post(
        "/api/v1/intakes/", intake_payload(complainant_phone=phone), format="json"
    )
    assert filed.status_code == 201, filed.content
    case_id = filed.json()["cases"][0]["id"]
    case_transition(case_id=case_id, name="accept", actor=handler)
    case_transition(
        case_id=case_id, name="start_mediation", actor=handler, params={"mediator": mediator.pk}
    )
    return consumer, handler, mediator, case_id


def test_the_consumers_case_detail_names_no_staff(worked_case: tuple[Any, ...]) -> None:
    consumer, handler, mediator, case_id = worked_case
    staff_view = api_for(handler).get(f"/api/v1/cases/{case_id}/").json()
    assert staff_view["handler"] == handler.pk and staff_view["mediator"] == mediator.pk
    answers = [
        api_for(consumer).get(f"/api/v1/cases/{case_id}/"),
        api_for(consumer).get(f"/api/v1/cases/{case_id}/events/"),
        api_for(consumer).get("/api/v1/cases/"),
        api_for(consumer).get(f"/api/v1/cases/{case_id}/notices/"),
    ]
    for response in answers:
        assert response.status_code == 200, response.content
        body = response.json()
        assert not keys(body) & {"handler", "mediator", "actor", "registered_by"}
        text = json.dumps(body, ensure_ascii=False)
        for user in (handler, mediator):
            assert user.username not in text
            assert user.staff_profile.display_name not in text
    assert answers[0].json()["status"] == "mediating"


def test_a_consumers_own_transition_answers_without_staff(worked_case: tuple[Any, ...]) -> None:
    consumer, _handler, _mediator, case_id = worked_case
    response = api_for(consumer).post(
        f"/api/v1/cases/{case_id}/transitions/withdraw/", {}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    assert not keys(response.json()) & {"handler", "mediator"}


def test_the_consumers_own_filing_answers_without_staff() -> None:
    response = api_for(make_consumer()).post("/api/v1/intakes/", intake_payload(), format="json")
    assert response.status_code == 201, response.content
    assert not keys(response.json()) & {"handler", "mediator"}


def test_the_tracking_page_names_no_staff(worked_case: tuple[Any, ...], client: Client) -> None:
    from complaints.models import Case

    _consumer, handler, mediator, case_id = worked_case
    case = Case.objects.get(pk=case_id)
    found = client.post(
        "/track/",
        {"tracking_code": case.tracking_code, "phone_last4": case.complainant_phone[-4:]},
    )
    assert found.status_code == 302
    page = client.get(found["Location"]).content.decode()
    assert case.tracking_code in page
    for user in (handler, mediator):
        assert user.username not in page and f'"{user.pk}"' not in page
