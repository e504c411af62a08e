from __future__ import annotations

from typing import Any

from django.db import connection

from search.backends.base import SearchBackend


class DatabaseBackend(SearchBackend):
    """Searches the database itself; PostgreSQL full text where available."""

    engine = "database"

    def health(self) -> dict[str, Any]:
        return {"ok": True, "engine": self.engine, "vendor": connection.vendor}
