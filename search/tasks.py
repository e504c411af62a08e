from __future__ import annotations

import logging

from celery import Task, shared_task

logger = logging.getLogger(__name__)


@shared_task(bind=True, ignore_result=True, max_retries=8)
def drain_search_outbox(self: Task) -> int:
    """Send pending outbox entries to the search engine (see search.sync).
    Retries with exponential backoff while the engine is down; the minutely
    beat entry "search-drain-outbox" picks up whatever is left after that."""
    from search.sync import SyncError, drain_outbox

    try:
        return drain_outbox()
    except SyncError as exc:
        if self.request.is_eager:
            # Run inline after a commit (no broker): the write succeeded and
            # its entry waits for the next drain, so do not fail the caller.
            logger.warning("search outbox drain failed, entries kept: %s", exc)
            return 0
        raise self.retry(exc=exc, countdown=min(600, 5 * 2**self.request.retries)) from exc
