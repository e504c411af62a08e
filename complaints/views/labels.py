"""Human labels for transition names and clock states, shared by the pages."""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A context of their own: short verbs such as "Close" mean something else in
# other catalogs (the admin's "Close" is a window's).
TRANSITION_LABELS: dict[str, Promise] = {
    "request_materials": pgettext_lazy("case action", "Request identity materials"),
    "receive_materials": pgettext_lazy("case action", "Materials received"),
    "accept": pgettext_lazy("case action", "Accept"),
    "decline": pgettext_lazy("case action", "Do not accept"),
    "transfer": pgettext_lazy("case action", "Transfer to another office"),
    "take_over": pgettext_lazy("case action", "Take over the transferred case"),
    "return_work_order": pgettext_lazy("case action", "Return the misrouted work order"),
    "start_mediation": pgettext_lazy("case action", "Start mediation"),
    "request_inspection": pgettext_lazy("case action", "Request an inspection"),
    "resume_mediation": pgettext_lazy("case action", "Resume mediation"),
    "reach_agreement": pgettext_lazy("case action", "Record the agreement"),
    "terminate_mediation": pgettext_lazy("case action", "Terminate mediation"),
    "start_fulfilment": pgettext_lazy("case action", "Start fulfilment"),
    "confirm_fulfilment": pgettext_lazy("case action", "Confirm fulfilment"),
    "close": pgettext_lazy("case action", "Close"),
    "withdraw": pgettext_lazy("case action", "Withdrawn by the complainant"),
    "start_verification": pgettext_lazy("case action", "Start verification"),
    "open_case": pgettext_lazy("case action", "Open a case"),
    "decline_case": pgettext_lazy("case action", "Do not open a case"),
    "start_investigation": pgettext_lazy("case action", "Start the investigation"),
    "decide": pgettext_lazy("case action", "Record the decision"),
    "merge_into": pgettext_lazy("case action", "Merge into the original report"),
    "imported": pgettext_lazy("case action", "Imported from a historical work order"),
    "registered": pgettext_lazy("case action", "Registered"),
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
