"""Where scripts/services.sh keeps PostgreSQL's data. Run as root, initdb and
pg_ctl run as the postgres user, which cannot enter a checkout under a private
directory (a clone in /root, mode 700): the script must then choose a data
directory that user can reach, one per checkout. These tests run the script's
own decision (`services.sh datadir`, `env`, `status`) on copies of it placed in
throwaway checkouts; starting a second set of services here would be too slow."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, require

SCRIPT = ROOT / "scripts" / "services.sh"
AS_ROOT = os.geteuid() == 0


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _checkout(parent: Path, name: str) -> Path:
    """Just enough of a checkout: the script finds its root from its own path."""
    checkout = parent / name
    (checkout / "scripts").mkdir(parents=True)
    shutil.copy2(SCRIPT, checkout / "scripts" / "services.sh")
    return checkout


def _services(
    checkout: Path, *args: str, user: str | None = None, services_dir: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SERVICES_DIR"}
    # status probes these ports; nothing should answer there.
    env.update(PG_PORT="55498", REDIS_PORT="56398", SEARCH_PORT="9288", ES_PROXY_PORT="9289")
    if services_dir is not None:
        env["SERVICES_DIR"] = services_dir
    command = ["bash", str(checkout / "scripts" / "services.sh"), *args]
    if user is not None:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def _datadir(checkout: Path, *, user: str | None = None, services_dir: str | None = None) -> Path:
    result = _services(checkout, "datadir", user=user, services_dir=services_dir)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A directory every user can traverse (pytest's tmp_path is private)."""
    path = Path(tempfile.mkdtemp(prefix="services-open-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def private_dir(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    path.chmod(0o700)
    return path


@pytest.fixture
def as_root() -> None:
    require(AS_ROOT, "root (services.sh runs PostgreSQL as the postgres user only as root)")
    require(_user_exists("postgres"), "the postgres user (Debian package postgresql)")
    require(shutil.which("runuser") is not None, "runuser (util-linux)")


def _postgres_can_use(path: Path) -> bool:
    probe = ["runuser", "-u", "postgres", "--", "test", "-x", str(path), "-a", "-w", str(path)]
    return subprocess.run(probe, capture_output=True).returncode == 0


def test_private_checkouts_get_separate_data_dirs_postgres_can_reach(
    as_root: None, private_dir: Path
) -> None:
    first, second = _checkout(private_dir, "first"), _checkout(private_dir, "second")
    assert not _postgres_can_use(first), "the checkout should be out of the postgres user's reach"

    chosen = [_datadir(first), _datadir(second)]
    assert chosen[0] != chosen[1], "two checkouts must never share a cluster"
    assert _datadir(first) == chosen[0], "the choice must be stable for one checkout"

    try:
        for data in chosen:
            assert private_dir not in data.parents
            # What start does before initdb: create it and hand it to postgres.
            data.mkdir(parents=True)
            shutil.chown(data, "postgres", "postgres")
            data.chmod(0o700)
            assert _postgres_can_use(data), f"postgres cannot use {data}"
    finally:
        for data in chosen:
            shutil.rmtree(data.parent, ignore_errors=True)

    # stop, status and env look in the same place as start.
    env = _services(first, "env")
    assert f"export PGDATA={chosen[0]}" in env.stdout.splitlines(), env.stdout + env.stderr
    status = _services(first, "status")
    assert str(chosen[0]) in status.stdout.splitlines()[0], status.stdout + status.stderr


def test_explicit_unreachable_services_dir_fails_with_advice(
    as_root: None, private_dir: Path
) -> None:
    checkout = _checkout(private_dir, "clone")
    result = _services(checkout, "datadir", services_dir=str(private_dir / "services"))
    assert result.returncode != 0
    assert result.stdout == ""
    assert "SERVICES_DIR" in result.stderr and "postgres user cannot reach" in result.stderr


def test_reachable_checkout_keeps_its_data_inside(open_dir: Path) -> None:
    checkout = _checkout(open_dir, "clone")
    assert _datadir(checkout) == checkout / "var" / "services" / "postgres"


def test_without_root_an_unusable_place_fails_with_advice(open_dir: Path) -> None:
    """Without root nothing can be moved elsewhere: say what to set instead."""
    user = None
    if AS_ROOT:
        require(_user_exists("nobody"), "the nobody user")
        user = "nobody"
    checkout = _checkout(open_dir, "clone")
    (checkout / "var").mkdir()
    (checkout / "var").chmod(0o555)

    result = _services(checkout, "datadir", user=user)
    assert result.returncode != 0
    assert result.stdout == ""
    assert "set SERVICES_DIR" in result.stderr

    writable = open_dir / "writable"
    writable.mkdir()
    if user is not None:
        shutil.chown(writable, user)
    assert _datadir(checkout, user=user, services_dir=str(writable)) == writable / "postgres"
