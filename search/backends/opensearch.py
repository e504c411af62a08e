from __future__ import annotations

from typing import Any

from opensearchpy import OpenSearch

from search.backends.base import SearchBackend


class OpenSearchBackend(SearchBackend):
    engine = "opensearch"

    def __init__(self, url: str) -> None:
        self.client = OpenSearch(url, timeout=10)

    def health(self) -> dict[str, Any]:
        info = self.client.info()
        status = self.client.cluster.health()["status"]
        return {
            "ok": status in ("green", "yellow"),
            "engine": self.engine,
            "version": info["version"]["number"],
            "cluster_status": status,
        }
