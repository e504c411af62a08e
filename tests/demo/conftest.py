"""The demo's tests run where the demo runs: on SQLite (scripts/test.sh runs
them in its second pass, with the embedded defaults of scripts/run-demo.sh).
On PostgreSQL they are not collected: that run covers the same pages with
the real services."""

from __future__ import annotations

from django.conf import settings

collect_ignore_glob = (
    [] if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") else ["test_*.py"]
)
