from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def schedule_drain(**_: Any) -> None:
    """Receiver of core.signals.outbox_pending: drain after the commit."""
    from search.tasks import drain_search_outbox

    try:
        drain_search_outbox.delay()
    except Exception:
        # The write is committed and its entry is pending; the minutely beat
        # drain sends it even when the broker was unreachable just now.
        logger.warning("could not schedule the search outbox drain", exc_info=True)
