"""Bad input is a 400 (or 403 / 404 / 409), never a 500: arbitrary JSON in
intake fields, transition parameters and list filters."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from complaints.lifecycle import BY_NAME as TRANSITIONS
from complaints.services import intake_create
from core.roles import Role
from tests.cases.factories import intake_payload, make_intake_data, make_staff

pytestmark = pytest.mark.usefixtures("postgres")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "0", "²", "١٢", "9" * 30, "NaN", "1e999", "-1", "amr-430103", "a\x00b"]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)
FIELDS = sorted(intake_payload().keys() | {"related_to", "received_at", "purchase_date"})
ANSWERS = {200, 201, 400, 403, 404, 409}
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def staff() -> dict[str, Any]:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handler = make_staff(Role.CASE_HANDLER)
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    clients = {}
    for key, user in (("operator", operator), ("handler", handler)):
        clients[key] = APIClient()
        clients[key].force_authenticate(user)
    return {"case": case, **clients}


@FUZZ
@given(field=st.sampled_from(FIELDS), value=json_values)
def test_intake_with_any_field_value(staff: dict[str, Any], field: str, value: Any) -> None:
    payload = intake_payload()
    payload[field] = value
    response = staff["operator"].post("/api/v1/intakes/", payload, format="json")
    assert response.status_code in ANSWERS, response.content[:500]
    if response.status_code == 400:
        assert isinstance(response.json(), dict)


@FUZZ
@given(
    name=st.sampled_from(sorted(TRANSITIONS)),
    reason=json_values,
    params=st.dictionaries(
        st.sampled_from(["to_office", "mediator", "amount", "payer", "satisfaction", "original"]),
        json_values,
        max_size=3,
    ),
    version=json_values,
)
def test_transition_with_any_body(
    staff: dict[str, Any], name: str, reason: Any, params: Any, version: Any
) -> None:
    body = {"reason_code": reason, "params": params, "expected_version": version}
    response = staff["handler"].post(
        f"/api/v1/cases/{staff['case'].pk}/transitions/{name}/", body, format="json"
    )
    assert response.status_code in ANSWERS, response.content[:500]


@FUZZ
@given(
    filters=st.dictionaries(
        st.sampled_from(
            [
                "status",
                "kind",
                "office",
                "category",
                "region",
                "due_before",
                "due_after",
                "overdue",
                "due_soon",
                "q",
                "limit",
                "offset",
            ]
        ),
        st.text(max_size=25) | st.sampled_from(["9" * 30, "²", "2026-02-30", "-1", "\x00"]),
        max_size=4,
    )
)
def test_case_list_with_any_filters(staff: dict[str, Any], filters: dict[str, str]) -> None:
    response = staff["handler"].get("/api/v1/cases/", filters)
    assert response.status_code in {200, 400, 404}, response.content[:500]


@pytest.mark.parametrize("suffix", ["", "events/", "transitions/accept/"])
def test_huge_case_ids_are_not_found(staff: dict[str, Any], suffix: str) -> None:
    url = f"/api/v1/cases/{'9' * 30}/{suffix}"
    client = staff["handler"]
    response = client.post(url, {}, format="json") if "transitions" in suffix else client.get(url)
    assert response.status_code == 404
