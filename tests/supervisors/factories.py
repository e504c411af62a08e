"""Supervisors made through the services: an application, then an
appointment by the office."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.roles import Role
from supervisors.models import Supervisor
from supervisors.services import supervisor_apply, supervisor_transition
from supervisors.services.registry import ApplicationData
from tests.cases.factories import (
    DEFAULT_REGION,
    make_consumer,
    make_staff,
    mobile,
    office_for,
    valid_id_number,
)

CATEGORY = "food-liquor"


def application(**overrides: Any) -> ApplicationData:
    values: dict[str, Any] = {
        "name": "李监督",
        "phone": mobile(),
        "id_number": valid_id_number(),
        "office": office_for().pk,
        "region": DEFAULT_REGION,
        "categories": [CATEGORY],
    }
    values.update(overrides)
    return ApplicationData(**values)


def make_reviewer(region: str = DEFAULT_REGION) -> Any:
    return make_staff(Role.CASE_HANDLER, office_for(region))


def make_supervisor(*, reviewer: Any = None, region: str = DEFAULT_REGION) -> Supervisor:
    """An appointed supervisor of `region`'s office."""
    reviewer = reviewer or make_reviewer(region)
    user = make_consumer()
    applied = supervisor_apply(
        data=application(office=office_for(region).pk, region=region), actor=user
    )
    return supervisor_transition(supervisor_id=applied.pk, action="appoint", actor=reviewer)


def jpeg_bytes(
    *, gps: tuple[float, float] | None = None, size: tuple[int, int] = (64, 48)
) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    if gps is not None:
        lat, lon = gps

        def dms(value: float) -> tuple[float, float, float]:
            value = abs(value)
            d = int(value)
            m = int((value - d) * 60)
            s = round(((value - d) * 60 - m) * 60, 4)
            return (float(d), float(m), s)

        exif[0x8825] = {
            1: "N" if lat >= 0 else "S",
            2: dms(lat),
            3: "E" if lon >= 0 else "W",
            4: dms(lon),
        }
        exif[0x010F] = "TestCam"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def report_payload(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "finding": "fake_brand",
        "category": CATEGORY,
        "brand": "茅台",
        "product_model": "飞天 53度 500ml",
        "seller_name": "长沙市芙蓉区好运烟酒店",
        "seller_region": DEFAULT_REGION,
        "seller_address": "芙蓉区五一大道1号",
        "description": "货架上的飞天茅台防伪码查询无效，包装粗糙。",
        "observed_at": "2026-11-30T10:15:00+08:00",
    }
    values.update(overrides)
    return values
