"""Writing to the outbox. Every change of an entity that has a search
document type is recorded here in the writing transaction; the search app
drains the entries after the commit (and every minute, for the ones a
broker outage left behind)."""

from __future__ import annotations

import logging

from django.db import transaction

from core.models import OutboxEntry
from core.signals import outbox_pending

logger = logging.getLogger(__name__)


def outbox_enqueue(
    *, model: str, object_id: int, version: int, deleted: bool = False
) -> OutboxEntry:
    """Records that object `model`#`object_id` is now at `version`; call it
    inside the writing transaction."""
    entry = OutboxEntry.objects.create(
        model=model, object_id=object_id, version=version, deleted=deleted
    )
    transaction.on_commit(_announce)
    return entry


def _announce() -> None:
    for receiver, result in outbox_pending.send_robust(sender=OutboxEntry):
        if isinstance(result, Exception):
            # The entry is committed and pending: the periodic drain sends it.
            logger.warning("outbox receiver %s failed: %s", receiver, result)
