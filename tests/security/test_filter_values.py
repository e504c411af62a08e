"""A filter value the list does not know is a 400 naming the field, on
every list that filters: the case list, the enforcement search, its CSV
export and the hotspots. Silently ignoring it would answer another
question than the one asked."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from complaints.models import CaseKind, Status
from complaints.services import intake_create
from core.roles import Role
from tests.cases.factories import make_intake_data, make_staff

pytestmark = pytest.mark.usefixtures("postgres")

CASES = "/api/v1/cases/"
LETTERS = "abcdefghijklmnopqrstuvwxyz_"
BAD_CASE_FILTERS = {
    "status": ["closed-ish", "registered,nope", "REGISTERED"],
    "kind": ["complaints", "Report"],
    "office": ["abc", "999999999", "-1"],
    "category": ["no-such-category"],
    "region": ["999999", "43010"],
    "due_before": ["soon", "2026-02-30"],
    "due_after": ["tomorrow"],
    "overdue": ["maybe", "2"],
    "due_soon": ["perhaps"],
    "limit": ["abc", "0", "-5", "1.5"],
    "offset": ["-1", "x"],
}
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def handler() -> APIClient:
    user = make_staff(Role.CASE_HANDLER)
    intake_create(data=make_intake_data(), actor=make_staff(Role.HOTLINE_OPERATOR))
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def officer() -> APIClient:
    client = APIClient()
    client.force_authenticate(make_staff(Role.ENFORCEMENT_OFFICER))
    return client


@pytest.mark.parametrize(
    ("field", "value"), [(f, v) for f, values in BAD_CASE_FILTERS.items() for v in values]
)
def test_a_bad_case_filter_is_a_400_on_its_field(
    handler: APIClient, field: str, value: str
) -> None:
    response = handler.get(CASES, {field: value})
    assert response.status_code == 400, response.content
    assert list(response.json()) == [field]
    assert response.json()[field][0]


def test_every_bad_field_is_named_in_one_answer(handler: APIClient) -> None:
    response = handler.get(CASES, {"status": "x", "overdue": "x", "limit": "x", "kind": "x"})
    assert response.status_code == 400
    # The filters are checked before the page is cut: limit comes on its own.
    assert set(response.json()) == {"status", "overdue", "kind"}


def test_good_values_still_filter(handler: APIClient) -> None:
    for params in (
        {"status": "registered,accepted"},
        {"kind": "complaint"},
        {"overdue": "false", "due_soon": "0"},
        {"limit": "1", "offset": "0"},
        {"limit": "100000"},
    ):
        response = handler.get(CASES, params)
        assert response.status_code == 200, (params, response.content)
    assert handler.get(CASES, {"kind": "report"}).json()["count"] == 0
    assert handler.get(CASES, {"status": "registered"}).json()["count"] == 1


@FUZZ
@given(
    values=st.lists(
        st.sampled_from(Status.values) | st.text(alphabet=LETTERS, max_size=12),
        min_size=1,
        max_size=3,
    )
)
def test_status_lists_are_checked_value_by_value(handler: APIClient, values: list[str]) -> None:
    response = handler.get(CASES, {"status": ",".join(values)})
    wanted = [v for v in values if v]
    if all(v in Status.values for v in wanted):
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert set(response.json()) == {"status"}
        unknown = [v for v in wanted if v not in Status.values]
        assert all(v in response.json()["status"][0] for v in unknown)


@FUZZ
@given(value=st.text(max_size=8))
def test_kind_is_one_of_the_kinds(handler: APIClient, value: str) -> None:
    if "\x00" in value:
        return
    response = handler.get(CASES, {"kind": value})
    ok = value == "" or value in CaseKind.values
    assert response.status_code == (200 if ok else 400), (value, response.content)


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("/api/v1/search/cases/", "status", "nope"),
        ("/api/v1/search/cases/", "kind", "nope"),
        ("/api/v1/search/cases/", "source", "nope"),
        ("/api/v1/search/cases/", "region", "999999"),
        ("/api/v1/search/cases/", "counterfeit", "maybe"),
        ("/api/v1/search/cases/", "size", "many"),
        ("/api/v1/search/cases/", "received_from", "yesterday"),
        ("/api/v1/search/cases/export.csv", "category", "nope"),
        ("/api/v1/search/cases/export.csv", "problem_type", "nope"),
        ("/api/v1/hotspots/", "level", "street"),
        ("/api/v1/hotspots/", "region", "999999"),
        ("/api/v1/hotspots/", "include", "everything"),
        ("/api/v1/hotspots/", "patterns_only", "maybe"),
        ("/api/v1/hotspots/cases/", "cell", "no-pipes"),
        ("/api/v1/hotspots/cases/", "size", "0"),
    ],
)
def test_search_and_hotspot_filters_are_checked_too(
    officer: APIClient, url: str, field: str, value: str
) -> None:
    params: dict[str, Any] = {field: value}
    if url.endswith("/hotspots/cases/") and field != "cell":
        params["cell"] = "430102|food-dairy|name:x"
    response = officer.get(url, params)
    assert response.status_code == 400, response.content
    assert field in response.json()
