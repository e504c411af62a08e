from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core.scope import office_scope

REASON_MAX = 500


def require_office(actor: Any, office_id: int, permission: str) -> None:
    """Staff act only with the step's permission and on their own office's rows."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(permission):
        raise PermissionDenied(_("Your role may not take this step."))
    if not office_scope(actor).covers_office(office_id):
        raise PermissionDenied(_("This belongs to another office."))


def clean_reason(reason: str, *, needed: bool) -> str:
    text = (reason or "").strip()
    if needed and not text:
        raise ValidationError({"reason": _("Give a reason.")})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": REASON_MAX}})
    return text


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise ValidationError(
            {"version": _("Someone else changed this in the meantime; reload and try again.")}
        )
