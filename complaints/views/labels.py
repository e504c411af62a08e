"""Human labels for events and clock states, shared by the pages."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints import lifecycle

CLOCK_STATE_LABELS: dict[str, Promise] = {
    "running": _("running"),
    "paused": _("paused"),
    "due_soon": _("due soon"),
    "overdue": _("overdue"),
    "met": _("met"),
    "met_late": _("met late"),
}


def transition_label(name: str) -> str:
    """The label of a transition or of any other event of a case's trail."""
    return lifecycle.label(name)


def masked_phone(phone: str) -> str:
    """The national number masked as staff read it out (139****5678): the
    country code of a stored E.164 number would only shift the mask."""
    from core.masking import mask_phone

    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return mask_phone(digits)
