"""The numbers a hotspot report needs, read through the search backend's
own interface (search.backends.base: `aggregate_cells`, `terms`), so the
three engines answer from the same documents with the same ordering rules.

One thing differs by engine (search/hotspots/queries.py): OpenSearch and
Elasticsearch score emerging terms with `significant_terms`, where the
database, which has no such aggregation, uses a smoothed log-ratio of term
frequencies. Distinct counts are exact on every engine (`aggregate_cells`).
"""

from __future__ import annotations

import math

import elastic_transport
from opensearchpy.exceptions import OpenSearchException

from core import documents
from core.documents import DocumentType
from search.backends.base import CellSpec, SearchBackend, SearchQuery
from search.documents import SOURCES
from search.hotspots.params import Filters
from search.hotspots.scoring import BrandSpread, CellRow, Term

#: What an unreachable or failing search node raises, on either client.
SEARCH_UNAVAILABLE: tuple[type[Exception], ...] = (
    OpenSearchException,
    elastic_transport.TransportError,
    elastic_transport.ApiError,
)

#: Most cells one aggregation returns; ranking and thresholds apply after.
MAX_CELLS = 10_000
#: Hotspot leads are this computation's own output: never count them again.
LEAD_SOURCE = "hotspot_lead"
SIGNAL_SOURCES = tuple(s for s in SOURCES if s != LEAD_SOURCE)


def to_search_query(f: Filters) -> SearchQuery:
    return SearchQuery(
        region=(f.region,) if f.region else (),
        category=(f.category,) if f.category else (),
        problem_type=(f.problem_type,) if f.problem_type else (),
        source=(f.source,) if f.source else SIGNAL_SOURCES,
        counterfeit=True if f.counterfeit_only else None,
        scope_region=f.scope_region,
        received_from=f.start,
        received_to=f.end,
        size=0,
        facets=False,
        highlight=False,
    )


def signal_types() -> list[DocumentType]:
    """The registered document types besides cases that are hotspot signals."""
    return [t for t in documents.registered() if t.options.get("signal")]


class HotspotData:
    def __init__(self, backend: SearchBackend) -> None:
        # Cases, supervisors' reports and spot-checks: one set of signals.
        self.backend = backend.with_signals(signal_types())

    @property
    def is_remote(self) -> bool:
        return self.backend.engine in ("opensearch", "elasticsearch")

    def cell_rows(self, filters: Filters, field: str, *, size: int = MAX_CELLS) -> list[CellRow]:
        """Cells of one precomputed key, count descending then key, with the
        number of distinct complainants (exact, docs/legal-basis.md §8) and of weeks
        present."""
        buckets = self.backend.aggregate_cells(
            CellSpec(
                field=field,
                query=to_search_query(filters),
                size=size,
                distinct=("complainant_hash",),
                weeks=True,
            )
        )
        return [
            CellRow(
                key=b.key,
                count=b.count,
                distinct_complainants=b.distinct["complainant_hash"],
                weeks=sum(1 for n in b.weeks.values() if n > 0),
                weighted=b.weight,
            )
            for b in buckets
        ]

    def cell_counts(self, filters: Filters, field: str) -> dict[str, int]:
        buckets = self.backend.aggregate_cells(
            CellSpec(
                field=field,
                query=to_search_query(filters),
                size=MAX_CELLS,
                distinct=(),
                weeks=False,
            )
        )
        return {b.key: b.count for b in buckets}

    def cell_weeks(self, filters: Filters, field: str) -> dict[str, dict[str, int]]:
        buckets = self.backend.aggregate_cells(
            CellSpec(
                field=field,
                query=to_search_query(filters),
                size=MAX_CELLS,
                distinct=(),
                weeks=True,
            )
        )
        return {b.key: dict(b.weeks) for b in buckets}

    def region_category_counts(self, filters: Filters, group: tuple[str, ...]) -> dict[str, int]:
        """Counts per "region|category": a precomputed key where documents
        carry one, else the region field crossed with category by one terms
        count per region (provinces: one for Hunan)."""
        if len(group) == 1:
            return self.cell_counts(filters, group[0])
        region_field, category_field = group
        query = to_search_query(filters)
        counts: dict[str, int] = {}
        for region in self.backend.terms(region_field, query, size=MAX_CELLS):
            scoped = SearchQuery(**{**query.__dict__, "region": (region.key,)})
            for cat in self.backend.terms(category_field, scoped, size=MAX_CELLS):
                counts[f"{region.key}|{cat.key}"] = cat.count
        return counts

    def brand_spreads(self, filters: Filters, *, min_sellers: int = 1) -> list[BrandSpread]:
        """Sellers and counties per brand, for brands with at least
        `min_sellers` signals (fewer cannot come from that many sellers)."""
        buckets = self.backend.aggregate_cells(
            CellSpec(
                field="brand_key",
                query=to_search_query(filters),
                size=MAX_CELLS,
                distinct=("seller_key", "region_county"),
                weeks=False,
            )
        )
        return [
            BrandSpread(
                brand_key=b.key,
                count=b.count,
                sellers=b.distinct["seller_key"],
                counties=b.distinct["region_county"],
            )
            for b in buckets
            if b.key and b.count >= min_sellers
        ]

    def weekly(self, filters: Filters) -> dict[str, int]:
        """{Monday ISO date: count} over every matching document."""
        return {
            b.key: b.count for b in self.backend.terms("week", to_search_query(filters), size=1000)
        }

    def county_counts(self, filters: Filters) -> dict[str, int]:
        return {
            b.key: b.count
            for b in self.backend.terms("region_county", to_search_query(filters), size=1000)
        }

    def emerging_terms(self, foreground: Filters, background: Filters, size: int) -> list[Term]:
        if self.is_remote:
            from search.hotspots.queries import significant_terms

            return significant_terms(
                self.backend, to_search_query(foreground), to_search_query(background), size
            )
        return self.log_ratio_terms(foreground, background, size)

    def log_ratio_terms(self, foreground: Filters, background: Filters, size: int) -> list[Term]:
        """Terms whose share of foreground documents most exceeds their share
        of background documents: ln((fg+1)/(F+1)) − ln((bg+1)/(B+1)), kept
        when positive and seen at least twice. An approximation of
        significant_terms' JLH score, for engines without it."""
        fg_query, bg_query = to_search_query(foreground), to_search_query(background)
        fg_total = sum(b.count for b in self.backend.terms("week", fg_query, size=1000))
        bg_total = sum(b.count for b in self.backend.terms("week", bg_query, size=1000))
        if fg_total == 0:
            return []
        fg_terms = self.backend.terms("words", fg_query, size=MAX_CELLS)
        bg_terms = {b.key: b.count for b in self.backend.terms("words", bg_query, size=MAX_CELLS)}
        scored = []
        for bucket in fg_terms:
            if bucket.count < 2:
                continue
            bg = bg_terms.get(bucket.key, 0)
            ratio = math.log((bucket.count + 1) / (fg_total + 1)) - math.log(
                (bg + 1) / (bg_total + 1)
            )
            if ratio > 0:
                scored.append(
                    Term(
                        term=bucket.key,
                        count=bucket.count,
                        background_count=bg,
                        score=round(ratio, 4),
                    )
                )
        scored.sort(key=lambda t: (-t.score, -t.count, t.term))
        return scored[:size]
