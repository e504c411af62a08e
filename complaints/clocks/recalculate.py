"""Provisional deadlines made final once their year's holidays are loaded.

A clock whose window ran into an unloaded year was counted weekends-only
(docs/holidays.md). When an administrator loads that year, the clocks still
running are counted again on the new calendar from their start, length and
the days they have spent paused (paused_days), just as if the year had been
loaded all along.
"""

from __future__ import annotations

from complaints.clocks.calendar import WorkCalendar
from complaints.clocks.services import clock_deadline
from complaints.models.cases import CaseClock


def clocks_recalculate(*, before: WorkCalendar, after: WorkCalendar) -> int:
    """Recounts every running provisional clock on `after`; runs in the
    caller's transaction and returns the clocks changed. `before` is the
    calendar the clocks were counted on, kept for the callers' symmetry: the
    recount no longer needs it."""
    del before
    changed = 0
    clocks = CaseClock.objects.select_for_update().filter(stopped_on__isnull=True, provisional=True)
    for clock in clocks.order_by("pk"):
        deadline = clock_deadline(clock, calendar=after)
        if (deadline.due_on, deadline.provisional) != (clock.due_on, clock.provisional):
            clock.due_on, clock.provisional = deadline.due_on, deadline.provisional
            clock.save(update_fields=["due_on", "provisional"])
            changed += 1
    return changed
