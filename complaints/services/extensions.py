"""Approved extensions of a case's deadlines: report verification +15
working days and the report case decision +30 days, each granted once, by
the head of the case's office (or of an office above it), with a reason
(市场监督管理行政处罚程序规定第十八条; docs/legal-basis.md §2)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Case
from complaints.services.errors import StaleVersionError
from core.clocks.engine import clock_extend, extension_kind, owner_clocks
from core.events import event_write
from core.models import Clock, Office

REASON_MAX = 500


def heads_office(*, user: Any, office: Office | None) -> bool:
    """Is `user` the head of `office` or of an office above it?"""
    while office is not None:
        if office.head_id is not None and office.head_id == getattr(user, "pk", None):
            return True
        office = office.parent
    return False


def extendable_clocks(*, case: Case, user: Any) -> set[str]:
    """Kinds of the case's running clocks that `user` may extend now: an
    extension rule exists, none was granted yet, and the user heads the
    case's office (or one above it)."""
    if not (getattr(user, "is_superuser", False) or heads_office(user=user, office=case.office)):
        return set()
    clocks = list(owner_clocks(case))
    present = {c.kind for c in clocks}
    return {
        c.kind
        for c in clocks
        if c.stopped_on is None
        and (ext := extension_kind(owner=case, kind=c.kind)) is not None
        and ext not in present
    }


def case_clock_extend(
    *,
    case_id: int,
    clock: str,
    reason: str,
    actor: Any,
    expected_version: int | None = None,
) -> Clock:
    """Grants the extension of the case's running clock `clock`: the base
    clock ends as met and the extension clock runs its own length from the
    base clock's due date. One event records the approver and the reason."""
    reason = (reason or "").strip()
    errors: dict[str, Any] = {}
    if not reason:
        errors["reason"] = _("Give the reason for the extension.")
    elif len(reason) > REASON_MAX or "\x00" in reason:
        errors["reason"] = _("Keep the reason under 500 characters.")
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("rule_set", "office__parent")
            .get(pk=case_id)
        )
        if expected_version is not None and expected_version != case.version:
            raise StaleVersionError(expected_version, case.version)
        if not (
            getattr(actor, "is_superuser", False) or heads_office(user=actor, office=case.office)
        ):
            raise PermissionDenied(
                _("Only the head of the case's office may approve an extension.")
            )
        base = owner_clocks(case).filter(kind=clock, stopped_on__isnull=True).first()
        if base is None or extension_kind(owner=case, kind=clock) is None:
            errors["clock"] = _("This deadline is not running or cannot be extended.")
        if errors:
            raise ValidationError(errors)
        assert base is not None
        old_due = base.due_on
        extension = clock_extend(owner=case, kind=clock, on=timezone.localdate())
        if extension is None:
            raise ValidationError({"clock": _("This deadline has already been extended.")})
        event_write(
            owner=case,
            action="clock_extended",
            actor=actor,
            note=reason,
            data={
                "clock": clock,
                "extension": extension.kind,
                "old_due_on": old_due,
                "due_on": extension.due_on,
                "approver": actor,
            },
        )
    return extension
