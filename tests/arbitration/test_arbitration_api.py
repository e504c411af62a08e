"""The arbitration API on PostgreSQL: in the OpenAPI schema, field messages
for bad input (never a 500), 404 for another office's inspection, 409 with
the allowed actions, and the statutory calculator with its legal basis."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from arbitration.models import Inspection
from core.roles import Role
from tests.arbitration.conftest import MakeCase
from tests.arbitration.helpers import make_lab
from tests.cases.factories import make_staff, office_for

pytestmark = pytest.mark.usefixtures("postgres")


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def apply_via_api(client: APIClient, case_id: int, kind: str = "inspection") -> Any:
    return client.post(
        "/api/v1/inspections/",
        {"case": case_id, "kind": kind, "applicant": "consumer", "subject": "牛奶变质"},
        format="json",
    )


def act(client: APIClient, pk: int, name: str, **body: Any) -> Any:
    return client.post(f"/api/v1/inspections/{pk}/transitions/{name}/", body, format="json")


def test_the_routes_are_in_the_openapi_schema(inspector: Any) -> None:
    schema = client_for(inspector).get("/api/schema/", {"format": "json"}).json()
    paths = {re.sub(r"\{[^}]+\}", "{}", p) for p in schema["paths"]}
    for route in (
        "/api/v1/labs/",
        "/api/v1/inspections/",
        "/api/v1/inspections/{}/",
        "/api/v1/inspections/{}/transitions/{}/",
        "/api/v1/inspections/{}/samples/{}/custody/",
        "/api/v1/compensation/statutory/",
    ):
        assert route in paths, route


def test_an_inspection_from_application_to_final_report(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    lab = make_lab("food")
    case = mediating_case()
    response = apply_via_api(client_for(mediator), case.pk)
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert body["status"] == "applied" and body["status_label"]
    api = client_for(inspector)
    assert api.get(f"/api/v1/inspections/{pk}/").json()["allowed"] == ["accept", "refuse"]
    assert act(api, pk, "accept").status_code == 200
    labs = api.get("/api/v1/labs/", {"category": "food-dairy"}).json()["results"]
    assert [row["id"] for row in labs] == [lab.pk]
    params = {
        "lab": lab.pk,
        "items": [{"name": "蛋白质", "standard": "GB 19301-2010"}],
        "mandatory_standard": "GB 19301-2010",
        "sampling_method": "随机抽取",
        "due_on": dt.date.today().isoformat(),
        "fee": "800",
        "fee_prepaid_by": "consumer",
    }
    response = act(api, pk, "commission", params=params)
    assert response.status_code == 200, response.content
    assert act(api, pk, "seal_samples", params={"samples": "YP-1 | 生乳"}).status_code == 200
    detail = api.get(f"/api/v1/inspections/{pk}/").json()
    sample = detail["samples"][0]
    response = api.post(
        f"/api/v1/inspections/{pk}/samples/{sample['id']}/custody/",
        {"action": "received", "holder": "检验院收样室"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert [c["action"] for c in response.json()["samples"][0]["custody"]] == [
        "sealed",
        "received",
    ]
    assert act(api, pk, "start_testing").status_code == 200
    # The report as a file, with the inputs as form fields.
    report = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%report\n", "application/pdf")
    response = api.post(
        f"/api/v1/inspections/{pk}/transitions/issue_report/",
        {"report_no": "HNQI-1", "conforming": "false", "report_file": report},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "report_issued" and body["report_file"] is True
    assert [c["kind"] for c in body["clocks"]] == ["inspection_objection"]
    # Finalising inside the window is a 400 with a message, not a 500.
    response = act(api, pk, "finalize")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_bad_input_gets_field_messages(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    case = mediating_case()
    mediator_api = client_for(mediator)
    response = mediator_api.post(
        "/api/v1/inspections/", {"case": case.pk, "kind": "x", "applicant": "y"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) >= {"kind", "applicant", "subject"}
    pk = apply_via_api(mediator_api, case.pk).json()["id"]
    api = client_for(inspector)
    act(api, pk, "accept")
    response = act(api, pk, "commission", params={"lab": 10**17, "due_on": "tomorrow"})
    assert response.status_code == 400
    assert {"lab", "items", "due_on", "sampling_method", "fee_prepaid_by"} <= set(response.json())
    response = act(api, pk, "no_such_action")
    assert response.status_code == 409 and "commission" in response.json()["allowed"]
    response = act(api, pk, "commission", params={}, expected_version=1)
    assert response.status_code == 409


def test_a_lab_outside_its_scope_is_a_field_message(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    lab = make_lab("cosmetics")
    pk = apply_via_api(client_for(mediator), mediating_case().pk).json()["id"]
    api = client_for(inspector)
    act(api, pk, "accept")
    response = act(api, pk, "commission", params={"lab": lab.pk})
    assert response.status_code == 400
    assert "scope" in " ".join(response.json()["lab"]) or response.json()["lab"]
    assert Inspection.objects.get(pk=pk).lab is None


def test_another_offices_inspection_is_a_404(
    mediating_case: MakeCase, mediator: Any, inspector: Any
) -> None:
    pk = apply_via_api(client_for(mediator), mediating_case().pk).json()["id"]
    other = client_for(make_staff(Role.INSPECTOR, office_for("430202")))
    assert other.get(f"/api/v1/inspections/{pk}/").status_code == 404
    assert act(other, pk, "accept").status_code == 404
    assert other.get("/api/v1/inspections/").json()["count"] == 0
    assert client_for(inspector).get("/api/v1/inspections/").json()["count"] == 1
    # Nor may another office's mediator apply on the case.
    other_mediator = client_for(make_staff(Role.MEDIATOR, office_for("430202")))
    case_id = Inspection.objects.get(pk=pk).case_id
    assert apply_via_api(other_mediator, case_id).status_code == 404


def test_the_calculator_answers_with_its_legal_basis(inspector: Any) -> None:
    api = client_for(inspector)
    response = api.post(
        "/api/v1/compensation/statutory/",
        {"rule": "fsl-148-2", "price": "59.90"},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["basis"] == "食品安全法第一百四十八条第二款"
    assert (body["punitive"], body["floor_applied"]) == ("1000.00", True)
    response = api.post(
        "/api/v1/compensation/statutory/", {"rule": "x", "price": "-1"}, format="json"
    )
    assert response.status_code == 400 and {"rule", "price"} <= set(response.json())


@pytest.fixture
def accepted(mediating_case: MakeCase, mediator: Any, inspector: Any) -> int:
    pk: int = apply_via_api(client_for(mediator), mediating_case().pk).json()["id"]
    act(client_for(inspector), pk, "accept")
    return pk


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(params=st.dictionaries(
    st.sampled_from(["lab", "items", "due_on", "fee", "fee_prepaid_by", "samples", "results",
                     "conforming", "party", "mandatory_standard", "sampling_method", "experts"]),
    st.one_of(st.text(max_size=30), st.integers(), st.none(), st.booleans(),
              st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=5)), max_size=3)),
))  # fmt: skip
def test_random_inputs_never_cause_a_500(
    inspector: Any, accepted: int, params: dict[str, Any]
) -> None:
    api = client_for(inspector)
    for name in ("commission", "seal_samples", "issue_report", "object", "refuse"):
        response = act(api, accepted, name, params=params)
        assert response.status_code in (400, 409), response.content
    response = api.post("/api/v1/compensation/statutory/", params, format="json")
    assert response.status_code in (200, 400)
