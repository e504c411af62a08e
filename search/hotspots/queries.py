"""The hotspot body only OpenSearch and Elasticsearch run: `significant_terms`
for emerging words.

The filters come from search.backends.dsl (the same bool query every search
uses); the body is sent with the backend's own client to its alias, so both
engines run the same JSON.
"""

from __future__ import annotations

from typing import Any

from search.backends import dsl
from search.backends.base import SearchBackend, SearchQuery
from search.hotspots.scoring import Term

#: A word must occur in at least this many foreground documents.
MIN_DOC_COUNT = 2


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


def send(backend: SearchBackend, body: dict[str, Any]) -> dict[str, Any]:
    """The adapter's own search call, against the alias (and the signal
    indices the backend reads beside it)."""
    return dict(backend.raw_search(body))  # type: ignore[attr-defined]


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
