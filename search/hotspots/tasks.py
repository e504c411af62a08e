"""Celery entry points of the hotspot run (beat entry "search-hotspot-alerts")."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from search.hotspots.engine import SEARCH_UNAVAILABLE


@shared_task(
    name="search.tasks.hotspot_alerts",
    autoretry_for=SEARCH_UNAVAILABLE,
    retry_backoff=60,
    max_retries=6,
)
def hotspot_alerts(run_on: str | None = None) -> int:
    """Daily: record hotspots and create leads for new or growing ones.
    Returns how many leads this call created (0 on a re-run). A search
    node that is down retries later: the run is idempotent per day."""
    from search.hotspots.params import local_today
    from search.hotspots.services import hotspot_alerts_run

    day = dt.date.fromisoformat(run_on) if run_on else local_today()
    return len(hotspot_alerts_run(run_on=day).leads)


@shared_task(
    name="search.tasks.hotspot_alert_notify",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def hotspot_alert_notify(alert_id: int) -> bool:
    from search.hotspots.services import hotspot_alert_notify as notify

    return notify(alert_id=alert_id)
