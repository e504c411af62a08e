"""Search documents of the two signal sources beside cases: supervisors'
reports and non-conforming spot-check results. Each is a document type of
its own (its own index), shaped like a case document on the fields hotspots
read (source, region, category, brand and seller keys, cells, week,
weight), so that hotspots count them through one interface
(search.hotspots.engine) on every engine.

A report that became a case, or was linked to one, is counted through that
case; a rejected report is no signal. Their documents are removed."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from core.documents import DocumentType, register
from core.masking import complainant_hash, mask_text
from core.models import ProblemType
from core.validators import brand_key, seller_key
from search.backends.dsl import case_mapping
from search.documents import _cell, iso_millis, monday_of, region_levels, segment_words
from supervisors.lifecycle import ReportStatus
from supervisors.models import SpotCheck, SpotCheckResult, SupervisorReport
from supervisors.models.reports import Finding
from supervisors.services.reports import FINDING_PROBLEM_TYPE

logger = logging.getLogger(__name__)

SUPERVISOR_SOURCE = "supervisor"
SPOT_CHECK_SOURCE = "spot_check"
SPOT_CHECK_KIND = "spot_check"
#: Not "report": a report case (举报) already has that kind.
SUPERVISOR_REPORT_KIND = "supervisor_report"
#: What a non-conforming result is, as a problem type.
SPOT_CHECK_PROBLEM = "substandard"


@cache
def _counterfeit_codes() -> frozenset[str]:
    return frozenset(
        ProblemType.objects.filter(counterfeit_signal=True).values_list("code", flat=True)
    )


def _signal_fields(
    *,
    region_code: str,
    category: Any,
    brand: str,
    seller: str,
    seller_name: str,
    problem_type: str,
    received: dt.datetime,
    text: str,
    location: dict[str, float] | None,
) -> dict[str, Any]:
    province, city, county = region_levels(region_code)
    leaf = category.code
    bkey = mask_text(brand_key(brand)) or None
    skey = (seller if seller.startswith("uscc:") else mask_text(seller)) or None
    masked = mask_text(text)
    return {
        "received_at": iso_millis(received),
        "week": monday_of(timezone.localtime(received).date()).isoformat(),
        "region_province": province,
        "region_city": city,
        "region_county": county,
        "region_codes": [c for c in (province, city, county) if c],
        "category": leaf,
        "category_path": category.path.split("/"),
        "brand": mask_text(brand) or None,
        "brand_key": bkey,
        "seller_key": skey,
        "seller_name": mask_text(seller_name) or None,
        "problem_type": problem_type,
        "counterfeit": problem_type in _counterfeit_codes(),
        "weight": 1.0,
        "location": location,
        "text": masked,
        "words": segment_words(masked),
        "cell_county_category_brand": _cell(county, leaf, bkey),
        "cell_county_category_seller": _cell(county, leaf, skey),
        "cell_city_category_brand": _cell(city, leaf, bkey),
        "cell_city_category_seller": _cell(city, leaf, skey),
        "cell_province_category_brand": _cell(province, leaf, bkey),
        "cell_province_category_seller": _cell(province, leaf, skey),
        "cell_county_category": f"{county}|{leaf}" if county else None,
        "cell_city_category": f"{city}|{leaf}" if city else None,
    }


def _region_point(region: Any) -> dict[str, float] | None:
    if region.latitude is None or region.longitude is None:
        return None
    return {"lat": float(region.latitude), "lon": float(region.longitude)}


# --- supervisors' reports --------------------------------------------------


def report_queryset() -> QuerySet[SupervisorReport]:
    """Reports that are signals of their own: not rejected, not yet a case."""
    return (
        SupervisorReport.objects.exclude(status=ReportStatus.REJECTED)
        .filter(case__isnull=True)
        .select_related("supervisor", "category", "seller_region")
    )


def report_document(report: SupervisorReport) -> dict[str, Any]:
    supervisor = report.supervisor
    location = (
        {"lat": float(report.latitude), "lon": float(report.longitude)}
        if report.latitude is not None and report.longitude is not None
        else _region_point(report.seller_region)
    )
    text = "\n".join(
        p for p in (report.description, report.brand, report.product_model, report.seller_name) if p
    )
    return {
        "id": report.pk,
        "kind": SUPERVISOR_REPORT_KIND,
        "source": SUPERVISOR_SOURCE,
        "status": report.status,
        "tracking_code": None,
        "complainant_hash": complainant_hash(supervisor.phone, supervisor.id_number, "") or None,
        **_signal_fields(
            region_code=report.seller_region_id,
            category=report.category,
            brand=report.brand,
            seller=seller_key(name=report.seller_name, credit_code=report.seller_credit_code),
            seller_name=report.seller_name,
            problem_type=FINDING_PROBLEM_TYPE[Finding(report.finding)],
            received=report.submitted_at,
            text=text,
            location=location,
        ),
        "version": report.version,
    }


# --- spot-check results -----------------------------------------------------


def spotcheck_queryset() -> QuerySet[SpotCheck]:
    """Only a non-conforming result is a signal."""
    return SpotCheck.objects.filter(result=SpotCheckResult.NON_CONFORMING).select_related(
        "category", "region"
    )


def spotcheck_document(spot: SpotCheck) -> dict[str, Any]:
    published = timezone.make_aware(dt.datetime.combine(spot.published_on, dt.time(12)))
    text = "\n".join(
        p
        for p in (spot.product, spot.brand, spot.model_batch, spot.producer,
                  spot.non_conforming_items)
        if p
    )  # fmt: skip
    return {
        "id": spot.pk,
        "kind": SPOT_CHECK_KIND,
        "source": SPOT_CHECK_SOURCE,
        "status": spot.result,
        "tracking_code": None,
        "complainant_hash": None,
        **_signal_fields(
            region_code=spot.region_id,
            category=spot.category,
            brand=spot.brand,
            seller=spot.seller_key,
            seller_name=spot.seller or spot.producer,
            problem_type=SPOT_CHECK_PROBLEM,
            received=published,
            text=text,
            location=_region_point(spot.region),
        ),
        "version": spot.version,
    }


def _builder(
    queryset: Callable[[], QuerySet[Any]], build: Callable[[Any], dict[str, Any]], label: str
) -> Callable[[list[int]], tuple[list[dict[str, Any]], dict[int, str]]]:
    def build_many(ids: list[int]) -> tuple[list[dict[str, Any]], dict[int, str]]:
        docs: list[dict[str, Any]] = []
        errors: dict[int, str] = {}
        row: Model
        for pk, row in queryset().in_bulk(ids).items():
            try:
                docs.append(build(row))
            except Exception as exc:  # recorded on its outbox entry, not raised
                logger.exception("search document of %s %s failed", label, pk)
                errors[pk] = f"{type(exc).__name__}: {exc}"[:1000]
        return docs, errors

    return build_many


SUPERVISOR_REPORT_DOCUMENT = DocumentType(
    model="supervisors.supervisorreport",
    index="supervisor-reports",
    build=_builder(report_queryset, report_document, "supervisor report"),
    mapping=case_mapping,
    queryset=report_queryset,
    options={"signal": True},
)
SPOT_CHECK_DOCUMENT = DocumentType(
    model="supervisors.spotcheck",
    index="spot-checks",
    build=_builder(spotcheck_queryset, spotcheck_document, "spot-check"),
    mapping=case_mapping,
    queryset=spotcheck_queryset,
    options={"signal": True},
)


def register_supervision_document_types() -> None:
    register(SUPERVISOR_REPORT_DOCUMENT)
    register(SPOT_CHECK_DOCUMENT)
