"""Celery tasks of the complaints app; each calls one service."""

from __future__ import annotations

from celery import shared_task

from complaints.clocks.sweep import clock_sweep_run


@shared_task(name="complaints.tasks.clock_sweep")
def clock_sweep() -> dict[str, int]:
    """Reminds handlers of clocks past the reminder fraction and escalates
    overdue clocks to the office head, once per threshold."""
    return clock_sweep_run()
