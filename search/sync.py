"""Keeping the search index equal to the database (the database is the truth).

Every case write enqueues an OutboxEntry in its own transaction
(search.services.search_outbox_enqueue). `drain_outbox` sends the current
state of the changed cases with the case version as the external version, so
a drain that runs late or twice can never put an older state over a newer
one. When the engine is down the entries stay, with their attempts and last
error, until a later drain (the Celery retry or the minutely beat) succeeds.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

from complaints.models import Case
from core.models import OutboxEntry
from search.backends import SearchBackend, get_backend
from search.backends.base import BulkResult
from search.documents import (
    build_case_documents,
    case_documents,
    case_queryset,
    iter_all_case_documents,
)

logger = logging.getLogger(__name__)

CASE_MODEL = "complaints.case"
DRAIN_BATCH = 500


class SyncError(Exception):
    """The engine refused or could not be reached; entries stay pending."""


@dataclass
class DrainStats:
    indexed: int = 0
    deleted: int = 0
    conflicts: int = 0
    entries: int = 0
    first_error: str | None = None


def _drain_batch(
    backend: SearchBackend, batch_size: int, stats: DrainStats, skip: set[int]
) -> bool:
    """Drain one batch; False when nothing was pending. Entries that fail get
    attempts + 1 and their error, and go to `skip`; an engine that cannot be
    reached raises SyncError (after recording it on the entries)."""
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
        by_object: dict[tuple[str, int], list[OutboxEntry]] = {}
        for entry in entries:
            by_object.setdefault((entry.model, entry.object_id), []).append(entry)
        case_ids = [pk for (model, pk) in by_object if model == CASE_MODEL]
        docs, failed = build_case_documents(case_ids)
        built = {int(d["id"]) for d in docs} | set(failed)
        gone = [
            (pk, max(e.version for e in by_object[(CASE_MODEL, pk)]))
            for pk in case_ids
            if pk not in built
        ]
        try:
            backend.ensure_index()
            result = backend.index_documents(docs) if docs else BulkResult()
            removed = backend.delete_documents(gone) if gone else BulkResult()
        except Exception as exc:  # any transport or engine error: keep the entries
            engine_error = f"{type(exc).__name__}: {exc}"[:1000]
            failed = {pk: engine_error for (_model, pk) in by_object}
        else:
            for key, message in {**result.errors, **removed.errors}.items():
                failed[int(key)] = message
            stats.indexed += result.ok
            stats.deleted += removed.ok
            stats.conflicts += result.conflicts + removed.conflicts
        kept = [e for e in entries if e.model == CASE_MODEL and e.object_id in failed]
        kept_pks = {e.pk for e in kept}
        OutboxEntry.objects.filter(pk__in=[e.pk for e in entries if e.pk not in kept_pks]).delete()
        stats.entries += len(entries) - len(kept)
        for message in set(failed.values()):
            OutboxEntry.objects.filter(
                pk__in=[e.pk for e in kept if failed[e.object_id] == message]
            ).update(attempts=F("attempts") + 1, last_error=message)
        skip |= kept_pks
        if kept and stats.first_error is None:
            stats.first_error = engine_error or failed[kept[0].object_id]
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


def reconcile(
    *, backend: SearchBackend | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Re-send every case whose indexed version differs from the database
    (missing included); return how many documents were fixed. Runs after a reindex to pick up writes
    that reached the old index while the new one was being built."""
    backend = backend or get_backend()
    fixed = 0
    rows = Case.objects.order_by("pk").values_list("pk", "version").iterator(chunk_size=2000)
    for chunk in _chunks(rows, 1000):
        indexed = backend.versions(pk for pk, _v in chunk)
        stale = [pk for pk, version in chunk if indexed.get(pk) != version]
        if stale:
            result = backend.index_documents(case_documents(case_queryset().filter(pk__in=stale)))
            if result.errors:
                raise SyncError(next(iter(result.errors.values())))
            fixed += len(stale)
        if progress is not None:
            progress(len(chunk))
    return fixed


def rebuild_index(
    *, backend: SearchBackend | None = None, progress: Callable[[int], None] | None = None
) -> tuple[str, BulkResult, int]:
    """A new versioned index from every case, the alias swapped to it, then a
    reconcile pass; returns (index name, bulk result, documents fixed)."""
    backend = backend or get_backend()
    index, result = backend.reindex(iter_all_case_documents(), progress)
    backend.refresh()
    fixed = reconcile(backend=backend)
    return index, result, fixed


def pending_outbox() -> int:
    return OutboxEntry.objects.count()
