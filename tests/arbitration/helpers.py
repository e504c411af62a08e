"""Helpers for the arbitration tests: labs from the reference categories and
a frozen clock (time_machine moves the clock the services read)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from arbitration.models import Lab
from core.models import ProductCategory, Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
_cma = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> Any:
    """Freezes the clock at `day`, `hour`:00 Beijing time."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI), tick=False)


def make_lab(*scope: str, kind: str = Lab.Kind.LAB, **extra: Any) -> Lab:
    n = next(_cma)
    lab = Lab.objects.create(
        name=extra.pop("name", f"湖南省产品质量检验检测研究院{n}"),
        kind=kind,
        cma_number=f"CMA-{n:06d}",
        region=Region.objects.get(code="430100"),
        contact_person="李工",
        contact_phone="0731-88888888",
        **extra,
    )
    lab.scope.set(ProductCategory.objects.filter(code__in=scope))
    return lab
