"""The periodic clock sweep: a reminder once a running clock passes the
due-soon threshold and an escalation once it is overdue, each at most once
per clock (issue 4, item 3). Each is recorded as a CaseEvent in the same
transaction that marks the clock; the e-mail goes out after commit."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from complaints.clocks.calendar import WorkCalendar
from complaints.clocks.notifications import ESCALATION, REMINDER, clock_recipient
from complaints.clocks.services import clock_elapsed_fraction, reminder_fraction
from complaints.models.cases import Case, CaseClock, CaseEvent


def clock_sweep_run(*, today: dt.date | None = None) -> dict[str, int]:
    """Reminds and escalates every clock that has crossed a threshold;
    idempotent, so overlapping or repeated runs send each message once."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    threshold = reminder_fraction()
    candidates = CaseClock.objects.filter(
        stopped_on__isnull=True, paused_on__isnull=True, started_on__lt=today
    ).filter(Q(reminded_at__isnull=True) | Q(escalated_at__isnull=True, due_on__lt=today))
    counts = {"reminded": 0, "escalated": 0}
    for clock in candidates.only("id", "started_on", "due_on", "unit", "reminded_at"):
        overdue = today > clock.due_on
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


def clock_mark(
    *, clock_id: int, action: str, today: dt.date, calendar: WorkCalendar | None = None
) -> int:
    """Records one reminder or escalation of a clock and schedules its e-mail;
    returns 1 when recorded, 0 when another run got there first or the clock
    no longer qualifies."""
    field = "reminded_at" if action == REMINDER else "escalated_at"
    with transaction.atomic():
        case_id = CaseClock.objects.filter(pk=clock_id).values_list("case_id", flat=True).first()
        if case_id is None:
            return 0
        # Case row first, as the transition services do, so the two never deadlock.
        case = Case.objects.select_for_update().select_related("rule_set").get(pk=case_id)
        clock = (
            CaseClock.objects.select_for_update(of=("self",))
            .select_related("case__office__parent", "case__handler")
            .get(pk=clock_id)
        )
        if clock.stopped_on is not None or clock.paused_on is not None:
            return 0
        if getattr(clock, field) is not None:
            return 0
        if action == ESCALATION and not today > clock.due_on:
            return 0
        if action == REMINDER and not today > clock.due_on:
            fraction = clock_elapsed_fraction(clock, today=today, calendar=calendar)
            if fraction < reminder_fraction():
                return 0
        recipient = clock_recipient(clock, action=action)
        setattr(clock, field, timezone.now())
        clock.save(update_fields=[field])
        CaseEvent.objects.create(
            case=case,
            actor=None,
            action=action,
            from_status=case.status,
            to_status=case.status,
            rule_set=case.rule_set.code,
            data={
                "clock": clock.kind,
                "clock_id": clock.pk,
                "due_on": clock.due_on.isoformat(),
                "provisional": clock.provisional,
                "recipient_id": getattr(recipient, "pk", None),
            },
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
    from complaints.tasks import clock_notify

    clock_notify.delay(clock_id=clock_id, action=action, recipient_id=recipient_id)
