"""Conflicting transitions on one case at the same moment, each thread on its
own PostgreSQL connection: the row lock lets exactly one through, the others
get 409, and exactly one event row is written."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from complaints.models import Case
from complaints.services import intake_create
from core.models import Event
from core.roles import Role
from tests.cases.factories import intake_payload, make_intake_data, make_staff

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("transactional_postgres"),
]

# From "registered" each of these leads to a state none of the others leaves
# from. (A transfer would move the case away, so the losers would get 403.)
CONFLICTING: list[tuple[str, dict[str, Any]]] = [
    ("accept", {}),
    ("accept", {}),
    ("decline", {"reason_code": "outside-authority"}),
    ("return_work_order", {"reason_code": "wrong-region"}),
    ("return_work_order", {"reason_code": "incomplete-order"}),
    ("decline", {"reason_code": "materials-missing"}),
]


def race(case_id: int, user: Any, attempts: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    barrier = threading.Barrier(len(attempts))
    results: list[Any] = [None] * len(attempts)

    def attempt(i: int, name: str, body: dict[str, Any]) -> None:
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=30)
            response = client.post(
                f"/api/v1/cases/{case_id}/transitions/{name}/", body, format="json"
            )
            results[i] = (name, response.status_code, response.json())
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(i, name, body))
        for i, (name, body) in enumerate(attempts)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(not t.is_alive() for t in threads)
    return results


@pytest.mark.parametrize("with_version", [False, True])
def test_exactly_one_of_several_conflicting_transitions_wins(with_version: bool) -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    handler = make_staff(Role.CASE_HANDLER)
    case = intake_create(data=make_intake_data(), actor=operator).cases[0]
    attempts = [
        (name, {**body, **({"expected_version": case.version} if with_version else {})})
        for name, body in CONFLICTING
    ]

    results = race(case.pk, handler, attempts)

    winners = [r for r in results if r[1] == 200]
    losers = [r for r in results if r[1] != 200]
    assert len(winners) == 1, results
    assert {r[1] for r in losers} == {409}, results
    if not with_version:
        # Without a version the losers learn what the new state allows.
        assert all("allowed" in r[2] for r in losers)
    winner_name = winners[0][0]
    events = list(Event.objects.filter(owner_id=case.pk).exclude(action="registered"))
    assert [e.action for e in events] == [winner_name]
    stored = Case.objects.get(pk=case.pk)
    assert stored.status == events[0].to_status == winners[0][2]["status"]
    assert stored.version == case.version + 1


def test_one_work_order_registered_twice_at_once_becomes_one_case() -> None:
    """Idempotent on the 12345 work-order number even when two operators
    submit it at the same moment: the loser gets a field message, not a 500."""
    operators = [make_staff(Role.HOTLINE_OPERATOR, "hotline-12345") for _ in range(4)]
    barrier = threading.Barrier(len(operators))
    results: list[Any] = [None] * len(operators)

    def submit(i: int) -> None:
        client = APIClient()
        client.force_authenticate(operators[i])
        try:
            barrier.wait(timeout=30)
            response = client.post(
                "/api/v1/intakes/",
                intake_payload(channel="12345", work_order_no="WO-2026-RACE"),
                format="json",
            )
            results[i] = (response.status_code, response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(operators))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(status for status, _ in results) == [201, 400, 400, 400], results
    assert all("work_order_no" in body for status, body in results if status == 400)
    assert Case.objects.filter(work_order_no="WO-2026-RACE").count() == 1
