"""Outgoing mail masks phone and ID numbers: reminders, escalations, import
summaries and hotspot leads go to staff mailboxes, which keep them beyond
the platform's retention and access rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from core.masking import mask_text


def mask_message(message: EmailMessage) -> EmailMessage:
    message.subject = mask_text(str(message.subject))
    message.body = mask_text(str(message.body))
    alternatives = getattr(message, "alternatives", None)
    if alternatives:
        message.alternatives = [  # type: ignore[attr-defined]
            type(alt)(mask_text(alt[0]), *alt[1:]) if isinstance(alt[0], str) else alt
            for alt in alternatives
        ]
    return message


class MaskingEmailBackend(BaseEmailBackend):
    """Masks each message, then hands it to EMAIL_DELIVERY_BACKEND."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self) -> Any:
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        return int(self.inner.send_messages([mask_message(m) for m in email_messages]) or 0)
