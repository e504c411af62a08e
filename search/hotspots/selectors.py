"""Hotspot reads: the ranked cells with their patterns, the trend series,
the county map and emerging terms (docs/legal-basis.md §8)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from search.backends import get_backend
from search.backends.base import SearchBackend, SearchQuery
from search.hotspots.engine import HotspotData, to_search_query
from search.hotspots.params import SURGE_GROUPS, Dimension, HotspotQuery
from search.hotspots.scoring import (
    BrandSpread,
    Cell,
    Surge,
    Term,
    build_cells,
    split_key,
    spreads,
    surges,
)
from search.selectors import SOURCE_LABELS, hit_code_url

#: Cells drawn as their own line in the trend chart.
TREND_TOP_CELLS = 5


@dataclass
class HotspotReport:
    query: HotspotQuery
    cells: list[Cell]
    #: cells that passed the filters before the limit cut the list
    total_cells: int
    surges: list[Surge] = field(default_factory=list)
    brand_spreads: list[BrandSpread] = field(default_factory=list)


def _data(backend: SearchBackend | None) -> HotspotData:
    return HotspotData(backend or get_backend())


def hotspot_report(query: HotspotQuery, *, backend: SearchBackend | None = None) -> HotspotReport:
    data = _data(backend)
    window, t = query.window, query.thresholds
    rows = data.cell_rows(window, query.cell_field)
    previous = data.cell_counts(query.previous_window, query.cell_field)
    group = SURGE_GROUPS[query.level]
    surging = surges(
        data.region_category_counts(window, group),
        data.region_category_counts(query.baseline, group),
        query=query,
    )
    spreading = spreads(data.brand_spreads(window, min_sellers=t.brand_min_sellers), t)
    cells = build_cells(rows, previous, query=query, surging=surging, spreading=spreading)
    total = len(cells)
    top = cells[: query.limit]
    return HotspotReport(
        query=query,
        cells=top,
        total_cells=total,
        surges=sorted(surging.values(), key=lambda s: (-s.count, s.key)),
        brand_spreads=sorted(spreading.values(), key=lambda b: (-b.sellers, -b.count, b.brand_key)),
    )


@dataclass
class TrendSeries:
    weeks: list[str]
    total: list[int]
    #: cell key -> counts aligned with `weeks`
    cells: dict[str, list[int]]


def _mondays(start: dt.date, end: dt.date) -> list[str]:
    monday = start - dt.timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append(monday.isoformat())
        monday += dt.timedelta(weeks=1)
    return weeks


def hotspot_trend(
    query: HotspotQuery, *, keys: list[str], backend: SearchBackend | None = None
) -> TrendSeries:
    """Weekly counts over the baseline and the window: all signals matching
    the filters, and one series per given cell (the top cells of a report)."""
    data = _data(backend)
    span = query.baseline.shifted(start=query.baseline.start, end=query.end)
    weeks = _mondays(span.start, span.end)
    total = data.weekly(span)
    per_cell = data.cell_weeks(span, query.cell_field) if keys else {}
    return TrendSeries(
        weeks=weeks,
        total=[total.get(w, 0) for w in weeks],
        cells={key: [per_cell.get(key, {}).get(w, 0) for w in weeks] for key in keys},
    )


@dataclass
class CountyPoint:
    code: str
    name: str
    latitude: float
    longitude: float
    count: int


def hotspot_map(query: HotspotQuery, *, backend: SearchBackend | None = None) -> list[CountyPoint]:
    """Signals per county in the window, placed at the county's centroid."""
    from core.models import Region

    counts = _data(backend).county_counts(query.window)
    regions = Region.objects.filter(
        code__in=counts, latitude__isnull=False, longitude__isnull=False
    ).only("code", "name", "name_en", "latitude", "longitude")
    points = [
        CountyPoint(
            code=r.code,
            name=r.display_name,
            latitude=float(r.latitude or 0.0),
            longitude=float(r.longitude or 0.0),
            count=counts[r.code],
        )
        for r in regions
    ]
    points.sort(key=lambda p: (-p.count, p.code))
    return points


def emerging_terms(
    query: HotspotQuery, *, size: int = 20, backend: SearchBackend | None = None
) -> list[Term]:
    """Words unusually frequent in the window against the trailing baseline."""
    return _data(backend).emerging_terms(query.window, query.baseline, size)


def cell_search_query(query: HotspotQuery, cell_key: str, *, size: int) -> SearchQuery:
    """The search that lists the documents of one cell in the query's window."""
    region, category, subject = split_key(cell_key)
    field = "seller" if query.dimension == Dimension.SELLER else "brand"
    return SearchQuery(
        **{
            **to_search_query(query.window).__dict__,
            "region": (region,),
            "category": (category,),
            field: (subject,),
            "size": size,
        }
    )


@dataclass
class CaseRow:
    id: int
    tracking_code: str
    received_at: str
    status: str
    source: str
    problem_type: str
    seller_name: str
    brand: str
    url: str


def cell_cases(
    query: HotspotQuery, *, cell: str, size: int = 50, backend: SearchBackend | None = None
) -> list[CaseRow]:
    """The underlying signals of a cell, newest first: its cases,
    supervisors' reports and spot-checks (the index holds no personal data,
    so neither does this list)."""
    page = _data(backend).backend.search(cell_search_query(query, cell, size=size))
    sources = {k: str(v) for k, v in SOURCE_LABELS.items()}
    rows = []
    for hit in page.hits:
        code, url = hit_code_url(hit, sources)
        rows.append(
            CaseRow(
                id=hit.id,
                tracking_code=code,
                received_at=str(hit.source.get("received_at") or ""),
                status=str(hit.source.get("status") or ""),
                source=str(hit.source.get("source") or ""),
                problem_type=str(hit.source.get("problem_type") or ""),
                seller_name=str(hit.source.get("seller_name") or ""),
                brand=str(hit.source.get("brand") or ""),
                url=url,
            )
        )
    return rows


def _names(model: Any, codes: set[str]) -> dict[str, str]:
    return {obj.code: obj.display_name for obj in model.objects.filter(code__in=codes)}


def _subject_names(dimension: Dimension, subjects: set[str]) -> dict[str, str]:
    """What a person calls a cell's subject: a seller by the business name
    the cases give (its key is a credit code or a normalised name), a brand
    by its key, which is already its name."""
    if dimension != Dimension.SELLER or not subjects:
        return {}
    from django.db.models import Max

    from complaints.models import Case

    rows = (
        Case.objects.filter(seller_key__in=subjects)
        .values("seller_key")
        .annotate(name=Max("business_name"))
    )
    return {row["seller_key"]: row["name"] for row in rows}


def _subject_fallback(subject: str) -> str:
    # "name:<normalised name>|<platform>|<shop>" reads as the name itself.
    head, _sep, rest = subject.partition(":")
    return rest.split("|", 1)[0] if head == "name" and rest else subject


def hotspot_payload(
    query: HotspotQuery, *, include: list[str], backend: SearchBackend | None = None
) -> dict[str, Any]:
    """The JSON the API and the page share."""
    from core.models import ProductCategory, Region

    backend = backend or get_backend()
    report = hotspot_report(query, backend=backend)
    regions = _names(
        Region,
        {c.region for c in report.cells} | {split_key(s.key)[0] for s in report.surges},
    )
    categories = _names(
        ProductCategory,
        {c.category for c in report.cells} | {split_key(s.key)[1] for s in report.surges},
    )
    subjects = _subject_names(query.dimension, {c.subject for c in report.cells})
    t = query.thresholds

    def window(f: Any) -> dict[str, str]:
        return {"start": f.start.isoformat(), "end": f.end.isoformat()}

    payload: dict[str, Any] = {
        "level": query.level.value,
        "dimension": query.dimension.value,
        "window": {**window(query.window), "days": query.window_days},
        "previous_window": window(query.previous_window),
        "baseline": window(query.baseline),
        "thresholds": asdict(t),
        "total_cells": report.total_cells,
        "cells": [
            {
                "rank": rank,
                **asdict(cell),
                "region_name": regions.get(cell.region, cell.region),
                "category_name": categories.get(cell.category, cell.category),
                "subject_name": subjects.get(cell.subject) or _subject_fallback(cell.subject),
            }
            for rank, cell in enumerate(report.cells, start=1)
        ],
        "surges": [
            {
                **asdict(s),
                "region": split_key(s.key)[0],
                "category": split_key(s.key)[1],
                "region_name": regions.get(split_key(s.key)[0], split_key(s.key)[0]),
                "category_name": categories.get(split_key(s.key)[1], split_key(s.key)[1]),
            }
            for s in report.surges
        ],
        "brand_spreads": [asdict(b) for b in report.brand_spreads],
    }
    if "trend" in include:
        trend = hotspot_trend(
            query, keys=[c.key for c in report.cells[:TREND_TOP_CELLS]], backend=backend
        )
        payload["trend"] = asdict(trend)
    if "map" in include:
        payload["map"] = [asdict(p) for p in hotspot_map(query, backend=backend)]
    if "terms" in include:
        payload["emerging_terms"] = [asdict(t) for t in emerging_terms(query, backend=backend)]
    return payload
