"""Celery tasks of the platform core: each takes ids only and calls one service."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from core.clocks.notifications import clock_notify as clock_notify_service
from core.clocks.sweep import clock_sweep_run


@shared_task(name="core.tasks.clock_sweep")
def clock_sweep() -> dict[str, int]:
    """Reminds handlers of clocks past the reminder fraction and escalates
    overdue clocks to the office head, once per threshold."""
    return clock_sweep_run()


@shared_task(
    name="core.tasks.clock_notify",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=60,
    max_retries=5,
)
def clock_notify(*, clock_id: int, action: str, recipient_id: int | None) -> bool:
    """Sends the mail of a reminder or escalation the sweep has recorded."""
    return clock_notify_service(clock_id=clock_id, action=action, recipient_id=recipient_id)
