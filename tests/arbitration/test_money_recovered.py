"""Money recovered for consumers per office and period: the compensation of
agreements recorded in the period, within the user's office scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from arbitration.selectors import money_recovered
from complaints.services import case_transition
from core.models import Office
from core.roles import Role
from tests.arbitration.conftest import MakeCase
from tests.arbitration.helpers import at
from tests.cases.factories import make_staff

pytestmark = pytest.mark.usefixtures("postgres")


def agree(case_id: int, mediator: Any, amount: str, day: dt.date, hour: int = 10) -> None:
    with at(day, hour):
        case_transition(
            case_id=case_id,
            name="reach_agreement",
            actor=mediator,
            params={"amount": amount, "payer": "seller"},
        )


def test_totals_per_office_within_the_period_and_the_scope(
    mediating_case: MakeCase, mediator: Any, django_assert_num_queries: Any
) -> None:
    day = dt.date(2026, 5, 6)
    first, second, late = (mediating_case(on=day) for _ in range(3))
    agree(first.pk, mediator, "600.00", dt.date(2026, 5, 6), hour=0)
    agree(second.pk, mediator, "1000.50", dt.date(2026, 5, 31), hour=23)
    agree(late.pk, mediator, "99.00", dt.date(2026, 6, 1), hour=0)
    unagreed = mediating_case(on=day)
    assert unagreed.compensation_amount is None
    # Another office's agreement in the same month.
    other_mediator = make_staff(Role.MEDIATOR, "amr-430202")
    other_handler = make_staff(Role.CASE_HANDLER, "amr-430202")
    with at(day):
        from complaints.services import intake_create
        from tests.cases.factories import make_intake_data

        other = intake_create(data=make_intake_data(region="430202"), actor=other_handler).cases[0]
        case_transition(case_id=other.pk, name="accept", actor=other_handler)
        case_transition(
            case_id=other.pk,
            name="start_mediation",
            actor=other_handler,
            params={"mediator": other_mediator.pk},
        )
    agree(other.pk, other_mediator, "300.00", dt.date(2026, 5, 20))

    may = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    county = Office.objects.get(code="amr-430102")
    with django_assert_num_queries(1):
        rows = money_recovered(user=mediator, start=may[0], end=may[1])
    assert [(r.office_id, r.cases, r.total) for r in rows] == [(county.pk, 2, Decimal("1600.50"))]
    province = make_staff(Role.ENFORCEMENT_OFFICER)
    totals = {
        r.office_id: r.total for r in money_recovered(user=province, start=may[0], end=may[1])
    }
    assert totals == {
        county.pk: Decimal("1600.50"),
        Office.objects.get(code="amr-430202").pk: Decimal("300.00"),
    }
    june = money_recovered(user=mediator, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))
    assert [(r.cases, r.total) for r in june] == [(1, Decimal("99.00"))]
    assert money_recovered(user=other_mediator, start=may[0], end=may[1])[0].total == Decimal(
        "300.00"
    )
