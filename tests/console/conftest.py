"""Fixtures for the console tests: staff in their roles, cases made through
the intake service, and a logged-in test client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from complaints.services import intake_create
from core.roles import Role
from tests.cases.factories import make_intake_data, make_staff


@pytest.fixture
def operator(postgres: None) -> Any:
    return make_staff(Role.HOTLINE_OPERATOR, username="operator1")


@pytest.fixture
def handler(postgres: None) -> Any:
    return make_staff(Role.CASE_HANDLER, username="handler1")


@pytest.fixture
def other_office_handler(postgres: None) -> Any:
    # 天心区: a sibling county office, which does not see 芙蓉区's cases.
    return make_staff(Role.CASE_HANDLER, "amr-430103", username="handler-tianxin")


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def make_case(operator: Any) -> Any:
    def make(**overrides: Any) -> Any:
        return intake_create(data=make_intake_data(**overrides), actor=operator).cases[0]

    return make
