"""Agreed compensation: items, who pays (an insurer with its policy number),
the payment clock, payments and the consumer's confirmation of receipt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from arbitration.compensation import statutory_compensation
from arbitration.models import Compensation, CompensationStatus
from arbitration.services import compensation_record, payment_record, receipt_confirm
from complaints.models import Case
from complaints.services import case_transition
from core.events import events_of
from core.models import Clock
from tests.arbitration.conftest import MakeCase
from tests.arbitration.helpers import at
from tests.cases.factories import make_consumer

pytestmark = pytest.mark.usefixtures("postgres")


def agreed(mediating_case: MakeCase, mediator: Any, **kw: Any) -> Case:
    case = mediating_case(**kw)
    case_transition(
        case_id=case.pk,
        name="reach_agreement",
        actor=mediator,
        params={"amount": "1059.90", "payer": "seller"},
    )
    return Case.objects.get(pk=case.pk)


def items_for(price: str) -> list[dict[str, Any]]:
    suggestion = statutory_compensation(rule="fsl-148-2", price=Decimal(price))
    return [
        {"kind": "refund", "amount": price, "description": "退还货款"},
        {"kind": "punitive", "amount": str(suggestion.punitive), "basis": suggestion.rule.citation},
    ]


def test_recording_starts_the_payment_clock_and_payments_stop_it(
    mediating_case: MakeCase, mediator: Any
) -> None:
    consumer = make_consumer()
    day = dt.date(2026, 5, 6)
    with at(day):
        case = agreed(mediating_case, mediator, on=day, filed_by=consumer, channel="web")
        compensation = compensation_record(
            case_id=case.pk,
            payer_kind="seller",
            payer_name="长沙某某食品有限公司",
            items=items_for("59.90"),
            actor=mediator,
        )
    assert compensation.total() == Decimal("1059.90")
    clock = Clock.objects.get(compensation=compensation, kind="compensation_payment")
    assert (clock.started_on, clock.amount, clock.unit) == (day, 15, "calendar")
    with pytest.raises(ValidationError):  # nothing paid yet
        receipt_confirm(compensation_id=compensation.pk, actor=consumer)
    with at(dt.date(2026, 5, 10)):
        payment_record(compensation_id=compensation.pk, amount="500", paid_on=dt.date(2026, 5, 9),
                       method="银行转账", actor=mediator)  # fmt: skip
        assert Compensation.objects.get(pk=compensation.pk).status == CompensationStatus.DUE
        with pytest.raises(ValidationError):
            receipt_confirm(compensation_id=compensation.pk, actor=consumer)
        payment_record(compensation_id=compensation.pk, amount="559.90",
                       paid_on=dt.date(2026, 5, 10), method="微信转账", actor=mediator)  # fmt: skip
    compensation = Compensation.objects.get(pk=compensation.pk)
    clock.refresh_from_db()
    assert compensation.status == CompensationStatus.PAID and compensation.paid() == Decimal(
        "1059.90"
    )
    assert clock.stopped_on == dt.date(2026, 5, 10) and clock.stopped_on <= clock.due_on
    with pytest.raises(ValidationError):
        payment_record(compensation_id=compensation.pk, amount="1", paid_on=dt.date(2026, 5, 10),
                       method="现金", actor=mediator)  # fmt: skip
    with pytest.raises(PermissionDenied):
        receipt_confirm(compensation_id=compensation.pk, actor=make_consumer())
    receipt_confirm(compensation_id=compensation.pk, actor=consumer)
    compensation = Compensation.objects.get(pk=compensation.pk)
    assert compensation.status == CompensationStatus.CONFIRMED and compensation.confirmed_at
    assert list(events_of(compensation).values_list("action", "version")) == [
        ("compensation_recorded", 1),
        ("payment_recorded", 2),
        ("payment_recorded", 3),
        ("receipt_confirmed", 4),
    ]


def test_an_insurer_pays_under_a_policy_number(mediating_case: MakeCase, mediator: Any) -> None:
    case = agreed(mediating_case, mediator)
    with pytest.raises(ValidationError) as err:
        compensation_record(case_id=case.pk, payer_kind="insurer", payer_name="某财产保险公司",
                            items=items_for("100"), actor=mediator)  # fmt: skip
    assert "insurer_policy_no" in err.value.message_dict
    compensation = compensation_record(
        case_id=case.pk, payer_kind="insurer", payer_name="某财产保险公司",
        insurer_policy_no="PQL-2026-000123", items=items_for("100"), actor=mediator,
    )  # fmt: skip
    assert compensation.insurer_policy_no == "PQL-2026-000123"


def test_bad_items_and_a_case_without_agreement_are_refused(
    mediating_case: MakeCase, mediator: Any, handler: Any
) -> None:
    with pytest.raises(ValidationError) as err:
        compensation_record(case_id=mediating_case().pk, payer_kind="x", payer_name="",
                            items=[{"kind": "gift", "amount": "-1"}], actor=mediator)  # fmt: skip
    assert {"payer_kind", "payer_name", "items"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError):  # still mediating
        compensation_record(case_id=mediating_case().pk, payer_kind="seller", payer_name="某店",
                            items=items_for("10"), actor=mediator)  # fmt: skip
    case = agreed(mediating_case, mediator)
    with pytest.raises(PermissionDenied):
        compensation_record(case_id=case.pk, payer_kind="seller", payer_name="某店",
                            items=items_for("10"), actor=handler)  # fmt: skip
    with pytest.raises(ValidationError):
        compensation_record(case_id=case.pk, payer_kind="seller", payer_name="某店",
                            items=[{"kind": "punitive", "amount": "1", "basis": "某法"}],
                            actor=mediator)  # fmt: skip
    assert not Compensation.objects.exists()


def test_the_api_from_agreement_to_receipt(mediating_case: MakeCase, mediator: Any) -> None:
    from rest_framework.test import APIClient

    consumer = make_consumer()
    case = agreed(mediating_case, mediator, filed_by=consumer, channel="web")
    staff, own = APIClient(), APIClient()
    staff.force_authenticate(mediator)
    own.force_authenticate(consumer)
    response = staff.post(
        "/api/v1/compensations/",
        {"case": case.pk, "payer_kind": "producer", "payer_name": "某乳业有限公司",
         "items": items_for("59.90")},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    pk = body["id"]
    assert (body["total"], body["status"]) == ("1059.90", "due")
    assert [c["kind"] for c in body["clocks"]] == ["compensation_payment"]
    assert own.post(f"/api/v1/compensations/{pk}/payments/", {}, format="json").status_code == 400
    response = staff.post(
        f"/api/v1/compensations/{pk}/payments/",
        {"amount": "1059.90", "paid_on": dt.date.today().isoformat(), "method": "银行转账"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["status"] == "paid"
    assert own.get("/api/v1/compensations/").json()["count"] == 1
    assert staff.post(f"/api/v1/compensations/{pk}/confirm-receipt/").status_code == 403
    response = own.post(f"/api/v1/compensations/{pk}/confirm-receipt/")
    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    stranger = APIClient()
    stranger.force_authenticate(make_consumer())
    assert stranger.post(f"/api/v1/compensations/{pk}/confirm-receipt/").status_code == 404
    today = dt.date.today().isoformat()
    rows = staff.get("/api/v1/compensations/money-recovered/", {"start": today, "end": today})
    assert rows.status_code == 200 and rows.json()[0]["total"] == "1059.90"
    bad = staff.get("/api/v1/compensations/money-recovered/", {"start": "x", "end": "2026-02-30"})
    assert bad.status_code == 400 and set(bad.json()) == {"start", "end"}
