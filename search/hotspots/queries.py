"""Hotspot bodies only OpenSearch and Elasticsearch run: `significant_terms`
for emerging words and a `composite` recount of distinct complainants.

The filters come from search.backends.dsl (the same bool query every search
uses); the body is sent with the backend's own client to its alias, so both
engines run the same JSON.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from elasticsearch_dsl import A

from search.backends import dsl
from search.backends.base import SearchBackend, SearchQuery
from search.hotspots.scoring import Term

#: A word must occur in at least this many foreground documents.
MIN_DOC_COUNT = 2
COMPOSITE_PAGE = 1000
#: The engines' largest precision_threshold.
CARDINALITY_MAX = 40_000


def significant_terms_body(
    foreground: SearchQuery, background: SearchQuery, size: int
) -> dict[str, Any]:
    s = dsl.filtered_search(foreground)
    s.aggs.bucket(
        "emerging",
        "significant_terms",
        field="words",
        size=size,
        min_doc_count=MIN_DOC_COUNT,
        background_filter=dsl.main_query(background, with_facet_filters=True),
    )
    return dict(s.to_dict())


def complainant_pairs_body(
    query: SearchQuery, field: str, keys: list[str], after: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every distinct (cell, complainant hash) pair of the given cells, one
    page at a time: counting pairs per cell is exact at any size."""
    s = dsl.filtered_search(query).filter("terms", **{field: keys})
    params: dict[str, Any] = {
        "size": COMPOSITE_PAGE,
        "sources": [
            {"cell": {"terms": {"field": field}}},
            {"who": {"terms": {"field": "complainant_hash"}}},
        ],
    }
    if after:
        params["after"] = after
    s.aggs.bucket("pairs", A("composite", **params))
    return dict(s.to_dict())


def send(backend: SearchBackend, body: dict[str, Any]) -> dict[str, Any]:
    """The adapter's own search call, against the alias."""
    return dict(backend._client_search(backend.alias, body))  # type: ignore[attr-defined]


def significant_terms(
    backend: SearchBackend, foreground: SearchQuery, background: SearchQuery, size: int
) -> list[Term]:
    response = send(backend, significant_terms_body(foreground, background, size))
    buckets = response.get("aggregations", {}).get("emerging", {}).get("buckets", [])
    terms = [
        Term(
            term=str(b["key"]),
            count=int(b["doc_count"]),
            background_count=int(b["bg_count"]),
            score=round(float(b["score"]), 4),
        )
        for b in buckets
    ]
    terms.sort(key=lambda t: (-t.score, -t.count, t.term))
    return terms


def exact_distinct_complainants(
    backend: SearchBackend, query: SearchQuery, field: str, keys: list[str]
) -> dict[str, int]:
    if not keys:
        return {}
    counts: dict[str, int] = defaultdict(int)
    after: dict[str, Any] | None = None
    while True:
        response = send(backend, complainant_pairs_body(query, field, keys, after))
        agg = response.get("aggregations", {}).get("pairs", {})
        buckets = agg.get("buckets", [])
        for b in buckets:
            counts[str(b["key"]["cell"])] += 1
        after = agg.get("after_key")
        if not buckets or after is None:
            break
    return {key: counts.get(key, 0) for key in keys}


#: Bytes of heap one bucket's cardinality may take, per hash-table entry,
#: with headroom (HyperLogLog++ keeps a power-of-two table of int hashes
#: below its threshold).
_BYTES_PER_ENTRY = 8
#: Heap one distinct-count request may ask the node for.
DISTINCT_BUDGET_BYTES = 32 * 1024 * 1024


def _cardinality_bytes(threshold: int) -> int:
    entries = 1 << max(4, math.ceil(math.log2(max(threshold, 2) / 0.75)))
    return entries * _BYTES_PER_ENTRY


def distinct_counts_body(
    query: SearchQuery, field: str, keys: list[str], distinct: str, threshold: int
) -> dict[str, Any]:
    s = dsl.filtered_search(query).filter("terms", **{field: keys})
    buckets = s.aggs.bucket("cells", "terms", field=field, size=len(keys))
    buckets.metric("distinct", "cardinality", field=distinct, precision_threshold=threshold)
    return dict(s.to_dict())


def distinct_counts(
    backend: SearchBackend,
    query: SearchQuery,
    field: str,
    counts: dict[str, int],
    distinct: str,
    *,
    budget: int = DISTINCT_BUDGET_BYTES,
) -> dict[str, int]:
    """Distinct values of `distinct` per cell, for cells whose document
    counts are known. Each request's precision_threshold lies above the
    largest cell it asks about, so HyperLogLog++ keeps a set of hashes
    (exact but for hash collisions; the returned cells are recounted with
    `exact_distinct_complainants`), and requests are batched so their hash tables fit a small heap
    budget. One cardinality at the engines' maximum precision per cell
    over thousands of cells asks for gigabytes and trips the node's memory
    breaker."""
    found: dict[str, int] = {}
    batch: list[str] = []
    for key in sorted(counts, key=lambda k: (counts[k], k)):
        threshold = min(counts[key] + 1, CARDINALITY_MAX)
        if batch and (len(batch) + 1) * _cardinality_bytes(threshold) > budget:
            found.update(_distinct_batch(backend, query, field, batch, distinct, counts))
            batch = []
        batch.append(key)
    if batch:
        found.update(_distinct_batch(backend, query, field, batch, distinct, counts))
    return found


def _distinct_batch(
    backend: SearchBackend,
    query: SearchQuery,
    field: str,
    keys: list[str],
    distinct: str,
    counts: dict[str, int],
) -> dict[str, int]:
    threshold = min(max(counts[k] for k in keys) + 1, CARDINALITY_MAX)
    response = send(backend, distinct_counts_body(query, field, keys, distinct, threshold))
    buckets = response.get("aggregations", {}).get("cells", {}).get("buckets", [])
    values = {str(b["key"]): int(b["distinct"]["value"]) for b in buckets}
    return {key: values.get(key, 0) for key in keys}
