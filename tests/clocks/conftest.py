"""Fixtures for the clock tests: cases straight from the reference data."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from complaints.models import Case
from core.models import Office, ProblemType, ProductCategory, Region, RuleSet

from .oracle import rule_set_in_force

SHANGHAI = ZoneInfo("Asia/Shanghai")
_codes = itertools.count(1)


@pytest.fixture
def make_case() -> Callable[..., Case]:
    def make(
        *,
        kind: str = "complaint",
        channel: str = "phone",
        received_on: dt.date = dt.date(2026, 3, 2),
        rule_set: RuleSet | None = None,
        **extra: Any,
    ) -> Case:
        region = Region.objects.filter(level="county").order_by("code").first()
        assert region is not None
        office = Office.objects.get(code=f"amr-{region.code}")
        n = next(_codes)
        received_at = dt.datetime.combine(received_on, dt.time(10, 30), tzinfo=SHANGHAI)
        fields: dict[str, Any] = {
            "kind": kind,
            "tracking_code": f"T-CLK-{n:06d}",
            "channel": channel,
            "work_order_no": f"WO-CLK-{n:06d}" if channel == "12345" else None,
            "received_at": received_at,
            "rule_set": rule_set or rule_set_in_force(received_on),
            "office": office,
            "complainant_name": "张三",
            "complainant_phone": "13800138000",
            "business_name": "某某商贸有限公司",
            "region": region,
            "seller_key": f"name:clk-{n}",
            "category": ProductCategory.objects.order_by("pk").first(),
            "problem_type": ProblemType.objects.order_by("pk").first(),
            "description": "质量问题",
        }
        fields.update(extra)
        return Case.objects.create(**fields)

    return make
