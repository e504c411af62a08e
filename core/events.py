"""The one event writer. Every change to a tracked entity (a case, an
inspection, a supervisor's report…) goes through `event_write`, inside the
caller's transaction and with the entity's row locked by the caller. It:

- bumps the entity's version and saves the changed fields with it;
- writes the immutable audit row, numbered with that version;
- writes the outbox row when a search document type claims the entity;
- sends `entity_changed` after the commit, for live pushes.

So the audit trail, the search index and the live pages always agree on one
version number per change."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from core import documents
from core.models import Event
from core.outbox import outbox_enqueue
from core.signals import entity_changed

logger = logging.getLogger(__name__)


def plain(value: Any) -> Any:
    """A value as stored in an event's data: ids for rows, strings for
    decimals and dates, so that the JSON replays without the models."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    return value


def event_write(
    *,
    owner: models.Model,
    action: str,
    actor: Any = None,
    fields: Iterable[str] = (),
    created: bool = False,
    from_status: str = "",
    to_status: str = "",
    reason_code: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> Event:
    """Records `action` on `owner`. `fields` are the owner's fields the
    caller changed (saved here together with the new version); `created`
    means the owner row was inserted in this transaction at its first
    version, so nothing is bumped."""
    model: Any = type(owner)
    if not created:
        owner.version += 1  # type: ignore[attr-defined]
        update = {*fields, "version"}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update.add("updated_at")
        owner.save(update_fields=sorted(update))
    version: int = owner.version  # type: ignore[attr-defined]
    status = getattr(owner, "status", "")
    rule_set = getattr(owner, "rule_set", None)
    event = Event.objects.create(
        owner_type=ContentType.objects.get_for_model(model),
        owner_id=owner.pk,
        version=version,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        # A new row comes from nothing; any other event without a transition
        # leaves the owner where it was.
        from_status=from_status if created else (from_status or status),
        to_status=to_status or status,
        reason_code=reason_code,
        note=note,
        rule_set=getattr(rule_set, "code", ""),
        data=plain(dict(data or {})),
    )
    label = model._meta.label_lower
    if documents.is_registered(label):
        outbox_enqueue(model=label, object_id=owner.pk, version=version)
    transaction.on_commit(partial(_announce, model, owner.pk, version, action), robust=True)
    return event


def _announce(model: type[models.Model], owner_id: int, version: int, action: str) -> None:
    for receiver, result in entity_changed.send_robust(
        sender=model, owner_id=owner_id, version=version, action=action
    ):
        if isinstance(result, Exception):
            # The change is committed; a missed live push only delays a page.
            logger.error("entity_changed receiver %s failed: %s", receiver, result)


def events_of(owner: models.Model) -> models.QuerySet[Event]:
    return Event.objects.filter(
        owner_type=ContentType.objects.get_for_model(type(owner)), owner_id=owner.pk
    )
