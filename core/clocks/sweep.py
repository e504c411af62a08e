"""The periodic clock sweep over clocks of every owner: a reminder once a
running clock passes the due-soon threshold and an escalation once it is
overdue, each at most once per clock. A clock paused after its deadline had
passed is overdue too, and escalates. Each mark is one event of the owner,
written in the transaction that marks the clock; the e-mail goes out after
commit."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core.clocks.calendar import WorkCalendar
from core.clocks.engine import clock_elapsed_fraction, clock_summary, reminder_fraction
from core.clocks.notifications import ESCALATION, REMINDER, clock_recipient
from core.events import event_write
from core.models import Clock


def clock_sweep_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Reminds and escalates every clock that has crossed a threshold;
    idempotent, so overlapping or repeated runs send each message once."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    threshold = reminder_fraction()
    running = Q(paused_on__isnull=True) | Q(paused_on__gt=F("due_on"))
    candidates = (
        Clock.objects.filter(stopped_on__isnull=True, started_on__lt=today)
        .filter(running)
        .filter(Q(reminded_at__isnull=True) | Q(escalated_at__isnull=True, due_on__lt=today))
    )
    counts = {"reminded": 0, "escalated": 0}
    for clock in candidates.only("id", "started_on", "due_on", "unit", "reminded_at", "paused_on"):
        overdue = _overdue(clock, today)
        if clock.reminded_at is None and (
            overdue or clock_elapsed_fraction(clock, today=today, calendar=calendar) >= threshold
        ):
            counts["reminded"] += clock_mark(
                clock_id=clock.pk, action=REMINDER, today=today, calendar=calendar
            )
        if overdue:
            counts["escalated"] += clock_mark(
                clock_id=clock.pk, action=ESCALATION, today=today, calendar=calendar
            )
    return counts


def _overdue(clock: Clock, today: dt.date) -> bool:
    if clock.paused_on is not None:
        return clock.paused_on > clock.due_on
    return today > clock.due_on


def clock_paused_overdue() -> Any:
    """Clocks paused after their deadline had already passed: they do not run,
    but the office must still hear that the deadline was missed."""
    return Clock.objects.filter(
        stopped_on__isnull=True, paused_on__isnull=False, paused_on__gt=F("due_on")
    )


def clock_mark(
    *, clock_id: int, action: str, today: dt.date, calendar: WorkCalendar | None = None
) -> int:
    """Records one reminder or escalation of a clock and schedules its e-mail;
    returns 1 when recorded, 0 when another run got there first or the clock
    no longer qualifies."""
    field = "reminded_at" if action == REMINDER else "escalated_at"
    with transaction.atomic():
        head = Clock.objects.filter(pk=clock_id).select_related("owner_type").first()
        if head is None:
            return 0
        owner_model = head.owner_type.model_class()
        if owner_model is None:
            return 0
        # Owner row first, as the owners' services do, so the two never deadlock.
        owner = owner_model._default_manager.select_for_update().filter(pk=head.owner_id).first()
        clock = Clock.objects.select_for_update().filter(pk=clock_id).first()
        if owner is None or clock is None or clock.stopped_on is not None:
            return 0
        if clock.paused_on is not None and not clock.paused_on > clock.due_on:
            return 0
        if getattr(clock, field) is not None:
            return 0
        overdue = _overdue(clock, today)
        if action == ESCALATION and not overdue:
            return 0
        if action == REMINDER and not overdue:
            fraction = clock_elapsed_fraction(clock, today=today, calendar=calendar)
            if fraction < reminder_fraction():
                return 0
        recipient = clock_recipient(clock, owner=owner, action=action)
        setattr(clock, field, timezone.now())
        clock.save(update_fields=[field])
        event_write(
            owner=owner,
            action=action,
            data={**clock_summary(clock), "recipient_id": getattr(recipient, "pk", None)},
        )
        transaction.on_commit(
            partial(
                _schedule_notification,
                clock_id=clock.pk,
                action=action,
                recipient_id=getattr(recipient, "pk", None),
            ),
            robust=True,
        )
    return 1


def _schedule_notification(*, clock_id: int, action: str, recipient_id: int | None) -> None:
    # A task of its own, so a mail server outage retries the mail without
    # failing the sweep; it carries ids only.
    from core.tasks import clock_notify

    clock_notify.delay(clock_id=clock_id, action=action, recipient_id=recipient_id)
