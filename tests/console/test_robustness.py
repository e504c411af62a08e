"""Whatever an operator types or a file holds, the console and the importer
answer with field messages, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.models import Case
from complaints.services.imports import KNOWN_COLUMNS, import_record_parse
from tests.console.conftest import login

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
INTAKE_FIELDS = [
    "kind",
    "channel",
    "work_order_no",
    "complainant_phone",
    "complainant_name",
    "complainant_id_number",
    "business_name",
    "business_credit_code",
    "city",
    "region",
    "category",
    "purchase_date",
    "price",
    "quantity",
    "problem_type",
    "description",
    "demands",
    "link_cases",
    "merge_into",
    "anonymous",
]
# Plausible fragments next to arbitrary text: codes, digits, dates, numbers.
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "430102", "430100", "complaint", "report", "both", "12345", "phone", "on"]
    ),
    st.from_regex(r"\d{1,20}", fullmatch=True),
    st.dates().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


@FUZZ
@given(data=st.dictionaries(st.sampled_from(INTAKE_FIELDS), values))
def test_intake_never_fails_with_a_server_error(
    client: Client, operator: Any, data: dict[str, str]
) -> None:
    login(client, operator)
    before = Case.objects.count()
    response = client.post("/console/intake/", data, secure=True)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert Case.objects.count() == before


@FUZZ
@given(
    data=st.dictionaries(
        st.sampled_from(["q", "status", "kind", "office", "category", "deadline", "due_before"]),
        values,
    )
)
def test_queue_filters_never_fail_with_a_server_error(
    client: Client, handler: Any, data: dict[str, str]
) -> None:
    response = login(client, handler).get("/console/cases/", data, secure=True)
    assert response.status_code in (200, 400)


@FUZZ
@given(
    row=st.dictionaries(
        st.one_of(st.sampled_from(sorted(KNOWN_COLUMNS)), st.text(max_size=8)),
        st.one_of(values, st.booleans(), st.integers(), st.none()),
    )
)
def test_import_rows_are_parsed_or_rejected_with_field_messages(
    postgres: None, row: dict[str, Any]
) -> None:
    try:
        record = import_record_parse(row)
    except ValidationError as exc:
        assert exc.message_dict
        assert all(messages for messages in exc.message_dict.values())
    else:
        assert record.work_order_no == str(row["work_order_no"]).strip()


@pytest.mark.parametrize("name", ["decline", "transfer", "nonsense"])
@FUZZ
@given(data=st.dictionaries(st.text(max_size=20), values, max_size=6))
def test_transition_posts_never_fail_with_a_server_error(
    client: Client, handler: Any, make_case: Any, name: str, data: dict[str, str]
) -> None:
    case = make_case()
    login(client, handler)
    prefixed = {f"{name}-{k}": v for k, v in data.items()}
    response = client.post(f"/console/cases/{case.pk}/transitions/{name}/", prefixed, secure=True)
    assert response.status_code in (302, 400, 403, 409)
