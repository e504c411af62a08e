"""Every mapping and query body for Elasticsearch and OpenSearch, built with
elasticsearch-dsl objects and turned into plain dicts; the engine adapters
only send them."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from elasticsearch_dsl import (
    A,
    Boolean,
    Date,
    Document,
    Double,
    GeoPoint,
    Index,
    Keyword,
    Long,
    MetaField,
    Q,
    Search,
    Text,
)
from elasticsearch_dsl.query import Query

from search.backends.base import (
    FACET_FIELDS,
    FACET_SIZE,
    FILTER_FIELDS,
    CellSpec,
    Cursor,
    SearchQuery,
    local_day_start_ms,
)
from search.textmatch import query_terms

#: Distinct counts and weeks per cell come from a composite aggregation over
#: (cell, value) pairs, paged: exact at any size, its heap and bucket count
#: bounded by the page. A `cardinality` under each cell bucket reserves a
#: hash table per cell and trips the node's request breaker past a few
#: thousand cells; a weeks `terms` under each passes `search.max_buckets`.
PAIRS_PAGE = 5000
#: Cells named in one terms filter of a pairs request, well below the
#: engines' `index.max_terms_count` (65536).
PAIRS_KEYS = 10_000
BUCKET_ORDER = [{"_count": "desc"}, {"_key": "asc"}]
HIGHLIGHT_TAGS = {"pre_tags": ["<mark>"], "post_tags": ["</mark>"]}


class CaseDoc(Document):
    """The mapping of search.documents.case_document."""

    id = Long()
    kind = Keyword()
    source = Keyword()
    status = Keyword()
    tracking_code = Keyword()
    received_at = Date()
    week = Keyword()
    region_province = Keyword()
    region_city = Keyword()
    region_county = Keyword()
    region_codes = Keyword()
    category = Keyword()
    category_path = Keyword()
    brand = Text(analyzer="cjk", fields={"keyword": Keyword()})
    brand_key = Keyword()
    seller_key = Keyword()
    seller_name = Text(analyzer="cjk", fields={"keyword": Keyword()})
    problem_type = Keyword()
    counterfeit = Boolean()
    complainant_hash = Keyword()
    weight = Double()
    location = GeoPoint()
    text = Text(analyzer="cjk")
    words = Keyword()
    cell_county_category_brand = Keyword()
    cell_county_category_seller = Keyword()
    cell_city_category_brand = Keyword()
    cell_city_category_seller = Keyword()
    cell_province_category_brand = Keyword()
    cell_province_category_seller = Keyword()
    cell_county_category = Keyword()
    cell_city_category = Keyword()
    version = Long()

    class Meta:
        dynamic = MetaField("strict")


def document_mapping(document: type[Document], name: str) -> dict[str, Any]:
    """Settings and mappings of an index holding `document`s: what a search
    document type registers as its mapping. One shard: terms counts are then
    exact, and the data fits one shard comfortably."""
    index = Index(name)
    index.settings(number_of_shards=1, number_of_replicas=0)
    index.document(document)
    return dict(index.to_dict())


def case_mapping() -> dict[str, Any]:
    """The mapping of the case index (search.documents.CASE_DOCUMENT)."""
    return document_mapping(CaseDoc, "cases")


Mapping = Callable[[], dict[str, Any]]


def mapping_digest(mapping: Mapping | None = None) -> str:
    """Changes whenever the mapping or the index settings change (of the case
    index unless another type's mapping is given)."""
    body = (mapping or case_mapping)()
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def index_body(alias: str | None = None, mapping: Mapping | None = None) -> dict[str, Any]:
    """settings + mappings (+ the alias) of a new versioned index, of the
    case index unless another type's mapping is given. The mapping's digest
    rides along in `_meta`, so that an index built before a mapping change
    can be told apart (search_status)."""
    body = dict((mapping or case_mapping)())
    if alias:
        body["aliases"] = {alias: {"is_write_index": True}}
    body["mappings"] = {**body["mappings"], "_meta": {"mapping_digest": mapping_digest(mapping)}}
    return body


def _text_query(text: str) -> list[Query]:
    # One phrase per whitespace-separated term: the cjk bigrams of the term in
    # order, i.e. the term as a contiguous substring, as the database matches.
    return [Q("match_phrase", text=term) for term in query_terms(text)]


def _filter_query(name: str, values: tuple[str, ...]) -> Query:
    return Q("terms", **{FILTER_FIELDS[name]: list(values)})


def base_filters(query: SearchQuery) -> list[Query]:
    """Filters that every facet honours: dates, the counterfeit flag and the
    user's scope."""
    filters: list[Query] = []
    date_range: dict[str, int] = {}
    if query.received_from:
        date_range["gte"] = local_day_start_ms(query.received_from)
    if query.received_to:
        date_range["lt"] = local_day_start_ms(query.received_to + dt.timedelta(days=1))
    if date_range:
        filters.append(Q("range", received_at={**date_range, "format": "epoch_millis"}))
    if query.counterfeit is not None:
        filters.append(Q("term", counterfeit=query.counterfeit))
    if query.scope_region:
        filters.append(Q("term", region_codes=query.scope_region))
    return filters


def main_query(query: SearchQuery, *, with_facet_filters: bool) -> Query:
    must = _text_query(query.text)
    filters = base_filters(query)
    if with_facet_filters:
        filters += [_filter_query(name, values) for name, values in query.filters().items()]
    return Q("bool", must=must, filter=filters) if (must or filters) else Q("match_all")


def search_body(query: SearchQuery) -> dict[str, Any]:
    """One page: full text + filters, facet filters as post_filter, each
    facet's aggregation filtered by every facet filter but its own."""
    s = Search().query(main_query(query, with_facet_filters=False))
    facet_filters = {name: _filter_query(name, values) for name, values in query.filters().items()}
    if facet_filters:
        s = s.post_filter(Q("bool", filter=list(facet_filters.values())))
    if query.facets:
        for facet, field in FACET_FIELDS.items():
            others = [q for name, q in facet_filters.items() if name != facet]
            agg = A("filter", Q("bool", filter=others) if others else Q("match_all"))
            agg.bucket("values", "terms", field=field, size=FACET_SIZE, order=BUCKET_ORDER)
            s.aggs.bucket(facet, agg)
    if query.highlight and query_terms(query.text):
        s = s.highlight_options(encoder="html", **HIGHLIGHT_TAGS).highlight(
            "text", fragment_size=80, number_of_fragments=3
        )
    s = s.sort({"received_at": {"order": "desc"}}, {"id": {"order": "desc"}})
    extra: dict[str, Any] = {"size": query.size + 1, "track_total_hits": True}
    if query.search_after:
        cursor = Cursor.decode(query.search_after)
        extra["search_after"] = [cursor.received_ms, cursor.id]
    return dict(s.extra(**extra).to_dict())


def filtered_search(query: SearchQuery) -> Search:
    """No hits, every filter applied as a query (for aggregations)."""
    return Search().query(main_query(query, with_facet_filters=True)).extra(size=0)


def cells_body(spec: CellSpec) -> dict[str, Any]:
    """The top cells by count with their weight sums: one bucket per cell.
    Distinct counts and weeks come from `cell_pairs_body`."""
    s = filtered_search(spec.query)
    cells = s.aggs.bucket("cells", "terms", field=spec.field, size=spec.size, order=BUCKET_ORDER)
    cells.metric("weight", "sum", field="weight")
    return dict(s.to_dict())


def cell_pairs_body(
    spec: CellSpec, keys: list[str], field: str, after: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One page of the (cell, `field` value) pairs among the given cells,
    with their document counts: the pairs per cell are its exact distinct
    values, and with field="week" its weekly counts. Documents missing
    either field form no pair."""
    s = filtered_search(spec.query).filter("terms", **{spec.field: keys})
    params: dict[str, Any] = {
        "size": PAIRS_PAGE,
        "sources": [
            {"cell": {"terms": {"field": spec.field}}},
            {"value": {"terms": {"field": field}}},
        ],
    }
    if after:
        params["after"] = after
    s.aggs.bucket("pairs", A("composite", **params))
    return dict(s.to_dict())


def terms_body(field: str, query: SearchQuery, size: int) -> dict[str, Any]:
    s = filtered_search(query)
    s.aggs.bucket("values", "terms", field=field, size=size, order=BUCKET_ORDER)
    return dict(s.to_dict())


def alias_swap_actions(alias: str, old: list[str], new: str) -> list[dict[str, Any]]:
    """One atomic update_aliases call: the alias never names zero indices."""
    actions: list[dict[str, Any]] = [
        {"remove": {"index": index, "alias": alias}} for index in old if index != new
    ]
    actions.append({"add": {"index": new, "alias": alias, "is_write_index": True}})
    return actions
