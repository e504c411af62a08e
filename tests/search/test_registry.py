"""The sync goes through the registry of search document types
(core.documents): an entry of a model no type claims stays with its error
and holds up nobody, and a type registered later is drained, reconciled,
rebuilt and reported without any change to the sync."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from elasticsearch_dsl import Document, Keyword, Long, MetaField

from complaints.models import Case
from complaints.services import intake_create
from core import documents
from core.documents import DocumentType
from core.models import Event, OutboxEntry
from core.roles import Role
from search.backends import SearchBackend
from search.backends.dsl import document_mapping, mapping_digest
from search.documents import CASE_DOCUMENT
from search.sync import SyncError, drain_outbox, rebuild_index, reconcile
from tests.cases.factories import make_intake_data, make_staff
from tests.search.conftest import ENGINES, engine_backend

STRAY = "nowhere.thing"
STRAY_ERROR = "no search document type for 'nowhere.thing'"
STRAY_MATCH = re.escape(STRAY_ERROR)


class EventDoc(Document):
    """A deliberately small document over an existing model: what a new type
    (a supervisor's report, a spot-check result) brings along."""

    id = Long()
    version = Long()
    owner_id = Long()
    action = Keyword()

    class Meta:
        dynamic = MetaField("strict")


def build_event_documents(ids: list[int]) -> tuple[list[dict[str, Any]], dict[int, str]]:
    events = Event.objects.in_bulk(ids)
    docs = [
        {"id": e.pk, "version": e.version, "owner_id": e.owner_id, "action": e.action}
        for e in events.values()
    ]
    return docs, {}


def event_mapping() -> dict[str, Any]:
    return document_mapping(EventDoc, "events")


EVENT_DOCUMENT = DocumentType(
    model="core.event", index="events", build=build_event_documents, mapping=event_mapping
)


@pytest.fixture
def event_type() -> Iterator[DocumentType]:
    """The event type registered for one test only."""
    before = documents.registered()
    documents.register(EVENT_DOCUMENT)
    try:
        yield EVENT_DOCUMENT
    finally:
        documents.unregister(EVENT_DOCUMENT.model)
    assert documents.registered() == before


def _engine(request: pytest.FixtureRequest, name: str) -> Iterator[SearchBackend]:
    backend = engine_backend(request, name, "registry")
    views = [backend, backend.for_type(EVENT_DOCUMENT)]
    for view in views:
        view.drop()
    yield backend
    for view in views:
        view.drop()


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> Iterator[SearchBackend]:
    yield from _engine(request, request.param)


# The database engine keeps documents in a table whose columns are the
# case's; a type of another shape needs an engine with mappings.
@pytest.fixture(params=["opensearch", "elasticsearch"])
def mapped_engine(request: pytest.FixtureRequest) -> Iterator[SearchBackend]:
    yield from _engine(request, request.param)


def _cases(n: int) -> list[Case]:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    return [
        intake_create(
            data=make_intake_data(description=f"第{i}批次酸奶胀包"), actor=operator
        ).cases[0]
        for i in range(n)
    ]


def _indexed(backend: SearchBackend, rows: dict[int, int]) -> None:
    """The index holds exactly these (id, version) pairs among `rows`."""
    backend.refresh()
    assert backend.versions(rows) == rows


def test_registering_and_unregistering_a_type_leaves_the_registry_as_it_was() -> None:
    before = documents.registered()
    assert documents.get("complaints.case") is CASE_DOCUMENT
    assert documents.for_index("cases") is CASE_DOCUMENT
    documents.register(EVENT_DOCUMENT)
    try:
        assert documents.is_registered("core.event")
        assert documents.for_index("events") is EVENT_DOCUMENT
        # The same type again is harmless; a rival for its model or index is not.
        assert documents.register(EVENT_DOCUMENT) is EVENT_DOCUMENT
        with pytest.raises(ValueError, match="already registered"):
            documents.register(replace(EVENT_DOCUMENT, index="events-2"))
        with pytest.raises(ValueError, match=r"already holds the documents of 'complaints\.case'"):
            documents.register(replace(EVENT_DOCUMENT, model="core.clock", index="cases"))
        assert not documents.is_registered("core.clock")
    finally:
        assert documents.unregister("core.event") is EVENT_DOCUMENT
    assert documents.registered() == before
    assert documents.unregister("core.event") is None


@pytest.mark.django_db
def test_an_entry_without_a_document_type_stays_while_the_cases_beside_it_drain(
    postgres: None, engine: SearchBackend
) -> None:
    OutboxEntry.objects.all().delete()
    # Older than the cases' entries: it comes first in the first batch.
    stray = OutboxEntry.objects.create(model=STRAY, object_id=1, version=1)
    cases = _cases(3)
    with pytest.raises(SyncError, match=STRAY_MATCH):
        drain_outbox(backend=engine, batch_size=2)
    [left] = OutboxEntry.objects.all()
    assert (left.pk, left.attempts, left.last_error) == (stray.pk, 1, STRAY_ERROR)
    _indexed(engine, {c.pk: c.version for c in cases})

    # Having failed, it goes behind a fresh entry: one batch of one takes the
    # new case and leaves the stray entry untouched.
    [fresh] = _cases(1)
    assert drain_outbox(backend=engine, batch_size=1, max_batches=1) == 1
    assert OutboxEntry.objects.get().attempts == 1
    _indexed(engine, {fresh.pk: fresh.version})
    with pytest.raises(SyncError, match=STRAY_MATCH):
        drain_outbox(backend=engine)
    assert OutboxEntry.objects.get().attempts == 2
    assert not documents.is_registered(STRAY)


@pytest.mark.django_db
def test_a_type_registered_later_is_drained_reconciled_and_rebuilt_in_its_own_index(
    postgres: None, mapped_engine: SearchBackend, event_type: DocumentType
) -> None:
    engine = mapped_engine
    OutboxEntry.objects.all().delete()
    cases = _cases(2)
    events = list(Event.objects.filter(owner_id__in=[c.pk for c in cases], action="registered"))
    assert len(events) == 2
    for event in events:
        OutboxEntry.objects.create(model="core.event", object_id=event.pk, version=event.version)

    assert drain_outbox(backend=engine) == 4
    assert not OutboxEntry.objects.exists()
    view = engine.for_type(event_type)
    assert view.alias == f"{engine.prefix}-events"
    _indexed(view, {e.pk: e.version for e in events})
    assert view.count() == 2
    _indexed(engine, {c.pk: c.version for c in cases})
    assert engine.count() == 2
    # Each index was created with its own type's mapping.
    assert view.mapping_current() and engine.mapping_current()
    assert mapping_digest(event_mapping) != mapping_digest()

    everything = dict(Event.objects.values_list("pk", "version"))
    assert reconcile(backend=engine, doc_type=event_type) == len(everything) - 2
    _indexed(view, everything)

    case_index = engine.ensure_index()
    old = view.ensure_index()
    new, result, fixed = rebuild_index(backend=engine, doc_type=event_type)
    assert new != old and set(view.indices()) == {new}
    assert (result.ok, result.failed, fixed) == (len(everything), 0, 0)
    assert engine.ensure_index() == case_index

    # search_reindex rebuilds every registered type, this one included.
    url = getattr(engine, "url", "")
    with override_settings(
        SEARCH_ENGINE=engine.engine, SEARCH_URL=url, SEARCH_INDEX_PREFIX=engine.prefix
    ):
        out = io.StringIO()
        call_command("search_reindex", "--no-progress", stdout=out)
    text = out.getvalue()
    assert f"{engine.alias} -> " in text and f"{view.alias} -> " in text
    assert f"{len(everything)} indexed" in text
    assert engine.ensure_index() != case_index and view.ensure_index() != new


@pytest.mark.django_db
def test_status_reports_the_backlog_per_model_and_the_stuck_entries(
    postgres: None, engine: SearchBackend, event_type: DocumentType
) -> None:
    OutboxEntry.objects.all().delete()
    _cases(2)
    OutboxEntry.objects.create(
        model=STRAY, object_id=7, version=1, attempts=4, last_error=STRAY_ERROR
    )
    url = getattr(engine, "url", "")
    with override_settings(
        SEARCH_ENGINE=engine.engine, SEARCH_URL=url, SEARCH_INDEX_PREFIX=engine.prefix
    ):
        out = io.StringIO()
        call_command("search_status", "--verify", stdout=out)
    text = out.getvalue()
    events = Event.objects.count()
    assert "outbox: 3 pending" in text
    assert "outbox complaints.case: 2 pending" in text and "max attempts 0\n" in text
    assert f"outbox {STRAY}: 1 pending" in text
    assert f"max attempts 4, stuck: {STRAY_ERROR}" in text
    assert f"stuck: 1 entries of models with no search document type ({STRAY})" in text
    assert f"database: {Case.objects.count()} cases (complaints.case)" in text
    assert f"database: {events} events (core.event)" in text
    view = engine.for_type(event_type)
    assert f"index {view.ensure_index()}: 0 documents ({-events:+d} vs database)" in text
    assert f"verify: {Case.objects.count()} cases missing or stale" in text
    assert f"verify: {events} events missing or stale" in text
