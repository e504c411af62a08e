"""Celery tasks of the supervisors app: each calls one service."""

from __future__ import annotations

from celery import shared_task

from supervisors.services import supervisor_terms_sweep


@shared_task(name="supervisors.tasks.supervisor_terms")
def supervisor_terms() -> dict[str, int]:
    """Daily: ends the terms past their last day, reminds those about to end."""
    return supervisor_terms_sweep()
