"""Test factories for cases: staff users with a role and an office, and
valid intake data. Other test packages import these."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from complaints.services import IntakeData
from core.models import Office, StaffProfile
from core.roles import Role, sync_roles
from core.validators import credit_code_check_char, id_number_check_char

_seq = itertools.count(1)

#: 芙蓉区, Changsha: routed to its county office by the reference data.
DEFAULT_REGION = "430102"
OTHER_REGION = "430103"


def office_for(region_code: str = DEFAULT_REGION) -> Office:
    return Office.objects.get(code=f"amr-{region_code}")


def make_staff(
    role: Role | str, office: Office | str | None = None, *, username: str = "", **extra: Any
) -> Any:
    """A staff user in a role's group with a StaffProfile at `office` (an
    Office, an office code, or the default county's office)."""
    if not Group.objects.filter(name=str(role)).exists():
        sync_roles()
    if office is None:
        office = office_for()
    elif isinstance(office, str):
        office = Office.objects.get(code=office)
    # No password: hashing one costs more than the rest of a test; API tests
    # authenticate with force_authenticate or a token.
    user = get_user_model().objects.create_user(
        username=username or f"{role}-{next(_seq)}", password=None, **extra
    )
    user.groups.add(Group.objects.get(name=str(role)))
    StaffProfile.objects.create(user=user, office=office, display_name=user.username)
    return user


def make_consumer(*, username: str = "") -> Any:
    return get_user_model().objects.create_user(
        username=username or f"consumer-{next(_seq)}", password=None
    )


def mobile(n: int | None = None) -> str:
    """A valid mainland mobile number, distinct per call."""
    n = next(_seq) if n is None else n
    return f"139{n % 100_000_000:08d}"


def valid_id_number(birth: dt.date = dt.date(1990, 5, 17), serial: int = 123) -> str:
    first17 = f"430102{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + id_number_check_char(first17)


def valid_credit_code(body: str = "91430100MA4L000001") -> str:
    first17 = body[:17]
    return first17 + credit_code_check_char(first17)


def make_intake_data(**overrides: Any) -> IntakeData:
    values: dict[str, Any] = {
        "kind": "complaint",
        "channel": "phone",
        "complainant_name": "张三",
        "complainant_phone": mobile(),
        "business_name": "长沙某某食品有限公司",
        "region": DEFAULT_REGION,
        "category": "food-dairy",
        "problem_type": "substandard",
        "description": "购买的牛奶变质。",
        "demands": "退款并赔偿。",
        "price": "59.90",
        "quantity": 2,
    }
    values.update(overrides)
    return IntakeData(**values)


def intake_payload(**overrides: Any) -> dict[str, Any]:
    """The JSON body of POST /api/v1/intakes/ for make_intake_data's defaults."""
    data = make_intake_data(**overrides)
    body = {k: v for k, v in vars(data).items() if v not in (None, (), "")}
    body["related_to"] = list(data.related_to)
    return body
