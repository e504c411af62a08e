"""docker-compose.yml stays true to the settings: every variable it sets is one
the settings read, and every service the settings need is defined."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")


def settings_variables() -> set[str]:
    """Names read from the environment by config/settings.py (and config/*)."""
    names: set[str] = set()
    readers = {"get", "env_bool", "env_int", "env_list", "setdefault"}
    for path in (ROOT / "config").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if (
                    name in readers
                    and isinstance(first, ast.Constant)
                    and isinstance(first.value, str)
                ):
                    names.add(first.value)
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "environ"
            ):
                names.add(str(node.slice.value))
    return names


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_variable_compose_sets_is_read_by_the_settings() -> None:
    read = settings_variables()
    doc = compose()
    for service in APP_SERVICES:
        env = doc["services"][service]["environment"]
        unknown = set(env) - read
        assert not unknown, f"{service} sets variables the settings never read: {unknown}"


def test_compose_has_every_service_the_settings_need() -> None:
    doc = compose()
    services = doc["services"]
    env = services["web"]["environment"]
    assert env["SEARCH_ENGINE"] == "elasticsearch"
    for variable in ("DATABASE_URL", "REDIS_URL", "SEARCH_URL"):
        # Interpolations like ${POSTGRES_PASSWORD:?...} hold colons: drop them first.
        host = urlsplit(re.sub(r"\$\{[^}]*\}", "secret", env[variable])).hostname
        assert host in services, f"{variable} points at {host}, which compose does not define"
        assert "healthcheck" in services[host]
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["elasticsearch"]["image"].split(":")[-1].startswith("8.")
    for service in ("web", "worker", "beat"):
        assert "healthcheck" in services[service]
    assert "beat" in " ".join(services["beat"]["command"])
    assert "worker" in services["worker"]["command"]


def test_compose_puts_no_secret_in_the_file() -> None:
    env = compose()["services"]["web"]["environment"]
    assert env["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert "${POSTGRES_PASSWORD:?" in env["DATABASE_URL"]


def _run_manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SEARCH_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    result = _run_manage(["check"], {"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = _run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 20 + "-long-random-production-secret-" + "y" * 20,
            "DJANGO_ALLOWED_HOSTS": "complaints.example.gov.cn",
            "VAR_DIR": str(ROOT / "var"),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_search_engine_without_its_url_is_a_clear_error() -> None:
    result = _run_manage(["check"], {"DJANGO_DEBUG": "1", "SEARCH_ENGINE": "opensearch"})
    assert result.returncode != 0
    assert "SEARCH_ENGINE=opensearch needs SEARCH_URL" in result.stderr


def test_the_web_server_is_the_one_with_the_request_limits_and_masked_access_log() -> None:
    """config/server.py: daphne's own command would read any body whole and
    write search queries into its access log unmasked."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert compose["services"]["web"]["command"][:3] == ["python", "-m", "config.server"]
    assert '"-m", "config.server"' in (ROOT / "Dockerfile").read_text()
