"""Shared fixtures. Tests run against the real services that `make test`
starts (scripts/services.sh). A test that needs a missing service skips on a
developer's machine and fails in CI (CI=true), so a green CI always means the
real thing was exercised."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, what: str) -> None:
    """Skip locally, fail in CI, when a real service is not there."""
    if condition:
        return
    message = f"{what} is not available (make test starts it: scripts/services.sh start)"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _plain_static_storage(settings: Any) -> None:
    """Production settings hash static names from a collectstatic manifest;
    tests render templates without running collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_api_throttle(settings: Any) -> None:
    """Tests make many requests as one user within a minute, and concurrent
    runs share Redis, where the throttles count: the throttle tests turn
    them on with rates of their own."""
    settings.API_THROTTLE_RATES = {"anon": None, "user": None}


@pytest.fixture
def postgres(db: Any) -> None:
    from django.db import connection

    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests end with a flush that empties every table. Roles,
    content types and permissions come back by themselves (post_migrate);
    the reference data the migrations loaded is loaded again here, before
    the test. (Serialized rollback is not used: its reload collides with
    the rows post_migrate has already recreated.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    if not transactional:
        return
    request.getfixturevalue("_django_db_helper")
    from django.apps import apps

    from core.models import Region
    from core.reference_loader import load_all

    if not Region.objects.exists():
        load_all(apps)


@pytest.fixture
def transactional_postgres(transactional_db: Any) -> None:
    """Committed transactions on PostgreSQL (for threads, worker processes
    and on_commit side effects)."""
    from django.db import connection

    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture(scope="session")
def redis_url() -> str:
    require(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        require(False, f"Redis at {settings.REDIS_URL} ({exc})")
    return str(settings.REDIS_URL)


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    url = os.environ.get("OPENSEARCH_URL") or (
        settings.SEARCH_URL if settings.SEARCH_ENGINE == "opensearch" else ""
    )
    require(bool(url), "the OpenSearch node (SEARCH_URL)")
    _require_http(url, "the OpenSearch node")
    return url


@pytest.fixture(scope="session")
def elasticsearch_compat_url() -> str:
    url = os.environ.get("ELASTICSEARCH_COMPAT_URL", "")
    require(bool(url), "the Elasticsearch-compatible endpoint (ELASTICSEARCH_COMPAT_URL)")
    _require_http(url, "the Elasticsearch-compatible endpoint")
    return url


def _require_http(url: str, what: str) -> None:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=3):
            pass
    except OSError as exc:
        require(False, f"{what} at {url} ({exc})")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium") or ""
    require(bool(path), "Chromium (Debian package chromium)")
    return path


#: Headless Chromium on a closed network: no background connections to fail.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def browser(chromium_path: str) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (it cannot download its own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def celery_worker(transactional_postgres: None, redis_url: str) -> Iterator[str]:
    """A real Celery worker process on a queue of its own, reading the test
    database. Use with data committed by the test (transactional_db)."""
    from django.db import connection

    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT']}/"
            f"{connection.settings_dict['NAME']}"
        ),
        CELERY_QUEUE=queue,
        CELERY_TASK_ALWAYS_EAGER="0",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "-c",
            "2",
            "--pool",
            "threads",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        from config.celery import app

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            replies = app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5)
            if replies:
                break
            if proc.poll() is not None:
                pytest.fail(f"celery worker exited with {proc.returncode}")
        else:
            pytest.fail("celery worker did not answer within 30 s")
        with settings_override(CELERY_TASK_DEFAULT_QUEUE=queue):
            yield queue
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


class settings_override:
    """Points the Celery app at a queue and makes it send, not run eagerly."""

    def __init__(self, **values: Any) -> None:
        self.values = values
        self.saved: dict[str, Any] = {}

    def __enter__(self) -> None:
        from config.celery import app

        self.saved = {
            "task_default_queue": app.conf.task_default_queue,
            "task_always_eager": app.conf.task_always_eager,
        }
        app.conf.task_default_queue = self.values["CELERY_TASK_DEFAULT_QUEUE"]
        app.conf.task_always_eager = False

    def __exit__(self, *exc: object) -> None:
        from config.celery import app

        for key, value in self.saved.items():
            setattr(app.conf, key, value)


def pytest_report_header(config: pytest.Config) -> list[str]:
    """The versions of the real services this run talks to."""
    lines = []
    db_url = os.environ.get("DATABASE_URL", "")
    lines.append(f"database: {db_url.split('@')[-1] if db_url else 'SQLite (embedded)'}")
    lines.append(f"services: {_service_versions()}")
    return lines


def _service_versions() -> str:
    import json
    import urllib.request

    parts = []
    try:
        import psycopg

        url = os.environ.get("DATABASE_URL", "")
        if url.startswith(("postgres://", "postgresql://")):
            with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3) as conn:
                row = conn.execute("SHOW server_version").fetchone()
                parts.append(f"PostgreSQL {row[0] if row else '?'}")
    except Exception as exc:
        parts.append(f"PostgreSQL unreachable ({type(exc).__name__})")
    try:
        import redis

        url = os.environ.get("REDIS_URL", "")
        if url:
            info: dict[str, Any] = redis.Redis.from_url(url).info("server")  # type: ignore[assignment]
            parts.append(f"Redis {info['redis_version']}")
    except Exception as exc:
        parts.append(f"Redis unreachable ({type(exc).__name__})")
    url = os.environ.get("SEARCH_URL", "")
    if url:
        try:
            with urllib.request.urlopen(url, timeout=3) as resp:
                info = json.load(resp)["version"]
            parts.append(f"{info.get('distribution', 'elasticsearch')} {info['number']}")
        except Exception as exc:
            parts.append(f"search node unreachable ({type(exc).__name__})")
    return ", ".join(parts) or "none (embedded defaults)"
