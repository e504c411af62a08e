"""Celery tasks of the complaints app: each takes ids only, re-reads what it
needs and calls one service, and may run twice without doing anything twice."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from complaints.services.evidence import evidence_pending_sweep
from complaints.services.imports import import_overdue_notify_send


@shared_task(
    name="complaints.tasks.import_overdue_notify",
    autoretry_for=(OSError, SMTPException),
    retry_backoff=60,
    max_retries=5,
)
def import_overdue_notify(*, head_id: int, case_ids: list[int]) -> bool:
    """Mails an office head one summary of the imported cases of their
    offices that came in already due soon or overdue."""
    return import_overdue_notify_send(head_id=head_id, case_ids=case_ids)


@shared_task(name="complaints.tasks.evidence_pending_sweep")
def evidence_pending_sweep_task() -> int:
    """Removes evidence files of intakes that never committed (the intake
    also runs this, at most every quarter of an hour)."""
    return evidence_pending_sweep()
