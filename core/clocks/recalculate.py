"""Provisional deadlines made final once their year's holidays are loaded.

A clock whose window ran into an unloaded year was counted weekends-only
(docs/holidays.md). When an administrator loads that year, the clocks still
running are counted again on the new calendar from their start, length and
the days they have spent paused (paused_days), just as if the year had been
loaded all along. Every deadline that moves is one event of its owner.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType

from core.clocks.calendar import WorkCalendar
from core.clocks.engine import clock_deadline
from core.events import event_write
from core.models import Clock

RECALCULATED = "clock_recalculated"


def clocks_recalculate(*, before: WorkCalendar, after: WorkCalendar) -> int:
    """Recounts every running provisional clock on `after`; runs in the
    caller's transaction and returns the clocks changed. `before` is the
    calendar the clocks were counted on, kept for the callers' symmetry: the
    recount no longer needs it."""
    del before
    owners: dict[int, set[int]] = defaultdict(set)
    pending = Clock.objects.filter(stopped_on__isnull=True, provisional=True)
    for type_id, owner_id in pending.values_list("owner_type_id", "owner_id"):
        owners[type_id].add(owner_id)
    changed = 0
    for type_id, ids in sorted(owners.items()):
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        # Owners first, in id order, as their own services lock them.
        for owner in model._default_manager.select_for_update().filter(pk__in=ids).order_by("pk"):
            clocks = Clock.objects.select_for_update().filter(
                owner_type_id=type_id, owner_id=owner.pk, stopped_on__isnull=True, provisional=True
            )
            for clock in clocks.order_by("pk"):
                deadline = clock_deadline(clock, calendar=after)
                if (deadline.due_on, deadline.provisional) == (clock.due_on, clock.provisional):
                    continue
                old = clock.due_on
                clock.due_on, clock.provisional = deadline.due_on, deadline.provisional
                clock.save(update_fields=["due_on", "provisional"])
                event_write(
                    owner=owner,
                    action=RECALCULATED,
                    data={
                        "clock": clock.kind,
                        "clock_id": clock.pk,
                        "old_due_on": old,
                        "due_on": clock.due_on,
                        "provisional": clock.provisional,
                    },
                )
                changed += 1
    return changed
