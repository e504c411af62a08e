from __future__ import annotations

import logging

from django.db import transaction

from search.models import OutboxEntry

logger = logging.getLogger(__name__)


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

    try:
        drain_search_outbox.delay()
    except Exception:
        # The write is committed and its entry is pending; the minutely beat
        # drain sends it even when the broker was unreachable just now.
        logger.warning("could not schedule the search outbox drain", exc_info=True)
