"""Parsing of the inputs a transition declares (complaints/lifecycle.py):
one parser per input, turning request parameters into the keyword
arguments of the Case method, or a ValidationError with field messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.lifecycle import PERM_MEDIATE, Status, Transition
from complaints.models import Case
from complaints.selectors import parse_id, user_may_act_on_office
from core.models import Office

Params = Mapping[str, Any]
PAYERS = ("seller", "producer", "insurer", "other")


def _to_office(case: Case, params: Params, actor: Any) -> dict[str, Any]:
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


def _mediator(case: Case, params: Params, actor: Any) -> dict[str, Any]:
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


def _amount(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    try:
        amount = Decimal(str(params.get("amount", "")))
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {"amount": _("Enter the compensation amount in yuan (0 or more).")}
        ) from None
    return {"amount": amount.quantize(Decimal("0.01"))}


def _payer(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    payer = str(params.get("payer", ""))
    if payer not in PAYERS:
        raise ValidationError({"payer": _("Choose who pays: seller, producer, insurer or other.")})
    return {"payer": payer}


def _satisfaction(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    raw = params.get("satisfaction")
    if raw in (None, ""):
        return {"satisfaction": None}
    value = parse_id(raw)
    if value is None or not 1 <= value <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction is a number from 1 to 5.")})
    return {"satisfaction": value}


def _original(case: Case, params: Params, actor: Any) -> dict[str, Any]:
    pk = parse_id(params.get("original"))
    original = Case.objects.filter(pk=pk).first() if pk is not None else None
    if original is None or original.kind != case.kind:
        raise ValidationError({"original": _("Choose the report this one repeats.")})
    if original.status == Status.MERGED:
        raise ValidationError(
            {"original": _("That report was itself merged; choose its original.")}
        )
    if not user_may_act_on_office(user=actor, office_id=original.office_id):
        raise ValidationError({"original": _("Choose the report this one repeats.")})
    return {"original": original}


PARSERS: Mapping[str, Callable[[Case, Params, Any], dict[str, Any]]] = {
    "to_office": _to_office,
    "mediator": _mediator,
    "amount": _amount,
    "payer": _payer,
    "satisfaction": _satisfaction,
    "original": _original,
}


def transition_inputs(spec: Transition, case: Case, params: Params, actor: Any) -> dict[str, Any]:
    """The method's keyword arguments from `params`, every input's errors at once."""
    kwargs: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    for name in spec.inputs:
        try:
            kwargs.update(PARSERS[name](case, params, actor))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return kwargs
