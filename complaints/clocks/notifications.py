"""Telling people about clocks: the handler when a clock is due soon, the
office head when it is overdue. Messages carry the tracking code, never the
complainant's personal data (RULES.md §10)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.models.cases import CaseClock
from complaints.models.reference import Office

logger = logging.getLogger(__name__)

REMINDER = "clock_reminder"
ESCALATION = "clock_escalation"


def clock_recipient(clock: CaseClock, *, action: str) -> Any | None:
    """Who hears about `action`: the handler for a reminder (the office head
    while nobody handles the case); the head of the case's office, else of the
    nearest parent office that has one, for an escalation."""
    case = clock.case
    if action == REMINDER and case.handler_id is not None:
        return case.handler
    office: Office | None = case.office
    while office is not None:
        if office.head_id is not None:
            return office.head
        office = office.parent
    return None


def clock_notify(*, clock_id: int, action: str, recipient_id: int | None) -> bool:
    """Sends the e-mail for a recorded reminder or escalation. Runs after the
    commit that recorded it; a lost mail does not undo the record."""
    if recipient_id is None:
        logger.warning("clock %s: %s has no recipient", clock_id, action)
        return False
    user = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    clock = CaseClock.objects.select_related("case").filter(pk=clock_id).first()
    email = getattr(user, "email", "")
    if clock is None or not email:
        logger.warning("clock %s: %s recipient %s has no e-mail", clock_id, action, recipient_id)
        return False
    with translation.override(settings.LANGUAGE_CODE):
        kind = clock.get_kind_display()
        if action == ESCALATION:
            subject = _("Overdue: %(code)s %(clock)s was due on %(due)s")
        else:
            subject = _("Due soon: %(code)s %(clock)s is due on %(due)s")
        subject = subject % {
            "code": clock.case.tracking_code,
            "clock": kind,
            "due": clock.due_on.isoformat(),
        }
        body = _(
            "Case %(code)s: the %(clock)s deadline is %(due)s. Open the case in the handler queue."
        ) % {"code": clock.case.tracking_code, "clock": kind, "due": clock.due_on.isoformat()}
    send_mail(subject, body, None, [email], fail_silently=False)
    return True
