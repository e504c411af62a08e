"""Every write to a compensation: recording what was agreed and who pays,
the payments, and the consumer's confirmation of receipt
(docs/legal-basis.md §6). Each locks the row, writes one event through
core.events and moves the payment clock (clock kind `compensation_payment`,
rule-set data) through the core clock engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arbitration.compensation import rules
from arbitration.models import (
    Compensation,
    CompensationItem,
    CompensationStatus,
    ItemKind,
    PayerKind,
    Payment,
)
from complaints.lifecycle import PERM_MEDIATE
from complaints.lifecycle import Status as CaseStatus
from complaints.models import Case
from core.clocks.engine import ClockEffect, Op, clocks_apply
from core.events import event_write
from core.scope import office_scope

PAYMENT_CLOCK = "compensation_payment"
#: Case states in which the agreed compensation is recorded and paid.
AGREED_STATES = (CaseStatus.AGREEMENT_REACHED, CaseStatus.FULFILMENT, CaseStatus.FOLLOW_UP)
MAX_ITEMS = 20
MONEY_MAX = Decimal("1e10")


def _money(raw: Any, field: str, *, positive: bool = False) -> Decimal:
    try:
        amount = Decimal(str(raw).strip())
        if not amount.is_finite() or amount < 0 or amount >= MONEY_MAX:
            raise InvalidOperation
        if positive and amount <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: _("Enter an amount in yuan, zero or more, such as 1200.00.")}
        ) from None
    return amount.quantize(Decimal("0.01"))


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise ValidationError({field: _("This value contains invalid characters.")})
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError(
            {field: _("Keep this under %(limit)d characters.") % {"limit": limit}}
        )
    return text


def _items(raw: Sequence[Mapping[str, Any]]) -> list[CompensationItem]:
    if not raw or len(raw) > MAX_ITEMS:
        raise ValidationError({"items": _("List between one and 20 compensation items.")})
    citations = {r.citation for r in rules().values()}
    items = []
    for entry in raw:
        if not isinstance(entry, Mapping) or entry.get("kind") not in ItemKind.values:
            raise ValidationError({"items": _("Each item needs a kind from the list.")})
        basis = _text(entry.get("basis"), "items", 120)
        if basis and basis not in citations:
            raise ValidationError({"items": _("Cite a statute the calculator knows.")})
        items.append(
            CompensationItem(
                kind=entry["kind"],
                amount=_money(entry.get("amount", "0"), "items"),
                description=_text(entry.get("description"), "items", 300),
                basis=basis,
            )
        )
    return items


def _staff_may(actor: Any, office_id: int) -> None:
    if not office_scope(actor).covers_office(office_id):
        raise PermissionDenied(_("This case belongs to another office."))
    if not actor.has_perm(PERM_MEDIATE):
        raise PermissionDenied(_("Your role may not take this action."))


def compensation_record(
    *,
    case_id: int,
    payer_kind: str,
    payer_name: str,
    items: Sequence[Mapping[str, Any]],
    actor: Any,
    insurer_policy_no: str = "",
) -> Compensation:
    """Records the agreed compensation of a case and who pays it; the
    payment clock starts."""
    errors: dict[str, list[Any]] = {}
    parsed: list[CompensationItem] = []
    if payer_kind not in PayerKind.values:
        errors["payer_kind"] = [_("Choose one of the listed options.")]
    checks: list[tuple[str, Any]] = [
        ("payer_name", lambda: _text(payer_name, "payer_name", 200, required=True)),
        ("insurer_policy_no", lambda: _text(insurer_policy_no, "insurer_policy_no", 60)),
        ("items", lambda: parsed.extend(_items(items))),
    ]
    for field, check in checks:
        try:
            check()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.message_dict[field])
    if payer_kind == PayerKind.INSURER and not (insurer_policy_no or "").strip():
        errors.setdefault("insurer_policy_no", []).append(
            _("An insurer pays under a policy: give its number.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
        _staff_may(actor, case.office_id)
        if case.status not in AGREED_STATES:
            raise ValidationError(
                _("Compensation is recorded once the parties have reached an agreement.")
            )
        compensation = Compensation.objects.create(
            case=case,
            office_id=case.office_id,
            rule_set_id=case.rule_set_id,
            payer_kind=payer_kind,
            payer_name=payer_name.strip(),
            insurer_policy_no=(insurer_policy_no or "").strip(),
            recorded_by=actor,
        )
        for item in parsed:
            item.compensation = compensation
        CompensationItem.objects.bulk_create(parsed)
        clocks = clocks_apply(
            owner=compensation,
            effects=(ClockEffect(Op.START, PAYMENT_CLOCK),),
            on=timezone.localdate(),
        )
        event_write(
            owner=compensation,
            action="compensation_recorded",
            actor=actor,
            created=True,
            to_status=CompensationStatus.DUE,
            data={
                "case": case.pk,
                "payer_kind": payer_kind,
                "items": [{"kind": i.kind, "amount": i.amount, "basis": i.basis} for i in parsed],
                "clocks": [c.kind for c in clocks],
            },
        )
    return compensation


def payment_record(
    *,
    compensation_id: int,
    amount: Any,
    paid_on: dt.date,
    method: str,
    actor: Any,
    reference: str = "",
) -> Payment:
    """Records a payment; once the payments cover the total the compensation
    is paid and its clock stops."""
    value = _money(amount, "amount", positive=True)
    method = _text(method, "method", 60, required=True)
    reference = _text(reference, "reference", 100)
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    with transaction.atomic():
        compensation = Compensation.objects.select_for_update(of=("self",)).get(pk=compensation_id)
        _staff_may(actor, compensation.office_id)
        if compensation.status != CompensationStatus.DUE:
            raise ValidationError(_("This compensation is already paid."))
        payment = Payment.objects.create(
            compensation=compensation,
            amount=value,
            paid_on=paid_on,
            method=method,
            reference=reference,
            recorded_by=actor,
        )
        data: dict[str, Any] = {"payment": payment.pk, "amount": value, "paid_on": paid_on}
        fields: set[str] = set()
        from_status = compensation.status
        if compensation.paid() >= compensation.total():
            compensation.status = CompensationStatus.PAID
            fields.add("status")
            clocks = clocks_apply(
                owner=compensation,
                effects=(ClockEffect(Op.STOP, PAYMENT_CLOCK),),
                on=timezone.localdate(),
            )
            data["clocks"] = [c.kind for c in clocks]
        event_write(
            owner=compensation,
            action="payment_recorded",
            actor=actor,
            fields=fields,
            from_status=from_status,
            to_status=compensation.status,
            data=data,
        )
    return payment


def receipt_confirm(*, compensation_id: int, actor: Any) -> Compensation:
    """The consumer confirms they received the compensation."""
    with transaction.atomic():
        compensation = (
            Compensation.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=compensation_id)
        )
        consumer_id = compensation.case.consumer_id
        if consumer_id is None or consumer_id != getattr(actor, "pk", None):
            raise PermissionDenied(_("Only the complainant confirms receipt."))
        if compensation.status != CompensationStatus.PAID:
            raise ValidationError(_("Receipt is confirmed once the payments cover the total."))
        from_status = compensation.status
        compensation.status = CompensationStatus.CONFIRMED
        compensation.confirmed_at = timezone.now()
        event_write(
            owner=compensation,
            action="receipt_confirmed",
            actor=actor,
            fields={"status", "confirmed_at"},
            from_status=from_status,
            to_status=compensation.status,
        )
    return compensation
