"""The index follows the database (issue 5, item 3): an outage loses nothing,
and concurrent updates end with the index equal to the database whatever
order the drains run in."""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from complaints.models import Case
from complaints.services import case_link, case_transition, intake_create
from core.models import OutboxEntry
from core.roles import Role
from search.backends import SearchBackend, get_backend
from search.backends.base import SearchQuery
from search.backends.opensearch import OpenSearchBackend
from search.documents import case_document, case_queryset
from search.sync import SyncError, drain_outbox
from tests.cases.factories import make_intake_data, make_staff, office_for
from tests.conftest import ROOT, require
from tests.search.conftest import ENGINES, engine_backend

NODE_SCRIPT = ROOT / "scripts" / "search-node" / "start.sh"
CACHED_LIB = ROOT / "var" / "services" / "search-node" / "lib"


# --- a search node of this test's own -----------------------------------------
def _free_port() -> int:
    """A free port near the shared node's (the runner derives its other
    ports from this one, and high ephemeral ports leave it no room)."""
    for port in random.Random().sample(range(9260, 9300), 40):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port for a throwaway search node")


class ThrowawayNode:
    """A real OpenSearch node on a free port, started with the project's
    script; stopping it is a real outage."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, "PORT": str(self.port), "HEAP": "384m"}
        done = subprocess.run(
            ["bash", str(NODE_SCRIPT), str(self.base)],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        require(done.returncode == 0, f"a throwaway search node ({done.stderr[-500:]})")

    def stop(self) -> None:
        pid = int((self.base / "node.pid").read_text())
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url, timeout=2):
                return True
        except OSError:
            return False


@pytest.fixture
def node(opensearch_url: str) -> Iterator[ThrowawayNode]:
    base = ROOT / "var" / f"test-node-{settings.SEARCH_INDEX_PREFIX}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    if CACHED_LIB.is_dir():
        # Skip the download: the jars of the shared node are the same.
        (base / "lib").symlink_to(CACHED_LIB)
    node = ThrowawayNode(base)
    node.start()
    try:
        yield node
    finally:
        if node.answers():
            node.stop()
        shutil.rmtree(base, ignore_errors=True)


def _intake(operator: Any, n: int, **extra: Any) -> Case:
    data = make_intake_data(
        description=f"第{n}次反映：假冒白酒，包装粗糙。",
        brand="茅台",
        category="food-liquor",
        problem_type="fake-brand",
        **extra,
    )
    return intake_create(data=data, actor=operator).cases[0]


def _index_equals_database(backend: SearchBackend, ids: list[int]) -> None:
    backend.refresh()
    cases = case_queryset().in_bulk(ids)
    assert backend.versions(ids) == {pk: case.version for pk, case in cases.items()}
    hits = {hit.id: hit.source for hit in backend.scan(SearchQuery())}
    for pk, case in cases.items():
        assert hits[pk] == case_document(case)


@pytest.mark.django_db
def test_outage_loses_nothing_and_the_index_converges(postgres: None, node: ThrowawayNode) -> None:
    backend = OpenSearchBackend(node.url, f"{settings.SEARCH_INDEX_PREFIX}-outage")
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handler = make_staff(Role.CASE_HANDLER, office_for())
    OutboxEntry.objects.all().delete()
    before = [_intake(operator, n) for n in range(3)]
    assert drain_outbox(backend=backend) == 3
    _index_equals_database(backend, [c.pk for c in before])

    node.stop()
    assert not node.answers()
    during = [_intake(operator, n) for n in range(3, 7)]
    case_transition(case_id=before[0].pk, name="accept", actor=handler)
    with pytest.raises(SyncError):
        drain_outbox(backend=backend)
    pending = list(OutboxEntry.objects.all())
    assert len(pending) == 5
    assert all(e.attempts == 1 and e.last_error for e in pending)

    node.start()
    assert drain_outbox(backend=backend) == 5
    assert not OutboxEntry.objects.exists()
    ids = [c.pk for c in before + during]
    _index_equals_database(backend, ids)
    assert backend.count() == len(ids)
    [accepted] = backend.search(SearchQuery(status=("accepted",))).hits
    assert accepted.id == before[0].pk


# --- out of order ------------------------------------------------------------
def _in_threads(work: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(work))

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[SearchBackend]:
    backend = engine_backend(request, request.param, "order")
    backend.drop()
    backend.ensure_index()
    yield backend
    backend.drop()


@pytest.mark.django_db(transaction=True)
def test_concurrent_updates_drained_in_any_order_end_equal_to_the_database(
    transactional_postgres: None, engine: SearchBackend
) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handler = make_staff(Role.CASE_HANDLER, office_for())
    case = _intake(operator, 0)
    others = [_intake(operator, n) for n in range(1, 9)]
    OutboxEntry.objects.all().delete()

    def link(other: Case) -> Callable[[], None]:
        def run() -> None:
            case_link(case_id=case.pk, other_id=other.pk, actor=operator)

        return run

    def drain() -> None:
        for _ in range(4):
            drain_outbox(backend=engine, batch_size=2)

    def accept() -> None:
        case_transition(case_id=case.pk, name="accept", actor=handler)

    work: list[Callable[[], None]] = [link(o) for o in others] + [drain, drain, drain, accept]
    random.Random(len(others)).shuffle(work)
    _in_threads(work)
    drain_outbox(backend=engine)
    case = Case.objects.get(pk=case.pk)
    assert case.version == 1 + len(others) + 1
    _index_equals_database(engine, [case.pk, *(o.pk for o in others)])
    assert engine.search(SearchQuery(status=("accepted",))).total == 1


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(order=st.permutations(range(6)))
def test_versions_written_in_any_order_keep_the_newest(
    postgres: None, opensearch_url: str, order: list[int]
) -> None:
    """The external-version rule itself: six states of one document sent in
    any order leave the newest one indexed."""
    backend = get_backend("opensearch", opensearch_url, f"{settings.SEARCH_INDEX_PREFIX}-perm")
    backend.drop()
    backend.ensure_index()
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    doc = case_document(_intake(operator, 0))
    states = [{**doc, "version": v + 1, "weight": 1.0 / (v + 1)} for v in range(6)]
    for i in order:
        result = backend.index_documents([states[i]])
        assert result.ok + result.conflicts == 1 and not result.errors
    backend.refresh()
    [hit] = list(backend.scan(SearchQuery()))
    assert hit.source == states[-1]
    backend.drop()


@pytest.mark.django_db
def test_the_drain_task_keeps_entries_when_the_engine_is_unreachable(postgres: None) -> None:
    """Run inline after a commit (no broker), a failed drain must not fail
    the write that scheduled it; the entries wait for the next drain."""
    from search.tasks import drain_search_outbox

    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    OutboxEntry.objects.all().delete()
    case = _intake(operator, 0)
    with override_settings(
        SEARCH_ENGINE="opensearch",
        SEARCH_URL="http://127.0.0.1:9",
        SEARCH_INDEX_PREFIX=f"{settings.SEARCH_INDEX_PREFIX}-closed",
    ):
        assert drain_search_outbox.apply().get() == 0
    [entry] = OutboxEntry.objects.all()
    assert (entry.object_id, entry.version, entry.attempts) == (case.pk, case.version, 1)
    assert "ConnectionError" in entry.last_error


@pytest.mark.django_db
def test_a_document_that_cannot_be_built_does_not_hold_up_the_others(
    postgres: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The case document type builds through this module's case_document.
    from search import documents as search_documents

    backend = get_backend("database", "", f"{settings.SEARCH_INDEX_PREFIX}-poison")
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    OutboxEntry.objects.all().delete()
    cases = [_intake(operator, n) for n in range(5)]
    bad = cases[1].pk
    build = search_documents.case_document

    def broken_for_one(case: Case, **kwargs: Any) -> dict[str, Any]:
        if case.pk == bad:
            raise ValueError("this row cannot be indexed")
        return build(case, **kwargs)

    monkeypatch.setattr(search_documents, "case_document", broken_for_one)
    with pytest.raises(SyncError, match="cannot be indexed"):
        drain_outbox(backend=backend, batch_size=2)
    [entry] = OutboxEntry.objects.all()
    assert (entry.object_id, entry.attempts) == (bad, 1)
    assert "cannot be indexed" in entry.last_error
    assert set(backend.versions(c.pk for c in cases)) == {c.pk for c in cases} - {bad}

    monkeypatch.undo()
    assert drain_outbox(backend=backend) == 1
    _index_equals_database(backend, [c.pk for c in cases])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ENGINES)
def test_writes_during_a_reindex_reach_the_new_index(
    request: pytest.FixtureRequest, postgres: None, name: str
) -> None:
    """A write drained while the new index is being built lands in the old
    one; the reconcile pass after the alias swap carries it over."""
    from search.documents import iter_all_case_documents
    from search.sync import reconcile

    backend = engine_backend(request, name, "during")
    backend.drop()
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handler = make_staff(Role.CASE_HANDLER, office_for())
    cases = [_intake(operator, n) for n in range(4)]
    drain_outbox(backend=backend)
    old = backend.ensure_index()

    def documents_with_a_write_midway() -> Iterator[dict[str, Any]]:
        for n, doc in enumerate(iter_all_case_documents()):
            if n == 1:
                case_transition(case_id=cases[-1].pk, name="accept", actor=handler)
                drain_outbox(backend=backend)
            yield doc

    try:
        new, _result = backend.reindex(documents_with_a_write_midway())
        assert new != old and set(backend.indices()) == {new}
        assert reconcile(backend=backend) >= 1
        _index_equals_database(backend, [c.pk for c in Case.objects.all()])
        [hit] = backend.search(SearchQuery(status=("accepted",))).hits
        assert hit.id == cases[-1].pk
    finally:
        backend.drop()
