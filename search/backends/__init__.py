"""One search interface, three engines; SEARCH_ENGINE picks one."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from search.backends.base import SearchBackend


@cache
def _backend(engine: str, url: str, prefix: str) -> SearchBackend:
    if engine == "database":
        from search.backends.database import DatabaseBackend

        return DatabaseBackend(prefix)
    if engine == "elasticsearch":
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url, prefix)
    if engine == "opensearch":
        from search.backends.opensearch import OpenSearchBackend

        return OpenSearchBackend(url, prefix)
    raise ValueError(f"unknown search engine {engine!r}")


def get_backend(
    engine: str | None = None, url: str | None = None, prefix: str | None = None
) -> SearchBackend:
    """The configured engine (SEARCH_ENGINE, SEARCH_URL, SEARCH_INDEX_PREFIX),
    or another one when the arguments say so (tests, status commands)."""
    return _backend(
        engine or settings.SEARCH_ENGINE,
        url if url is not None else settings.SEARCH_URL,
        prefix or settings.SEARCH_INDEX_PREFIX,
    )


def engine_errors() -> tuple[type[BaseException], ...]:
    """Exceptions meaning the engine is unreachable or refused the request:
    callers answer 503 instead of failing."""
    from elastic_transport import TransportError as EsTransportError
    from elasticsearch import ApiError as EsApiError
    from opensearchpy.exceptions import TransportError as OsTransportError

    return (EsTransportError, EsApiError, OsTransportError, ConnectionError)


__all__ = ["SearchBackend", "engine_errors", "get_backend"]
