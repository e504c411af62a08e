"""Fixtures for the search tests: one seeded set of cases per module, and
each engine with an index of its own over them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings

from core.models import OutboxEntry
from search.backends import SearchBackend, get_backend
from tests.conftest import require
from tests.search.seed import delete_cases, documents, seed_cases

ENGINES = ("opensearch", "elasticsearch", "database")
#: Databases the database engine supports: PostgreSQL in production, SQLite
#: in the demo (scripts/run-demo.sh).
ANY_DATABASE = ("postgresql", "sqlite")


def engine_backend(
    request: pytest.FixtureRequest,
    name: str,
    label: str,
    *,
    vendors: tuple[str, ...] = ("postgresql",),
) -> SearchBackend:
    """The engine `name` with an index prefix of its own (the OpenSearch node
    and the Elasticsearch-compatible proxy share one cluster). The database
    engine runs on the `vendors` given: PostgreSQL unless a suite says it
    also holds on SQLite, the database of `make run`."""
    if name == "opensearch":
        url = request.getfixturevalue("opensearch_url")
    elif name == "elasticsearch":
        url = request.getfixturevalue("elasticsearch_compat_url")
    else:
        from django.db import connection

        url = ""
        require(connection.vendor in vendors, "PostgreSQL (DATABASE_URL)")
    return get_backend(name, url, prefix=f"{settings.SEARCH_INDEX_PREFIX}-{label}-{name}")


def engine_holding(
    request: pytest.FixtureRequest, label: str, docs: list[dict[str, Any]], db_blocker: Any
) -> Iterator[SearchBackend]:
    """Module-scoped engines: request.param's engine with an index of its own
    holding `docs`, dropped after the module."""
    with db_blocker.unblock():
        engine = engine_backend(request, request.param, label)
        engine.drop()
        engine.ensure_index()
        result = engine.index_documents(docs)
        assert result.failed == 0, result.errors
        engine.refresh()
    yield engine
    with db_blocker.unblock():
        engine.drop()


@pytest.fixture(scope="module")
def seeded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[list[int]]:
    """Cases committed once for the whole module, removed afterwards."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    with django_db_blocker.unblock():
        first_user = (users.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        ids = seed_cases()
    yield ids
    with django_db_blocker.unblock():
        OutboxEntry.objects.filter(object_id__in=ids).delete()
        delete_cases(ids)
        users.filter(pk__gte=first_user).delete()


@pytest.fixture(scope="module")
def seeded_docs(seeded: list[int], django_db_blocker: Any) -> list[dict[str, Any]]:
    with django_db_blocker.unblock():
        return documents(seeded)
