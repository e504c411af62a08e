"""The one service through which every case changes state
(docs/legal-basis.md §3).

It locks the row, checks the version, the office scope and the role
permission, validates the reason code against the case's pinned rule set and
the inputs the transition declares (complaints/lifecycle.py), runs the
django-fsm transition, moves the legal clocks and records it all as one
event (core.events), which also writes the search outbox row and schedules
the live push for after the commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import lifecycle
from complaints.clocks import clocks_on_transition
from complaints.lifecycle import FINAL_STATES, PERM_HANDLE
from complaints.models import Case
from complaints.selectors import (
    available_transitions,
    transition_permitted,
    user_may_act_on_office,
)
from complaints.services.errors import StaleVersionError, TransitionNotAllowedError
from complaints.services.inputs import transition_inputs
from core.events import event_write
from core.models import Ground

Params = Mapping[str, Any]
NOTE_MAX = 2000


def _validate_reason(case: Case, kind: str | None, reason_code: str) -> None:
    if kind is None:
        return
    if not reason_code:
        raise ValidationError({"reason_code": _("This action needs a reason code.")})
    if not Ground.objects.filter(
        rule_set_id=case.rule_set_id, kind=kind, code=reason_code
    ).exists():
        raise ValidationError(
            {"reason_code": _("This reason code is not a ground of the case's rule set.")}
        )


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def case_transition(
    *,
    case_id: int,
    name: str,
    actor: Any,
    reason_code: str = "",
    note: str = "",
    params: Params | None = None,
    expected_version: int | None = None,
) -> Case:
    params = params or {}
    for field, value in (("reason_code", reason_code), ("note", note), ("params", params)):
        if _has_nul(value):
            # PostgreSQL cannot store or compare text with NUL characters.
            raise ValidationError({field: _("This value contains invalid characters.")})
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("rule_set").get(pk=case_id)
        )
        if expected_version is not None and expected_version != case.version:
            raise StaleVersionError(expected_version, case.version)
        spec = lifecycle.get(name)
        if not user_may_act_on_office(user=actor, office_id=case.office_id) and not (
            spec is not None and spec.consumer and case.consumer_id == getattr(actor, "pk", None)
        ):
            raise PermissionDenied(_("This case belongs to another office."))
        state_allowed = {
            t.name
            for t in case.get_available_status_transitions()  # type: ignore[attr-defined]
        }
        if spec is None or name not in state_allowed:
            raise TransitionNotAllowedError(
                name, case.status, available_transitions(case=case, user=actor)
            )
        if not transition_permitted(case=case, name=name, user=actor):
            raise PermissionDenied(_("Your role may not take this action."))
        if len(note) > NOTE_MAX:
            raise ValidationError({"note": _("Keep the note under 2000 characters.")})
        _validate_reason(case, spec.ground_kind, reason_code)
        kwargs = transition_inputs(spec, case, params, actor)
        if spec.ground_kind is not None:
            kwargs["reason_code"] = reason_code

        from_status = case.status
        getattr(case, name)(**kwargs)
        fields = {"status", *spec.fields}
        if spec.claims_handler and case.handler_id is None and actor.has_perm(PERM_HANDLE):
            case.handler = actor
            fields.add("handler")
        if case.status in FINAL_STATES:
            case.closed_at = timezone.now()
            fields.add("closed_at")
        clocks = clocks_on_transition(case=case, action=name, on=timezone.localdate())
        data = {k: v for k, v in kwargs.items() if k != "reason_code"}
        if clocks:
            data["clocks"] = sorted({c.kind for c in clocks})
        event_write(
            owner=case,
            action=name,
            actor=actor,
            fields=fields,
            from_status=from_status,
            to_status=case.status,
            reason_code=reason_code if spec.ground_kind else "",
            note=note,
            data=data,
        )
    return case
