"""Helpers for the clock tests: cases straight from the reference data, and an
independent working-day oracle built on the chinese-calendar package itself
(not on the calendar tables the code under test reads)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from complaints.models import Case, Office, ProblemType, ProductCategory, Region, RuleSet

SHANGHAI = ZoneInfo("Asia/Shanghai")
ONE_DAY = dt.timedelta(days=1)
_codes = itertools.count(1)


def oracle_is_workday(day: dt.date) -> bool:
    """chinese-calendar's own answer, weekends-only past its data (RULES.md §3)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def oracle_add_working_days(start: dt.date, n: int) -> dt.date:
    """Counts n working days day by day from the day after `start` (Civil Code art. 201)."""
    day = start
    while n:
        day += ONE_DAY
        if oracle_is_workday(day):
            n -= 1
    return day


def oracle_add_calendar_days(start: dt.date, n: int) -> dt.date:
    """n calendar days after `start`; a last day that is not a working day
    moves to the next working day (Civil Code art. 203)."""
    day = start + dt.timedelta(days=n)
    while not oracle_is_workday(day):
        day += ONE_DAY
    return day


def oracle_working_days_in(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]."""
    return sum(
        oracle_is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )


def rule_set_in_force(day: dt.date) -> RuleSet:
    """The latest rule set effective on `day` (RULES.md §3: a case is pinned to it)."""
    found = RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    assert found is not None
    return found


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
