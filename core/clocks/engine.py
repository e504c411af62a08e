"""The clock engine: start, pause, resume, stop and extend the legal clocks of
any owner, under the rule set the owner is pinned to.

An owner is any model instance with a `rule_set_id`; what a clock of a kind
lasts, in which unit, whether inspection time is excluded and which clock an
extension continues are ClockRule rows of that rule set. The functions run
inside the caller's transaction (the caller holds the owner's row lock) and
write nothing but Clock rows; the caller records the change as one event.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.clocks.calendar import Deadline, WorkCalendar, add_days
from core.models import Clock, ClockRule


class Op(enum.StrEnum):
    START = "start"
    STOP = "stop"
    PAUSE = "pause"
    RESUME = "resume"
    # Testing and appraisal time: every clock whose rule excludes it.
    PAUSE_FOR_INSPECTION = "pause_for_inspection"
    RESUME_AFTER_INSPECTION = "resume_after_inspection"
    STOP_ALL = "stop_all"


@dataclass(frozen=True)
class ClockEffect:
    op: Op
    kind: str | None = None

    def describe(self) -> str:
        return f"{self.op.value} {self.kind}" if self.kind else self.op.value


def owner_clocks(owner: models.Model) -> models.QuerySet[Clock]:
    return Clock.objects.filter(
        owner_type=ContentType.objects.get_for_model(type(owner)), owner_id=owner.pk
    )


def clocks_apply(
    *,
    owner: models.Model,
    effects: Iterable[ClockEffect],
    on: dt.date,
    calendar: WorkCalendar | None = None,
) -> list[Clock]:
    """Applies clock effects in order on local date `on`; returns the clocks
    started, stopped, paused or resumed."""
    effects = tuple(effects)
    if not effects:
        return []
    cal = calendar if calendar is not None else WorkCalendar.load()
    touched: list[Clock] = []
    for effect in effects:
        touched += _apply(owner=owner, effect=effect, on=on, calendar=cal)
    return touched


def _apply(*, owner: Any, effect: ClockEffect, on: dt.date, calendar: WorkCalendar) -> list[Clock]:
    op, kind = effect.op, effect.kind
    if op is Op.START:
        assert kind is not None
        started = clock_start(owner=owner, kind=kind, on=on, calendar=calendar)
        return [started] if started is not None else []
    running = list(owner_clocks(owner).filter(stopped_on__isnull=True))
    if op in (Op.PAUSE_FOR_INSPECTION, Op.RESUME_AFTER_INSPECTION):
        excluded = _inspection_kinds(owner)
        targets = [c for c in running if c.kind in excluded]
    elif op is Op.STOP_ALL:
        targets = running
    else:
        targets = [c for c in running if c.kind == kind]
    changed: list[Clock] = []
    for clock in targets:
        if op in (Op.PAUSE, Op.PAUSE_FOR_INSPECTION):
            done = clock_pause(clock=clock, on=on)
        elif op in (Op.RESUME, Op.RESUME_AFTER_INSPECTION):
            done = clock_resume(clock=clock, on=on, calendar=calendar)
        else:
            done = clock_stop(clock=clock, on=on, calendar=calendar)
        if done:
            changed.append(clock)
    return changed


def _inspection_kinds(owner: Any) -> set[str]:
    return set(
        ClockRule.objects.filter(
            rule_set_id=owner.rule_set_id, pauses_for_inspection=True
        ).values_list("kind", flat=True)
    )


def clock_rule(*, owner: Any, kind: str) -> ClockRule | None:
    return ClockRule.objects.filter(rule_set_id=owner.rule_set_id, kind=kind).first()


def clock_start(
    *, owner: Any, kind: str, on: dt.date, calendar: WorkCalendar | None = None
) -> Clock | None:
    """Starts clock `kind` from `on` under the owner's pinned rule set; None
    when that rule set has no such clock."""
    rule = clock_rule(owner=owner, kind=kind)
    if rule is None:
        return None
    cal = calendar if calendar is not None else WorkCalendar.load()
    # A clock of the same kind still running (e.g. data imported half-way)
    # ends here: only one may run per kind.
    for stale in owner_clocks(owner).filter(kind=kind, stopped_on__isnull=True):
        clock_stop(clock=stale, on=on, calendar=cal)
    deadline = add_days(start=on, amount=rule.amount, unit=rule.unit, calendar=cal)
    return Clock.objects.create(
        owner_type=ContentType.objects.get_for_model(type(owner)),
        owner_id=owner.pk,
        kind=kind,
        unit=rule.unit,
        amount=rule.amount,
        started_on=on,
        due_on=deadline.due_on,
        provisional=deadline.provisional,
    )


def extension_kind(*, owner: Any, kind: str) -> str | None:
    """The clock that extends running clock `kind` under the owner's rule set."""
    return (
        ClockRule.objects.filter(rule_set_id=owner.rule_set_id, extends=kind)
        .values_list("kind", flat=True)
        .first()
    )


def clock_extend(
    *, owner: Any, kind: str, on: dt.date, calendar: WorkCalendar | None = None
) -> Clock | None:
    """Grants the approved extension of running clock `kind` on date `on`: the
    base clock ends as met and the extension clock counts its own length from
    the base clock's due date, staying paused if the base clock was. None when
    there is nothing to extend (no running clock, no extension rule, or
    already extended)."""
    ext = extension_kind(owner=owner, kind=kind)
    if ext is None:
        return None
    clocks = owner_clocks(owner)
    base = clocks.filter(kind=kind, stopped_on__isnull=True).first()
    rule = clock_rule(owner=owner, kind=ext)
    if base is None or rule is None or clocks.filter(kind=ext).exists():
        return None
    cal = calendar if calendar is not None else WorkCalendar.load()
    was_paused = base.paused_on is not None
    clock_stop(clock=base, on=on, calendar=cal)
    deadline = add_days(start=base.due_on, amount=rule.amount, unit=rule.unit, calendar=cal)
    return Clock.objects.create(
        owner_type_id=base.owner_type_id,
        owner_id=base.owner_id,
        kind=ext,
        unit=rule.unit,
        amount=rule.amount,
        started_on=base.due_on,
        due_on=deadline.due_on,
        paused_on=on if was_paused else None,
        provisional=base.provisional or deadline.provisional,
    )


def clock_pause(*, clock: Clock, on: dt.date) -> bool:
    if clock.stopped_on is not None or clock.paused_on is not None:
        return False
    clock.paused_on = on
    clock.save(update_fields=["paused_on"])
    return True


def clock_resume(*, clock: Clock, on: dt.date, calendar: WorkCalendar | None = None) -> bool:
    """Adds the paused span (paused_on, on], counted in the clock's own unit,
    to paused_days and derives the due date afresh, so that the clock does
    not run while paused."""
    if clock.paused_on is None:
        return False
    cal = calendar if calendar is not None else WorkCalendar.load()
    paused = cal.units_between(clock.paused_on, on, clock.unit)
    fields = ["paused_on"]
    if paused:
        clock.paused_days += paused
        deadline = clock_deadline(clock, calendar=cal)
        # An extension inherits the provisional start of its base clock, which
        # its own window cannot see; only a recount on a new calendar clears it.
        clock.provisional = clock.provisional or deadline.provisional
        clock.due_on = deadline.due_on
        fields += ["paused_days", "due_on", "provisional"]
    clock.paused_on = None
    clock.save(update_fields=fields)
    return True


def clock_deadline(clock: Clock, *, calendar: WorkCalendar) -> Deadline:
    """The clock's due date from first principles: its length plus the days
    it spent paused, counted from its start. Extending the current due date
    instead would apply 民法典第二百零三条 at every pause: a calendar-day
    period whose end was moved off a rest day would then be extended from the
    moved day, or lose the move, depending on the pauses."""
    return add_days(
        start=clock.started_on,
        amount=clock.amount + clock.paused_days,
        unit=clock.unit,
        calendar=calendar,
    )


def clock_stop(*, clock: Clock, on: dt.date, calendar: WorkCalendar | None = None) -> bool:
    if clock.stopped_on is not None:
        return False
    if clock.paused_on is not None:
        clock_resume(clock=clock, on=on, calendar=calendar)
    clock.stopped_on = on
    clock.save(update_fields=["stopped_on"])
    return True


#: The states clock_state() returns; lists show due_soon and overdue.
RUNNING, PAUSED, DUE_SOON, OVERDUE, MET, MET_LATE = (
    "running",
    "paused",
    "due_soon",
    "overdue",
    "met",
    "met_late",
)


def clock_state(clock: Clock, *, today: dt.date, calendar: WorkCalendar | None = None) -> str:
    """One of running, paused, due_soon, overdue, met, met_late. Due soon is
    at CLOCK_REMINDER_FRACTION of the clock's length, counted in its unit."""
    if clock.stopped_on is not None:
        return MET if clock.stopped_on <= clock.due_on else MET_LATE
    if clock.paused_on is not None:
        return OVERDUE if clock.paused_on > clock.due_on else PAUSED
    if today > clock.due_on:
        return OVERDUE
    if clock_elapsed_fraction(clock, today=today, calendar=calendar) >= reminder_fraction():
        return DUE_SOON
    return RUNNING


def clock_elapsed_fraction(
    clock: Clock, *, today: dt.date, calendar: WorkCalendar | None = None
) -> float:
    cal = calendar if calendar is not None else WorkCalendar.load()
    total = cal.units_between(clock.started_on, clock.due_on, clock.unit)
    if total <= 0:
        return 1.0
    return cal.units_between(clock.started_on, today, clock.unit) / total


def reminder_fraction() -> float:
    return float(settings.CLOCK_REMINDER_FRACTION)


def clock_summary(clock: Clock) -> dict[str, Any]:
    """A clock as recorded in event data."""
    return {
        "clock": clock.kind,
        "clock_id": clock.pk,
        "started_on": clock.started_on.isoformat(),
        "due_on": clock.due_on.isoformat(),
        "provisional": clock.provisional,
    }
