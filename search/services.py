from __future__ import annotations

from django.db import transaction

from search.models import OutboxEntry


def search_outbox_enqueue(
    *, model: str, object_id: int, version: int, deleted: bool = False
) -> OutboxEntry:
    """Record that an object changed; call inside the writing transaction.
    Draining is scheduled for after the commit."""
    entry = OutboxEntry.objects.create(
        model=model, object_id=object_id, version=version, deleted=deleted
    )
    transaction.on_commit(_schedule_drain)
    return entry


def _schedule_drain() -> None:
    from search.tasks import drain_search_outbox

    drain_search_outbox.delay()
