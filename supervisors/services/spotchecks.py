"""Spot-check results, one row of a published notice at a time. A row is
found again by the digest of its identifying columns, so importing the same
notice twice changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, fields
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.events import event_write
from core.models import ProductCategory, Region
from core.validators import brand_key, normalize_name, seller_key, validate_credit_code
from supervisors.models import SpotCheck, SpotCheckResult

RESULT_WORDS = {
    "conforming": SpotCheckResult.CONFORMING,
    "合格": SpotCheckResult.CONFORMING,
    "non_conforming": SpotCheckResult.NON_CONFORMING,
    "non-conforming": SpotCheckResult.NON_CONFORMING,
    "不合格": SpotCheckResult.NON_CONFORMING,
}
#: Columns whose change is an update of the same result, not a new one.
UPDATABLE = ("items_tested", "result", "non_conforming_items", "category")


@dataclass
class SpotCheckRow:
    """One row as published (strings as read from the file)."""

    product: str = ""
    brand: str = ""
    model_batch: str = ""
    producer: str = ""
    producer_credit_code: str = ""
    seller: str = ""
    region: str = ""
    items_tested: str = ""
    result: str = ""
    non_conforming_items: str = ""
    published_on: str = ""
    category: str = ""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _region(raw: str) -> Region | None:
    raw = raw.strip()
    if raw.isdigit():
        return Region.objects.filter(code=raw[:6]).first()
    return Region.objects.filter(name=raw).order_by("-level").first() if raw else None


def _category(raw: str, product: str) -> ProductCategory | None:
    raw = raw.strip()
    if raw:
        return (
            ProductCategory.objects.filter(code=raw[:60]).first()
            or ProductCategory.objects.filter(name=raw).first()
        )
    # Notices name the product, not our category: the most specific
    # category whose name the product name contains.
    best: ProductCategory | None = None
    for category in ProductCategory.objects.only("code", "name", "path"):
        if (
            category.name
            and category.name in product
            and (best is None or len(category.name) > len(best.name))
        ):
            best = category
    return best


def _clean(row: SpotCheckRow) -> dict[str, Any]:
    errors: dict[str, str] = {}
    text = {name: str(getattr(row, name) or "").strip() for name in SpotCheckRow.names()}
    limits = {"product": 200, "brand": 100, "model_batch": 200, "producer": 200, "seller": 200,
              "items_tested": 1000, "non_conforming_items": 1000}  # fmt: skip
    for name, limit in limits.items():
        if len(text[name]) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}
    for name in ("product", "producer"):
        if not text[name]:
            errors[name] = _("This column is required.")
    code = text["producer_credit_code"].upper()
    if code:
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            errors["producer_credit_code"] = " ".join(exc.messages)
    result = RESULT_WORDS.get(text["result"].lower()) or RESULT_WORDS.get(text["result"])
    if result is None:
        errors["result"] = _("The result is conforming or non-conforming.")
    region = _region(text["region"])
    if region is None:
        errors["region"] = _("Unknown region.")
    category = _category(text["category"], text["product"])
    if category is None:
        errors["category"] = _("No product category matches this product.")
    try:
        published = dt.date.fromisoformat(text["published_on"].replace("/", "-"))
    except ValueError:
        errors["published_on"] = _("Enter the date as YYYY-MM-DD.")
        published = None
    if errors:
        raise ValidationError(errors)
    seller = text["seller"]
    return {
        "product": text["product"],
        "brand": text["brand"],
        "brand_key": brand_key(text["brand"]),
        "model_batch": text["model_batch"],
        "producer": text["producer"],
        "producer_credit_code": code,
        "seller": seller,
        "seller_key": seller_key(name=seller)
        if seller
        else seller_key(name=text["producer"], credit_code=code),
        "region": region,
        "category": category,
        "items_tested": text["items_tested"],
        "result": result,
        "non_conforming_items": text["non_conforming_items"],
        "published_on": published,
    }


def import_key(clean: dict[str, Any]) -> str:
    parts = [
        clean["producer_credit_code"] or normalize_name(clean["producer"]),
        normalize_name(clean["product"]),
        normalize_name(clean["brand"]),
        normalize_name(clean["model_batch"]),
        normalize_name(clean["seller"]),
        clean["region"].code,
        clean["published_on"].isoformat(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def spotcheck_upsert(*, row: SpotCheckRow, actor: Any) -> tuple[SpotCheck, str]:
    """Creates or updates one result; returns it with "created", "updated"
    or "unchanged". ValidationError with the column messages for a bad row."""
    clean = _clean(row)
    key = import_key(clean)
    with transaction.atomic():
        existing = SpotCheck.objects.select_for_update().filter(import_key=key).first()
        if existing is None:
            spot = SpotCheck.objects.create(import_key=key, **clean)
            event_write(
                owner=spot,
                action="imported",
                actor=actor,
                created=True,
                data={"result": spot.result},
            )
            return spot, "created"
        changed = [name for name in UPDATABLE if getattr(existing, name) != clean[name]]
        if not changed:
            return existing, "unchanged"
        for name in changed:
            setattr(existing, name, clean[name])
        event_write(
            owner=existing,
            action="reimported",
            actor=actor,
            fields=changed,
            data={"changed": changed},
        )
        return existing, "updated"
