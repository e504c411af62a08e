"""Operator decisions on duplicate warnings: link related cases, or merge a
repeat report into the original (the repeat becomes final, 'merged')."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from complaints.lifecycle import PERM_HANDLE, PERM_REGISTER
from complaints.models import Case
from complaints.selectors import cases_visible_to
from complaints.services.transitions import case_transition
from core.events import event_write


def case_link(*, case_id: int, other_id: int, actor: Any, note: str = "") -> Case:
    """Marks two cases as related (same caller, or same business and
    product). Each open one gets an audit event; neither changes state."""
    if case_id == other_id:
        raise ValidationError({"other": _("A case cannot be related to itself.")})
    if not (actor.has_perm(PERM_REGISTER) or actor.has_perm(PERM_HANDLE)):
        raise PermissionDenied(_("Your role may not link cases."))
    visible = cases_visible_to(user=actor)
    with transaction.atomic():
        # Lock in id order so that two operators linking the same pair cannot deadlock.
        locked = {
            c.pk: c
            for c in visible.select_for_update(of=("self",))
            .select_related("rule_set")
            .filter(pk__in=[case_id, other_id])
            .order_by("pk")
        }
        if case_id not in locked:
            raise Case.DoesNotExist
        if other_id not in locked:
            raise ValidationError(
                {"other": _("That case does not exist or is not visible to you.")}
            )
        case, other = locked[case_id], locked[other_id]
        if case.related_cases.filter(pk=other.pk).exists():
            return case
        case.related_cases.add(other)
        for this, that in ((case, other), (other, case)):
            if this.is_final:
                # A final case is never written again; the link is recorded
                # on the open side (and the relation is symmetric).
                continue
            event_write(
                owner=this, action="linked", actor=actor, note=note, data={"related_case": that.pk}
            )
    return case


def case_merge(
    *, case_id: int, into_id: int, actor: Any, note: str = "", expected_version: int | None = None
) -> Case:
    """Merges a repeat report into the original report: the state machine's
    merge_into transition, with its checks and audit event."""
    return case_transition(
        case_id=case_id,
        name="merge_into",
        actor=actor,
        note=note,
        params={"original": into_id},
        expected_version=expected_version,
    )
