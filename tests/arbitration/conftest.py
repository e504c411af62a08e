"""Fixtures for arbitration: staff in their roles, and complaints brought
into mediation through the real case services on a chosen day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from complaints.models import Case
from complaints.services import case_transition, intake_create
from core.roles import Role
from tests.arbitration.helpers import at
from tests.cases.factories import make_intake_data, make_staff


@pytest.fixture
def handler() -> Any:
    return make_staff(Role.CASE_HANDLER)


@pytest.fixture
def mediator() -> Any:
    return make_staff(Role.MEDIATOR)


@pytest.fixture
def inspector() -> Any:
    return make_staff(Role.INSPECTOR)


MakeCase = Callable[..., Case]


@pytest.fixture
def mediating_case(handler: Any, mediator: Any) -> Iterator[MakeCase]:
    def make(*, on: dt.date | None = None, **overrides: Any) -> Case:
        day = on or dt.date.today()
        filer = overrides.pop("filed_by", handler)
        with at(day):
            result = intake_create(data=make_intake_data(**overrides), actor=filer)
            case = result.cases[0]
            case_transition(case_id=case.pk, name="accept", actor=handler)
            case_transition(
                case_id=case.pk,
                name="start_mediation",
                actor=handler,
                params={"mediator": mediator.pk},
            )
        return Case.objects.get(pk=case.pk)

    yield make
