"""Provisional deadlines made final once their year's holidays are loaded.

A clock whose window ran into an unloaded year was counted weekends-only
(docs/holidays.md). When an administrator loads that year, the clocks still
running are counted again on the new calendar, keeping the pauses they had.
"""

from __future__ import annotations

import datetime as dt

from complaints.clocks.calendar import ONE_DAY, WorkCalendar, add_days
from complaints.models.cases import CaseClock
from complaints.models.rules import DayUnit


def clocks_recalculate(*, before: WorkCalendar, after: WorkCalendar) -> int:
    """Recounts every running provisional clock from `before` onto `after`;
    runs in the caller's transaction and returns the clocks changed."""
    changed = 0
    clocks = CaseClock.objects.select_for_update().filter(stopped_on__isnull=True, provisional=True)
    for clock in clocks.order_by("pk"):
        due = _recount(clock, before=before, after=after)
        provisional = not after.window_is_known(clock.started_on, due)
        if (due, provisional) != (clock.due_on, clock.provisional):
            clock.due_on, clock.provisional = due, provisional
            clock.save(update_fields=["due_on", "provisional"])
            changed += 1
    return changed


def _recount(clock: CaseClock, *, before: WorkCalendar, after: WorkCalendar) -> dt.date:
    if clock.unit == DayUnit.WORKING:
        # Under the old calendar the due date is the (length + paused)-th
        # working day after the start; keep that count, move it onto the new one.
        total = before.working_days_between(clock.started_on, clock.due_on)
        return add_days(
            start=clock.started_on, amount=total, unit=clock.unit, calendar=after
        ).due_on
    # Calendar days do not change; only where art. 203 moves the end does.
    floor = clock.started_on + dt.timedelta(days=clock.amount)
    end = clock.due_on
    while end - ONE_DAY >= floor and not before.is_workday(end - ONE_DAY):
        end -= ONE_DAY
    return after.next_workday(end)
