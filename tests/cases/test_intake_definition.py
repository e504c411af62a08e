"""One intake definition: the console form, the API and the import of
historical work orders accept and refuse the same values, with the limits of
the Case model and the messages of the one cleaning step
(complaints/services/intake_clean.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import MaxLengthValidator
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from complaints.forms import IntakeForm
from complaints.models import Case
from complaints.serializers import IntakeInputSerializer
from complaints.services.imports import import_record_parse
from complaints.services.intake_clean import CASE_TEXT_LIMITS, intake_clean
from complaints.views.intake import _intake_data
from core.models import ProblemType, ProductCategory
from core.roles import Role
from tests.cases.factories import make_staff, mobile

pytestmark = pytest.mark.usefixtures("postgres")

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "work-orders.jsonl"
LIMIT = 5000


def common(**overrides: Any) -> dict[str, Any]:
    """One intake, valid on every path, in the API's and the import's terms."""
    values: dict[str, Any] = {
        "kind": "complaint",
        "channel": "phone",
        "work_order_no": f"WO-DEF-{mobile()}",
        "complainant_name": "张三",
        "complainant_phone": mobile(),
        "business_name": "长沙某某食品有限公司",
        "region": "430102",
        "category": "food-dairy",
        "problem_type": "substandard",
        "description": "购买的牛奶变质。",
        "demands": "退款并赔偿。",
    }
    values.update(overrides)
    return values


def as_form_post(values: dict[str, Any]) -> dict[str, Any]:
    post = dict(values)
    post["city"] = "430100"
    post["category"] = str(ProductCategory.objects.get(code=values["category"]).pk)
    post["problem_type"] = str(ProblemType.objects.get(code=values["problem_type"]).pk)
    post["quantity"] = "1"
    return post


def as_import_row(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "received_at": "2026-11-02T10:00", "status": "registered"}


def expected_message(text: str, limit: int) -> str:
    with translation.override(django_settings.LANGUAGE_CODE):
        try:
            MaxLengthValidator(limit)(text)
        except ValidationError as exc:
            return str(exc.messages[0])
    raise AssertionError("the text is within the limit")


@pytest.fixture
def operator() -> Any:
    return make_staff(Role.HOTLINE_OPERATOR)


def test_the_limits_are_the_models() -> None:
    assert Case._meta.get_field("description").max_length == LIMIT
    assert Case._meta.get_field("demands").max_length == LIMIT
    assert CASE_TEXT_LIMITS["description"] == CASE_TEXT_LIMITS["demands"] == LIMIT
    assert CASE_TEXT_LIMITS["business_name"] == Case._meta.get_field("business_name").max_length


# --- End to end: the same over-long description on each path ------------------------


def through_console(operator: Any, values: dict[str, Any], tmp_path: Path) -> list[str] | None:
    client = Client()
    client.force_login(operator)
    response = client.post(
        "/console/intake/", as_form_post(values), HTTP_ACCEPT="application/json", secure=True
    )
    if response.status_code == 201:
        return None
    assert response.status_code == 400, response.content[:300]
    return [e["message"] for e in response.json()["errors"].get("description", [])]


def through_api(operator: Any, values: dict[str, Any], tmp_path: Path) -> list[str] | None:
    client = APIClient()
    client.force_authenticate(operator)
    response = client.post("/api/v1/intakes/", values, format="json")
    if response.status_code == 201:
        return None
    assert response.status_code == 400, response.content[:300]
    messages: list[str] = response.json().get("description", [])
    return messages


def through_import(operator: Any, values: dict[str, Any], tmp_path: Path) -> list[str] | None:
    path = tmp_path / "orders.jsonl"
    path.write_text(json.dumps(as_import_row(values), ensure_ascii=False) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_cases", str(path), "--no-progress", stdout=out)
    if "1 imported" in out.getvalue():
        return None
    reject = json.loads((tmp_path / "orders.jsonl.rejects.jsonl").read_text(encoding="utf-8"))
    messages: list[str] = reject["errors"].get("description", [])
    return messages


@pytest.mark.parametrize("path", [through_console, through_api, through_import])
@pytest.mark.parametrize("length", [LIMIT, LIMIT + 1])
def test_every_path_refuses_the_same_over_long_description_with_the_same_message(
    operator: Any, tmp_path: Path, path: Any, length: int
) -> None:
    # Surrounding blanks are trimmed and a CRLF line break counts as one
    # character (a browser's textarea sends CRLF while its maxlength counts one).
    text = "  " + "诉" * (length - 11) + "\r\n" + "x" * 10 + " "
    values = common(description=text)
    messages = path(operator, values, tmp_path)
    stored = Case.objects.filter(work_order_no=values["work_order_no"]).first()
    if length <= LIMIT:
        assert messages is None
        assert stored is not None
        assert len(stored.description) == length
        assert "\r" not in stored.description
    else:
        assert stored is None
        assert messages == [expected_message("诉" * length, LIMIT)]


# --- Property: the cleaning step decides alike, whoever calls it ---------------------


def errors_via_form(operator: Any, values: dict[str, Any]) -> set[str]:
    form = IntakeForm(as_form_post(values))
    if not form.is_valid():
        return set(form.errors)
    try:
        intake_clean(_intake_data(form.cleaned_data), [], operator)
    except ValidationError as exc:
        return set(exc.message_dict)
    return set()


def errors_via_api(operator: Any, values: dict[str, Any]) -> set[str]:
    serializer = IntakeInputSerializer(data=values)
    if not serializer.is_valid():
        return set(serializer.errors)
    try:
        intake_clean(serializer.to_intake_data(), [], operator)
    except ValidationError as exc:
        return set(exc.message_dict)
    return set()


def errors_via_import(operator: Any, values: dict[str, Any]) -> set[str]:
    try:
        import_record_parse(as_import_row(values))
    except ValidationError as exc:
        return set(exc.message_dict)
    return set()


TEXT_FIELDS = [
    "description",
    "demands",
    "business_name",
    "complainant_name",
    "complainant_address",
    "brand",
    "work_order_no",
]


def test_the_common_intake_is_valid_on_every_path(operator: Any) -> None:
    for via in (errors_via_form, errors_via_api, errors_via_import):
        assert via(operator, common()) == set(), via.__name__


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    field=st.sampled_from(TEXT_FIELDS),
    delta=st.integers(min_value=-3, max_value=3),
    char=st.sampled_from(["a", "诉", "😀", "é"]),
    breaks=st.integers(min_value=0, max_value=3),
    pad=st.sampled_from(["", " ", "\n ", "\u3000"]),
)
def test_text_around_its_limit_is_accepted_or_refused_alike_on_every_path(
    operator: Any, field: str, delta: int, char: str, breaks: int, pad: str
) -> None:
    limit = CASE_TEXT_LIMITS[field]
    length = limit + delta
    body = char * (length - breaks)
    middle = len(body) // 2
    text = pad + body[:middle] + "\r\n" * breaks + body[middle:] + pad
    values = common(**{field: text})
    verdicts = {
        via.__name__: field not in via(operator, values)
        for via in (errors_via_form, errors_via_api, errors_via_import)
    }
    assert set(verdicts.values()) == {length <= limit}, verdicts
