"""The one service through which every case changes state (RULES.md §3).

It locks the row, checks the version, the office scope and the role
permission, validates the reason code against the case's pinned rule set and
the transition's required inputs, runs the django-fsm transition, saves, writes
the immutable CaseEvent, moves the legal clocks, and schedules the search
outbox drain and the WebSocket push for after the commit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import FINAL_STATES, Case, CaseEvent, Ground, GroundKind, Office
from complaints.models.cases import PERM_MEDIATE
from complaints.selectors import (
    CONSUMER_TRANSITIONS,
    available_transitions,
    parse_id,
    transition_permitted,
    user_may_act_on_office,
)
from complaints.services.errors import StaleVersionError, TransitionNotAllowedError
from search.services import search_outbox_enqueue

Params = Mapping[str, Any]

#: Fields any transition may touch. The row is locked, so saving the superset
#: cannot overwrite a concurrent change.
TRANSITION_FIELDS = [
    "status",
    "status_reason",
    "version",
    "updated_at",
    "closed_at",
    "office",
    "handler",
    "mediator",
    "compensation_amount",
    "compensation_payer",
    "satisfaction",
    "merged_into",
]
PAYERS = ("seller", "producer", "insurer", "other")


@dataclass(frozen=True)
class TransitionSpec:
    """What a transition needs besides the state machine: the kind of reason
    code it requires (from the rule set's grounds), and a parser that turns
    the request parameters into the model method's keyword arguments."""

    ground_kind: str | None = None
    parse: Callable[[Case, Params, Any], dict[str, Any]] | None = None


def _parse_to_office(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    raw = params.get("to_office")
    if raw in (None, ""):
        raise ValidationError({"to_office": _("Choose the office to transfer the case to.")})
    pk = parse_id(raw)
    office = (
        Office.objects.filter(pk=pk).first()
        if pk is not None
        else Office.objects.filter(code=str(raw)[:60]).first()
    )
    if office is None:
        raise ValidationError({"to_office": _("Unknown office.")})
    return {"to_office": office}


def _parse_mediator(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    raw = params.get("mediator")
    if raw in (None, ""):
        raise ValidationError({"mediator": _("Choose a mediator.")})
    pk = parse_id(raw)
    mediator = (
        get_user_model().objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    )
    if mediator is None or not mediator.has_perm(PERM_MEDIATE):
        raise ValidationError({"mediator": _("This user cannot mediate cases.")})
    if not user_may_act_on_office(user=mediator, office_id=case.office_id):
        raise ValidationError({"mediator": _("The mediator must belong to the case's office.")})
    return {"mediator": mediator}


def _parse_agreement(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    try:
        amount = Decimal(str(params.get("amount", "")))
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            raise InvalidOperation
        amount = amount.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors["amount"] = _("Enter the compensation amount in yuan (0 or more).")
    payer = str(params.get("payer", ""))
    if payer not in PAYERS:
        errors["payer"] = _("Choose who pays: seller, producer, insurer or other.")
    if errors:
        raise ValidationError(errors)
    return {"amount": amount, "payer": payer}


def _parse_satisfaction(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    raw = params.get("satisfaction")
    if raw in (None, ""):
        return {"satisfaction": None}
    value = parse_id(raw)
    if value is None or not 1 <= value <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is a number from 1 to 5.")})
    return {"satisfaction": value}


def _parse_original(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    pk = parse_id(params.get("original"))
    original = Case.objects.filter(pk=pk).first() if pk is not None else None
    if original is None or original.kind != case.kind:
        raise ValidationError({"original": _("Choose the report this one repeats.")})
    if original.status == "merged":
        raise ValidationError(
            {"original": _("That report was itself merged; choose its original.")}
        )
    if not user_may_act_on_office(user=actor, office_id=original.office_id):
        raise ValidationError({"original": _("Choose the report this one repeats.")})
    return {"original": original}


TRANSITIONS: dict[str, TransitionSpec] = {
    "request_materials": TransitionSpec(),
    "receive_materials": TransitionSpec(),
    "accept": TransitionSpec(),
    "decline": TransitionSpec(ground_kind=GroundKind.NOT_ACCEPTED),
    "transfer": TransitionSpec(ground_kind=GroundKind.TRANSFER, parse=_parse_to_office),
    "take_over": TransitionSpec(),
    "return_work_order": TransitionSpec(ground_kind=GroundKind.RETURN),
    "start_mediation": TransitionSpec(parse=_parse_mediator),
    "request_inspection": TransitionSpec(),
    "resume_mediation": TransitionSpec(),
    "reach_agreement": TransitionSpec(parse=_parse_agreement),
    "terminate_mediation": TransitionSpec(ground_kind=GroundKind.MEDIATION_TERMINATED),
    "start_fulfilment": TransitionSpec(),
    "confirm_fulfilment": TransitionSpec(),
    "close": TransitionSpec(parse=_parse_satisfaction),
    "withdraw": TransitionSpec(),
    "start_verification": TransitionSpec(),
    "open_case": TransitionSpec(),
    "decline_case": TransitionSpec(ground_kind=GroundKind.REPORT_NOT_OPENED),
    "start_investigation": TransitionSpec(),
    "decide": TransitionSpec(),
    "merge_into": TransitionSpec(parse=_parse_original),
}
# The handler who first takes a case up becomes its handler.
_CLAIMS_HANDLER = frozenset({"accept", "decline", "start_verification", "take_over"})


# --- The service -------------------------------------------------------------------


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


def _event_data(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as stored in the audit row: ids and plain values only."""
    data: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key == "reason_code":
            continue
        data[key] = (
            value.pk
            if hasattr(value, "pk")
            else (str(value) if isinstance(value, Decimal) else value)
        )
    return data


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
    from complaints.clocks import clocks_on_transition
    from complaints.notifications import schedule_case_changed

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
        if not user_may_act_on_office(user=actor, office_id=case.office_id) and not (
            name in CONSUMER_TRANSITIONS and case.consumer_id == getattr(actor, "pk", None)
        ):
            raise PermissionDenied(_("This case belongs to another office."))
        spec = TRANSITIONS.get(name)
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
        if len(note) > 2000:
            raise ValidationError({"note": _("Keep the note under 2000 characters.")})
        _validate_reason(case, spec.ground_kind, reason_code)
        kwargs: dict[str, Any] = {}
        if spec.ground_kind is not None:
            kwargs["reason_code"] = reason_code
        if spec.parse is not None:
            kwargs.update(spec.parse(case, params, actor))

        from_status = case.status
        getattr(case, name)(**kwargs)
        if (
            name in _CLAIMS_HANDLER
            and case.handler_id is None
            and actor.has_perm("complaints.handle_case")
        ):
            case.handler = actor
        if case.status in FINAL_STATES:
            case.closed_at = timezone.now()
        case.version += 1
        case.save(update_fields=TRANSITION_FIELDS)
        CaseEvent.objects.create(
            case=case,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            action=name,
            from_status=from_status,
            to_status=case.status,
            reason_code=reason_code if spec.ground_kind else "",
            note=note,
            rule_set=case.rule_set.code,
            data=_event_data(kwargs),
        )
        clocks_on_transition(case=case, action=name, on=timezone.localdate())
        search_outbox_enqueue(model="complaints.case", object_id=case.pk, version=case.version)
        schedule_case_changed(case)
    return case
