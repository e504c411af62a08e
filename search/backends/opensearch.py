"""OpenSearch 2 through opensearch-py; bodies from search.backends.dsl."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from opensearchpy import NotFoundError, OpenSearch, RequestError, helpers

from search.backends.remote import BULK_CHUNK, DslBackend


class OpenSearchBackend(DslBackend):
    not_found = NotFoundError
    bad_request = RequestError
    engine = "opensearch"

    def __init__(self, url: str, prefix: str) -> None:
        super().__init__(url, prefix)
        self.client = OpenSearch(url, timeout=10, max_retries=0)

    def _client_info(self) -> dict[str, Any]:
        return dict(self.client.info())

    def _client_health(self) -> str:
        return str(self.client.cluster.health()["status"])

    def _client_create_index(self, name: str, body: dict[str, Any]) -> None:
        self.client.indices.create(index=name, body=body)

    def _client_delete_index(self, name: str) -> None:
        self.client.indices.delete(index=name, ignore_unavailable=True)

    def _client_alias_indices(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def _client_update_aliases(self, actions: list[dict[str, Any]]) -> None:
        self.client.indices.update_aliases(body={"actions": actions})

    def _client_list_indices(self, pattern: str) -> dict[str, int]:
        rows = self.client.cat.indices(index=pattern, format="json", h="index,docs.count")
        return {row["index"]: int(row["docs.count"] or 0) for row in rows}

    def _client_mapping_meta(self, index: str) -> dict[str, Any]:
        found = dict(self.client.indices.get_mapping(index=index))
        return {name: body["mappings"].get("_meta", {}) for name, body in found.items()}

    def _client_refresh(self, index: str) -> None:
        self.client.indices.refresh(index=index)

    def _client_count(self, index: str) -> int:
        return int(self.client.count(index=index)["count"])

    def _client_search(self, index: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self.client.search(index=index, body=body))

    def _client_mget_versions(self, index: str, ids: list[str]) -> dict[str, int]:
        response = self.client.mget(index=index, body={"ids": ids}, _source=False)
        return {d["_id"]: int(d["_version"]) for d in response["docs"] if d.get("found")}

    def _client_bulk(
        self, actions: Iterable[dict[str, Any]]
    ) -> Iterator[tuple[bool, dict[str, Any]]]:
        yield from helpers.streaming_bulk(
            self.client, actions, chunk_size=BULK_CHUNK, raise_on_error=False
        )
