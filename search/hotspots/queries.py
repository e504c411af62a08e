"""Hotspot bodies only OpenSearch and Elasticsearch run: `significant_terms`
for emerging words and a `composite` recount of distinct complainants.

The filters come from search.backends.dsl (the same bool query every search
uses); the body is sent with the backend's own client to its alias, so both
engines run the same JSON.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from elasticsearch_dsl import A

from search.backends import dsl
from search.backends.base import SearchBackend, SearchQuery
from search.hotspots.scoring import Term

#: A word must occur in at least this many foreground documents.
MIN_DOC_COUNT = 2
COMPOSITE_PAGE = 1000


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
