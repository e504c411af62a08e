"""`make audit`: the lock file pins every dependency the project declares,
and the audit says so when it cannot run instead of passing in silence."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line.strip())
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(spec) for spec in names]


def test_the_lock_pins_every_declared_dependency_within_its_range() -> None:
    pins = locked()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.lock has {name}=={pins[name]}, outside {requirement.specifier}: "
            "run make lock"
        )


def test_the_image_is_built_within_the_lock() -> None:
    assert "--constraint requirements.lock" in (ROOT / "Dockerfile").read_text()


def test_with_no_database_reachable_the_audit_is_skipped_and_says_so(tmp_path: Path) -> None:
    nowhere = "http://127.0.0.1:9"
    env = dict(os.environ, AUDIT_PYPI_URL=nowhere, AUDIT_OSV_URL=nowhere)
    result = subprocess.run(
        ["scripts/audit.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert "audit skipped: no vulnerability database is reachable" in result.stderr


def report(tmp_path: Path, dependencies: list[dict[str, object]]) -> Path:
    path = tmp_path / "audit.json"
    path.write_text(json.dumps({"dependencies": dependencies, "fixes": []}))
    return path


def run_report(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "scripts/audit_report.py", str(path), "pypi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("dependencies", "code", "says"),
    [
        (
            [
                {
                    "name": "django",
                    "version": "5.2.0",
                    "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.1"]}],
                },
                {"name": "redis", "version": "6.4.0", "vulns": []},
            ],
            1,
            "django 5.2.0: PYSEC-2025-1 (fixed in 5.2.1)",
        ),
        ([{"name": "redis", "version": "6.4.0", "vulns": []}], 0, "1 locked packages audited"),
        (
            [{"name": "redis", "version": "6.4.0", "skip_reason": "Dependency not found"}],
            0,
            "audit skipped: pypi answered for none of the 1 locked packages",
        ),
    ],
)
def test_the_report_fails_on_a_known_vulnerability_only(
    tmp_path: Path, dependencies: list[dict[str, object]], code: int, says: str
) -> None:
    result = run_report(report(tmp_path, dependencies))
    assert result.returncode == code
    assert says in result.stdout + result.stderr
