"""Side effects of a case change that run after the commit: the live tracking
push to the consumer's page. Payloads carry no personal data (个人信息保护法)."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from complaints.consumers import tracking_group
from complaints.models import Case

logger = logging.getLogger(__name__)


def case_changed_payload(case: Case) -> dict[str, Any]:
    return {
        "tracking_code": case.tracking_code,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "updated_at": case.updated_at.isoformat() if case.updated_at else None,
        "version": case.version,
    }


def push_case_changed(case_id: int) -> None:
    """Re-reads the committed case and tells its tracking page."""
    case = Case.objects.filter(pk=case_id).first()
    layer = get_channel_layer()
    if case is None or layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            tracking_group(case.tracking_code),
            {"type": "case.changed", "payload": case_changed_payload(case)},
        )
    except Exception:
        # The change is committed; a missed live push only delays the page's
        # refresh, so it must not turn a successful request into an error.
        logger.exception("tracking push failed for case %s", case_id)


def on_case_changed(sender: Any, *, owner_id: int, **_: Any) -> None:
    """Receiver of core.signals.entity_changed for cases (after the commit)."""
    push_case_changed(owner_id)
