from __future__ import annotations

from celery import shared_task


@shared_task(ignore_result=True)
def drain_search_outbox() -> int:
    """Send pending outbox entries to the search engine (see search.sync)."""
    from search.sync import drain_outbox

    return drain_outbox()
