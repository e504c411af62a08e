"""The engine-independent half of the Elasticsearch and OpenSearch backends:
bodies come from search.backends.dsl, each subclass only sends them with its
own client."""

from __future__ import annotations

import itertools
from abc import abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from search.backends import dsl
from search.backends.base import (
    FACET_FIELDS,
    BulkResult,
    CellBucket,
    CellSpec,
    Cursor,
    FacetBucket,
    Hit,
    ProgressCallback,
    SearchBackend,
    SearchPage,
    SearchQuery,
)

BULK_CHUNK = 500


def _doc_action(index: str, doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "_op_type": "index",
        "_index": index,
        "_id": str(doc["id"]),
        "version": int(doc["version"]),
        "version_type": "external",
        "_source": doc,
    }


def _delete_action(index: str, pk: int, version: int) -> dict[str, Any]:
    return {
        "_op_type": "delete",
        "_index": index,
        "_id": str(pk),
        "version": int(version),
        "version_type": "external",
    }


class DslBackend(SearchBackend):
    """Elasticsearch-API engine. Subclasses implement the `_client_*` calls."""

    #: the client's "index not found" and "bad request" exceptions
    not_found: type[Exception]
    bad_request: type[Exception]

    def __init__(self, url: str, prefix: str) -> None:
        self.url = url
        self.prefix = prefix

    # --- what each client does differently ---------------------------------
    @abstractmethod
    def _client_info(self) -> dict[str, Any]: ...

    @abstractmethod
    def _client_health(self) -> str: ...

    @abstractmethod
    def _client_create_index(self, name: str, body: dict[str, Any]) -> None: ...

    @abstractmethod
    def _client_delete_index(self, name: str) -> None: ...

    @abstractmethod
    def _client_alias_indices(self) -> list[str]:
        """The indices the alias names; [] when there is no alias."""

    @abstractmethod
    def _client_update_aliases(self, actions: list[dict[str, Any]]) -> None: ...

    @abstractmethod
    def _client_list_indices(self, pattern: str) -> dict[str, int]: ...

    @abstractmethod
    def _client_mapping_meta(self, index: str) -> dict[str, Any]:
        """The `_meta` of each index behind `index`, by index name."""

    @abstractmethod
    def _client_refresh(self, index: str) -> None: ...

    @abstractmethod
    def _client_count(self, index: str) -> int: ...

    @abstractmethod
    def _client_search(self, index: str, body: dict[str, Any]) -> dict[str, Any]: ...

    @abstractmethod
    def _client_mget_versions(self, index: str, ids: list[str]) -> dict[str, int]: ...

    @abstractmethod
    def _client_bulk(
        self, actions: Iterable[dict[str, Any]]
    ) -> Iterator[tuple[bool, dict[str, Any]]]: ...

    # --- the interface ------------------------------------------------------
    def health(self) -> dict[str, Any]:
        info = self._client_info()
        status = self._client_health()
        return {
            "ok": status in ("green", "yellow"),
            "engine": self.engine,
            "version": info["version"]["number"],
            "distribution": info["version"].get("distribution", "elasticsearch"),
            "cluster_status": status,
        }

    def ensure_index(self) -> str:
        current = self._client_alias_indices()
        if current:
            return current[0]
        # A fixed name for the first index: two drains starting at once both
        # try to create it and one is told it already exists, instead of
        # leaving the alias over two indices.
        name = f"{self.alias}-{'0' * 20}"
        try:
            self._client_create_index(name, dsl.index_body(self.alias, self.mapping))
        except self.bad_request as exc:
            if "resource_already_exists_exception" not in str(exc):
                raise
        return name

    def mapping_current(self) -> bool:
        metas = self._client_mapping_meta(self.ensure_index())
        digest = dsl.mapping_digest(self.mapping)
        return all(meta.get("mapping_digest") == digest for meta in metas.values())

    def raw_search(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send any search body (built with elasticsearch-dsl) to the alias:
        for aggregations the interface does not cover, such as
        significant_terms. Not available on the database engine."""
        return self._search(body)

    def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        target = ",".join(self.read_aliases)
        try:
            return self._client_search(target, body)
        except self.not_found:
            # Nothing was ever indexed here: answer from an empty index, and
            # leave out the signal indices nothing was written to yet.
            self.ensure_index()
            views: list[Any] = [self.for_type(t) for t in self.read_types]
            present = [self.alias] + [v.alias for v in views if v._client_alias_indices()]
            return self._client_search(",".join(present), body)

    def index_documents(
        self, docs: Iterable[dict[str, Any]], *, index: str | None = None
    ) -> BulkResult:
        target = index or self.alias
        return self._run_bulk(_doc_action(target, doc) for doc in docs)

    def delete_documents(self, items: Iterable[tuple[int, int]]) -> BulkResult:
        return self._run_bulk(_delete_action(self.alias, pk, v) for pk, v in items)

    def _run_bulk(
        self, actions: Iterable[dict[str, Any]], progress: ProgressCallback | None = None
    ) -> BulkResult:
        result = BulkResult()
        for ok, item in self._client_bulk(actions):
            op, info = next(iter(item.items()))
            if ok:
                result.ok += 1
            elif info.get("status") == 409:
                result.conflicts += 1
            elif op == "delete" and info.get("status") == 404:
                result.ok += 1
            else:
                result.errors[str(info.get("_id"))] = str(info.get("error"))[:500]
            if progress is not None:
                progress(1)
        return result

    def refresh(self) -> None:
        self._client_refresh(self.alias)

    def count(self, index: str | None = None) -> int:
        return self._client_count(index or self.alias)

    def indices(self) -> dict[str, int]:
        return self._client_list_indices(f"{self.alias}-*")

    def versions(self, ids: Iterable[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        iterator = iter(ids)
        while batch := [str(pk) for pk in itertools.islice(iterator, 1000)]:
            found.update(
                {int(k): v for k, v in self._client_mget_versions(self.alias, batch).items()}
            )
        return found

    def search(self, query: SearchQuery) -> SearchPage:
        response = self._search(dsl.search_body(query))
        raw_hits = response["hits"]["hits"]
        more = len(raw_hits) > query.size
        hits = [
            Hit(id=int(h["_source"]["id"]), source=h["_source"], highlight=h.get("highlight", {}))
            for h in raw_hits[: query.size]
        ]
        facets: dict[str, list[FacetBucket]] = {}
        for facet in FACET_FIELDS if query.facets else ():
            buckets = response["aggregations"][facet]["values"]["buckets"]
            facets[facet] = [FacetBucket(str(b["key"]), int(b["doc_count"])) for b in buckets]
        next_cursor = None
        if more and hits:
            last = raw_hits[query.size - 1]["sort"]
            next_cursor = Cursor(int(last[0]), int(last[1])).encode()
        return SearchPage(
            total=int(response["hits"]["total"]["value"]),
            hits=hits,
            facets=facets,
            next_cursor=next_cursor,
        )

    def aggregate_cells(self, spec: CellSpec) -> list[CellBucket]:
        # The top cells first (one terms bucket per cell, cheap), then what
        # needs a bucket per cell and value only for those cells, paged, so
        # no request grows with the number of cells (see dsl.PAIRS_PAGE).
        response = self._search(dsl.cells_body(spec))
        buckets = response["aggregations"]["cells"]["buckets"]
        keys = [str(b["key"]) for b in buckets]
        distinct = {name: self._cell_pairs(spec, keys, name) for name in spec.distinct}
        weeks = self._cell_pairs(spec, keys, "week") if spec.weeks else {}
        return [
            CellBucket(
                key=key,
                count=int(bucket["doc_count"]),
                weight=round(float(bucket["weight"]["value"] or 0.0), 6),
                distinct={name: len(distinct[name].get(key, {})) for name in spec.distinct},
                weeks=dict(sorted(weeks.get(key, {}).items())),
            )
            for key, bucket in zip(keys, buckets, strict=True)
        ]

    def _cell_pairs(self, spec: CellSpec, keys: list[str], field: str) -> dict[str, dict[str, int]]:
        """cell -> value of `field` -> documents, for the given cells."""
        pairs: dict[str, dict[str, int]] = defaultdict(dict)
        for start in range(0, len(keys), dsl.PAIRS_KEYS):
            chunk = keys[start : start + dsl.PAIRS_KEYS]
            after: dict[str, Any] | None = None
            while True:
                body = dsl.cell_pairs_body(spec, chunk, field, after)
                page = self._search(body)["aggregations"]["pairs"]
                for b in page["buckets"]:
                    pairs[str(b["key"]["cell"])][str(b["key"]["value"])] = int(b["doc_count"])
                after = page.get("after_key")
                if after is None or len(page["buckets"]) < dsl.PAIRS_PAGE:
                    break
        return pairs

    def terms(self, field: str, query: SearchQuery, size: int = 50) -> list[FacetBucket]:
        response = self._search(dsl.terms_body(field, query, size))
        return [
            FacetBucket(str(b["key"]), int(b["doc_count"]))
            for b in response["aggregations"]["values"]["buckets"]
        ]

    def drop(self) -> None:
        for name in self.indices():
            self._client_delete_index(name)

    def _write_to_new_index(
        self, docs: Iterable[dict[str, Any]], progress: ProgressCallback | None
    ) -> tuple[str, BulkResult]:
        name = self.new_index_name()
        self._client_create_index(name, dsl.index_body(mapping=self.mapping))
        result = self._run_bulk((_doc_action(name, doc) for doc in docs), progress)
        self._client_refresh(name)
        return name, result

    def _swap_alias(self, index: str) -> None:
        old = self._client_alias_indices()
        self._client_update_aliases(dsl.alias_swap_actions(self.alias, old, index))
        for name in old:
            if name != index:
                self._client_delete_index(name)
