"""Telling people about clocks: by default the owner's handler when a clock
is due soon and the head of its office when it is overdue. An owner model
may name them itself with `clock_recipient(action)`. Messages carry the
owner's public reference (a tracking code), never personal data
(个人信息保护法第六条: no more than the purpose needs)."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from core.models import Clock, ClockRule, Office

logger = logging.getLogger(__name__)

REMINDER = "clock_reminder"
ESCALATION = "clock_escalation"


def clock_recipient(clock: Clock, *, owner: Any, action: str) -> Any | None:
    """Who hears about `action` on `clock` of `owner`."""
    custom = getattr(owner, "clock_recipient", None)
    if callable(custom):
        return custom(action)
    handler = getattr(owner, "handler", None)
    if action == REMINDER and handler is not None:
        return handler
    return office_head(getattr(owner, "office", None))


def office_head(office: Office | None) -> Any | None:
    """The head of the office, else of the nearest parent office that has one."""
    while office is not None:
        if office.head_id is not None:
            return office.head
        office = office.parent
    return None


def clock_label(clock: Clock, *, rule_set_id: int | None) -> str:
    """The clock's name in the active language, from its rule."""
    rule = ClockRule.objects.filter(rule_set_id=rule_set_id, kind=clock.kind).first()
    return rule.display_label if rule is not None else clock.kind


def clock_notify(*, clock_id: int, action: str, recipient_id: int | None) -> bool:
    """Sends the e-mail for a recorded reminder or escalation. Runs after the
    commit that recorded it; a lost mail does not undo the record."""
    if recipient_id is None:
        logger.warning("clock %s: %s has no recipient", clock_id, action)
        return False
    user = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    clock = Clock.objects.filter(pk=clock_id).first()
    owner = clock.owner if clock is not None else None
    email = getattr(user, "email", "")
    if clock is None or owner is None or not email:
        logger.warning("clock %s: %s recipient %s has no e-mail", clock_id, action, recipient_id)
        return False
    with translation.override(settings.LANGUAGE_CODE):
        kind = clock_label(clock, rule_set_id=getattr(owner, "rule_set_id", None))
        if action == ESCALATION:
            subject = _("Overdue: %(code)s %(clock)s was due on %(due)s")
        else:
            subject = _("Due soon: %(code)s %(clock)s is due on %(due)s")
        values = {"code": str(owner), "clock": kind, "due": clock.due_on.isoformat()}
        subject = subject % values
        body = (
            _(
                "Case %(code)s: the %(clock)s deadline is %(due)s. "
                "Open the case in the handler queue."
            )
            % values
        )
    send_mail(subject, body, None, [email], fail_silently=False)
    return True
