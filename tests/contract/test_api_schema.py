"""The API against its OpenAPI schema, with Schemathesis, in-process through
the WSGI application: as every role, a consumer and an anonymous client,
with generated inputs and with the ids of real cases. Any 5xx, any status
the schema does not document and any body that does not match its schema
fails the test. The error answers are documented for every operation."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from complaints.services import intake_create
from core.roles import Role
from tests.cases.factories import make_consumer, make_intake_data, make_staff

pytestmark = pytest.mark.usefixtures("transactional_postgres")

#: Generated examples per operation and role: about 2,000 requests in all.
EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
TRANSITIONS = ("accept", "reject", "close", "withdraw", "no-such-transition")


def test_every_operation_documents_its_error_answers(client: Any) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"403", "429"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in operation:
                assert {"400", "413"} <= codes, (method, path)
    transition = schema["paths"]["/api/v1/cases/{id}/transitions/{name}/"]["post"]
    assert "409" in transition["responses"]


def identities() -> dict[str, dict[str, str]]:
    """Authorization headers by identity: one staff user per role, a
    consumer without a staff profile, and nobody."""
    headers: dict[str, dict[str, str]] = {}
    for role in Role:
        office = "hotline-12345" if role == Role.HOTLINE_OPERATOR else None
        user = make_staff(role, office)
        headers[str(role.value)] = {"Authorization": f"Token {Token.objects.create(user=user)}"}
    consumer = make_consumer()
    headers["consumer"] = {"Authorization": f"Token {Token.objects.create(user=consumer)}"}
    headers["anonymous"] = {}
    return headers


def real_cases() -> list[int]:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    return [
        case.pk
        for data in (make_intake_data(), make_intake_data(kind="both", region="430103"))
        for case in intake_create(data=data, actor=operator).cases
    ]


def strategy_for(operation: Any, case_ids: list[int]) -> Any:
    """Generated inputs, and the same with the id of a real case (and a
    transition's name) where the path names a case."""
    strategies = [operation.as_strategy()]
    if operation.path.startswith("/api/v1/cases/{id}"):
        for pk in case_ids[:2]:
            fixed: dict[str, Any] = {"id": pk}
            if "{name}" in operation.path:
                strategies.extend(
                    operation.as_strategy(path_parameters={**fixed, "name": name})
                    for name in TRANSITIONS[:3]
                )
            else:
                strategies.append(operation.as_strategy(path_parameters=fixed))
    return st.one_of(strategies)


def _short(exc: BaseException) -> str:
    """The first lines of each check that failed, without the bodies."""
    parts = getattr(exc, "exceptions", None) or [exc]
    lines = []
    for part in parts:
        text = [line.strip() for line in str(part).splitlines() if line.strip()]
        lines.append(" / ".join(text[:3])[:300])
    return " | ".join(lines)


def test_schemathesis_finds_no_server_error_and_no_schema_violation() -> None:
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    who = identities()
    case_ids = real_cases()
    requests: Counter[str] = Counter()
    server_errors: Counter[str] = Counter()
    failures: list[str] = []
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the schema has an invalid operation: {result}"
        operations.append(result.ok())
    assert len(operations) >= 10

    def exercise(strategy: Any, identity: str, headers: dict[str, str]) -> None:
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            requests[identity] += 1
            if response.status_code >= 500:
                server_errors[identity] += 1
            case.validate_response(response, checks=CHECKS, headers=headers)

        run()

    for operation in operations:
        strategy = strategy_for(operation, case_ids)
        for identity, headers in who.items():
            try:
                exercise(strategy, identity, headers)
            except (Exception, BaseExceptionGroup) as exc:  # Schemathesis' FailureGroup
                failures.append(f"{operation.label} as {identity}: {_short(exc)}")

    summary = {
        "requests": dict(requests),
        "total": sum(requests.values()),
        "server_errors": dict(server_errors),
        "operations": len(operations),
    }
    print(f"\nSchemathesis: {json.dumps(summary)}")
    for failure in failures:
        print(f"FAIL: {failure}")
    assert not failures, "\n\n".join(failures[:15]) + f"\n\n({len(failures)} failing)"
    assert sum(server_errors.values()) == 0
    assert set(requests) == set(who)
