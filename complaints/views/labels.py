"""Human labels for transition names and clock states, shared by the pages."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

TRANSITION_LABELS: dict[str, Promise] = {
    "request_materials": _("Request identity materials"),
    "receive_materials": _("Materials received"),
    "accept": _("Accept"),
    "decline": _("Do not accept"),
    "transfer": _("Transfer to another office"),
    "take_over": _("Take over the transferred case"),
    "return_work_order": _("Return the misrouted work order"),
    "start_mediation": _("Start mediation"),
    "request_inspection": _("Request an inspection"),
    "resume_mediation": _("Resume mediation"),
    "reach_agreement": _("Record the agreement"),
    "terminate_mediation": _("Terminate mediation"),
    "start_fulfilment": _("Start fulfilment"),
    "confirm_fulfilment": _("Confirm fulfilment"),
    "close": _("Close"),
    "withdraw": _("Withdrawn by the complainant"),
    "start_verification": _("Start verification"),
    "open_case": _("Open a case"),
    "decline_case": _("Do not open a case"),
    "start_investigation": _("Start the investigation"),
    "decide": _("Record the decision"),
    "merge_into": _("Merge into the original report"),
    "imported": _("Imported from a historical work order"),
    "registered": _("Registered"),
}

CLOCK_STATE_LABELS: dict[str, Promise] = {
    "running": _("running"),
    "paused": _("paused"),
    "due_soon": _("due soon"),
    "overdue": _("overdue"),
    "met": _("met"),
    "met_late": _("met late"),
}


def transition_label(name: str) -> str:
    label = TRANSITION_LABELS.get(name)
    return str(label) if label is not None else name


def masked_phone(phone: str) -> str:
    """The national number masked as staff read it out (139****5678): the
    country code of a stored E.164 number would only shift the mask."""
    from complaints.masking import mask_phone

    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return mask_phone(digits)
