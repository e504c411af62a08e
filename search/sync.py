"""Keeping the search indices equal to the database (the database is the truth).

Every write of a model with a search document type (core.documents) enqueues
an OutboxEntry in its own transaction (core.events.event_write).
`drain_outbox` groups the entries by model, has each model's document type
build the current documents and sends them to that type's index, with the
row version as the external version, so a drain that runs late or twice can
never put an older state over a newer one. When the engine is down the
entries stay, with their attempts and last error, until a later drain (the
Celery retry or the minutely beat) succeeds; an entry of a model no type
claims stays too, with its error, behind the fresh ones.

Nothing here names a model: a new kind of document is one more registered
type (search.documents.register_document_types).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Min

from core import documents
from core.documents import DocumentType
from core.models import OutboxEntry
from search.backends import SearchBackend, get_backend
from search.backends.base import BulkResult

logger = logging.getLogger(__name__)

DRAIN_BATCH = 500


def no_type_error(model: str) -> str:
    """The error kept on the outbox entries of a model no type claims."""
    return f"no search document type for {model!r}"


class SyncError(Exception):
    """The engine refused or could not be reached; entries stay pending."""


@dataclass
class DrainStats:
    indexed: int = 0
    deleted: int = 0
    conflicts: int = 0
    entries: int = 0
    first_error: str | None = None


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:1000]


def _send(
    backend: SearchBackend,
    doc_type: DocumentType,
    objects: dict[int, list[OutboxEntry]],
    stats: DrainStats,
) -> dict[int, str]:
    """Build and send the documents of one model's changed rows; return the
    error of each row that stays pending. A builder that fails as a whole
    fails its rows only; an engine error is raised."""
    ids = list(objects)
    try:
        docs, failed = doc_type.build(ids)
    except Exception as exc:  # a broken builder must not hold up other types
        logger.exception("search documents of %s failed", doc_type.model)
        return dict.fromkeys(ids, _error(exc))
    built = {int(d["id"]) for d in docs} | set(failed)
    gone = [(pk, max(e.version for e in objects[pk])) for pk in ids if pk not in built]
    backend.ensure_index()
    result = backend.index_documents(docs) if docs else BulkResult()
    removed = backend.delete_documents(gone) if gone else BulkResult()
    for key, message in {**result.errors, **removed.errors}.items():
        failed[int(key)] = message
    stats.indexed += result.ok
    stats.deleted += removed.ok
    stats.conflicts += result.conflicts + removed.conflicts
    return failed


def _drain_batch(
    backend: SearchBackend, batch_size: int, stats: DrainStats, skip: set[int]
) -> bool:
    """Drain one batch; False when nothing was pending. Entries that fail get
    attempts + 1 and their error, and go to `skip`; when the engine could be
    reached for none of the batch's types, SyncError is raised (after
    recording it on the entries)."""
    engine_error: str | None = None
    with transaction.atomic():
        entries = list(
            OutboxEntry.objects.select_for_update(skip_locked=True)
            .exclude(pk__in=skip)
            # Entries that keep failing go behind fresh ones.
            .order_by("attempts", "id")[:batch_size]
        )
        if not entries:
            return False
        by_model: dict[str, dict[int, list[OutboxEntry]]] = {}
        for entry in entries:
            by_model.setdefault(entry.model, {}).setdefault(entry.object_id, []).append(entry)
        failed: dict[tuple[str, int], str] = {}
        reached = 0
        for model, objects in by_model.items():
            doc_type = documents.get(model)
            if doc_type is None:
                errors = dict.fromkeys(objects, no_type_error(model))
            else:
                try:
                    # A savepoint: on the database engine a type whose index
                    # fails must not abort the batch's transaction.
                    with transaction.atomic():
                        errors = _send(backend.for_type(doc_type), doc_type, objects, stats)
                except Exception as exc:  # any transport or engine error: keep the entries
                    errors = dict.fromkeys(objects, _error(exc))
                    engine_error = engine_error or errors[next(iter(objects))]
                else:
                    reached += 1
            failed.update({(model, pk): message for pk, message in errors.items()})
        if reached:
            # One type's index refusing is that type's problem: the batch
            # went through, the next one may too.
            engine_error = None
        kept = [e for e in entries if (e.model, e.object_id) in failed]
        kept_pks = {e.pk for e in kept}
        OutboxEntry.objects.filter(pk__in=[e.pk for e in entries if e.pk not in kept_pks]).delete()
        stats.entries += len(entries) - len(kept)
        for message in set(failed.values()):
            OutboxEntry.objects.filter(
                pk__in=[e.pk for e in kept if failed[(e.model, e.object_id)] == message]
            ).update(attempts=F("attempts") + 1, last_error=message)
        skip |= kept_pks
        if kept and stats.first_error is None:
            stats.first_error = engine_error or failed[(kept[0].model, kept[0].object_id)]
    if engine_error is not None:
        raise SyncError(engine_error)
    return True


def drain_outbox(
    *, backend: SearchBackend | None = None, batch_size: int = DRAIN_BATCH, max_batches: int = 100
) -> int:
    """Send pending changes in bulk; return how many entries were drained.
    Concurrent drains skip each other's locked entries. Raises SyncError when
    anything stayed pending (the engine down, or documents it refused)."""
    backend = backend or get_backend()
    stats = DrainStats()
    skip: set[int] = set()
    try:
        for _ in range(max_batches):
            if not _drain_batch(backend, batch_size, stats, skip):
                break
    finally:
        if stats.entries:
            logger.info(
                "search outbox: %s entries, %s indexed, %s deleted, %s already newer",
                stats.entries,
                stats.indexed,
                stats.deleted,
                stats.conflicts,
            )
    if stats.first_error is not None:
        raise SyncError(stats.first_error)
    return stats.entries


def _chunks(iterator: Iterator[Any], size: int) -> Iterator[list[Any]]:
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _reconcile_type(
    backend: SearchBackend, doc_type: DocumentType, progress: Callable[[int], None] | None
) -> int:
    fixed = 0
    backend.ensure_index()
    rows = doc_type.rows().order_by("pk").values_list("pk", "version").iterator(chunk_size=2000)
    for chunk in _chunks(rows, 1000):
        indexed = backend.versions(pk for pk, _v in chunk)
        stale = [pk for pk, version in chunk if indexed.get(pk) != version]
        if stale:
            docs, failed = doc_type.build(stale)
            if failed:
                raise SyncError(next(iter(failed.values())))
            result = backend.index_documents(docs)
            if result.errors:
                raise SyncError(next(iter(result.errors.values())))
            fixed += len(stale)
        if progress is not None:
            progress(len(chunk))
    return fixed


def reconcile(
    *,
    backend: SearchBackend | None = None,
    progress: Callable[[int], None] | None = None,
    doc_type: DocumentType | None = None,
) -> int:
    """Re-send every row whose indexed version differs from the database
    (missing included), for `doc_type` or every registered type; return how
    many documents were fixed. Runs after a reindex to pick up writes that
    reached the old index while the new one was being built."""
    backend = backend or get_backend()
    types = [doc_type] if doc_type is not None else list(documents.registered())
    return sum(_reconcile_type(backend.for_type(t), t, progress) for t in types)


def _all_documents(doc_type: DocumentType, errors: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Every document of a type for a full reindex; rows whose document
    cannot be built land in `errors`."""
    if doc_type.iter_all is not None:
        yield from doc_type.iter_all()
        return
    ids = doc_type.rows().order_by("pk").values_list("pk", flat=True).iterator(chunk_size=2000)
    for chunk in _chunks(ids, 1000):
        docs, failed = doc_type.build(chunk)
        errors.update({str(pk): message for pk, message in failed.items()})
        yield from docs


def rebuild_index(
    *,
    backend: SearchBackend | None = None,
    progress: Callable[[int], None] | None = None,
    doc_type: DocumentType | None = None,
) -> tuple[str, BulkResult, int]:
    """A new versioned index of `doc_type` (by default the type whose index
    `backend` names: the case index for the configured engine) from every
    row, the alias swapped to it, then a reconcile pass; returns (index
    name, bulk result, documents fixed)."""
    backend = backend or get_backend()
    doc_type = doc_type or documents.for_index(backend.index_suffix)
    if doc_type is None:
        raise SyncError(f"no search document type for the index {backend.alias!r}")
    view = backend.for_type(doc_type)
    errors: dict[str, str] = {}
    index, result = view.reindex(_all_documents(doc_type, errors), progress)
    result.errors.update(errors)
    view.refresh()
    fixed = reconcile(backend=view, doc_type=doc_type)
    return index, result, fixed


def pending_outbox() -> int:
    return OutboxEntry.objects.count()


@dataclass(frozen=True)
class Backlog:
    """The pending outbox entries of one model. `doc_type` None: no type
    claims the model, so its entries are stuck until one is registered."""

    model: str
    doc_type: DocumentType | None
    pending: int
    oldest: dt.datetime
    max_attempts: int


def outbox_backlog() -> list[Backlog]:
    """Pending entries per model, by model label."""
    rows = (
        OutboxEntry.objects.values("model")
        .annotate(pending=Count("id"), oldest=Min("created_at"), attempts=Max("attempts"))
        .order_by("model")
    )
    return [
        Backlog(
            model=row["model"],
            doc_type=documents.get(row["model"]),
            pending=row["pending"],
            oldest=row["oldest"],
            max_attempts=row["attempts"],
        )
        for row in rows
    ]
