"""Random walks through the case state machine with their clock effects
(docs/legal-basis.md §2): whatever the path, clocks never run while paused, deadlines
match an independent count, and final states leave no clock running."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.clocks import WorkCalendar, clocks_on_intake, clocks_on_transition
from complaints.models import FINAL_STATES, Case
from core.models import Clock, Office

from .oracle import (
    oracle_add_calendar_days,
    oracle_due_with_pauses,
    oracle_period_end,
    oracle_working_days_in,
)

MakeCase = Callable[..., Case]

# The clock that must be running, unpaused, in each state (docs/legal-basis.md §2).
RUNNING_IN_STATE = {
    ("complaint", "registered"): "acceptance",
    ("complaint", "accepted"): "mediation",
    ("complaint", "mediating"): "mediation",
    ("complaint", "mediation_terminated"): "termination_notice",
    ("report", "registered"): "report_verification",
    ("report", "verifying"): "report_verification",
    ("report", "case_opened"): "report_decision",
    ("report", "investigating"): "report_decision",
}
PAUSED_IN_STATE = {"materials_requested": "acceptance", "inspection_pending": "mediation"}


def transition_kwargs(
    name: str, case: Case, other: Case, offices: tuple[Office, Office]
) -> dict[str, Any]:
    if name in {"decline", "return_work_order", "terminate_mediation", "decline_case"}:
        return {"reason_code": "test"}
    if name == "transfer":
        # Back and forth between two offices.
        return {
            "reason_code": "test",
            "to_office": next(o for o in offices if o.pk != case.office_id),
        }
    if name == "start_mediation":
        return {"mediator": None}
    if name == "reach_agreement":
        return {"amount": Decimal("100.00"), "payer": "seller"}
    if name == "close":
        return {"satisfaction": None}
    if name == "merge_into":
        return {"original": other}
    return {}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["complaint", "report"]),
    channel=st.sampled_from(["12345", "phone"]),
    received=st.dates(min_value=dt.date(2025, 9, 1), max_value=dt.date(2026, 10, 31)),
    data=st.data(),
)
def test_random_paths_keep_the_clock_invariants(
    postgres: None, make_case: MakeCase, kind: str, channel: str, received: dt.date, data: Any
) -> None:
    calendar = WorkCalendar.load()
    with transaction.atomic():
        case = make_case(kind=kind, channel=channel, received_on=received)
        other = make_case(kind=kind, received_on=received)
        elsewhere = Office.objects.exclude(pk=case.office_id).filter(kind="county_amr").first()
        assert elsewhere is not None
        offices = (case.office, elsewhere)
        clocks_on_intake(case=case, on=received, calendar=calendar)
        paused_units: dict[int, int] = {}
        pauses: dict[int, list[tuple[dt.date, dt.date]]] = {}
        late_pause: set[int] = set()
        last_due: dict[int, dt.date] = {}
        day = received
        for _step in range(data.draw(st.integers(min_value=1, max_value=12), label="steps")):
            available = sorted(t.name for t in case.get_available_status_transitions())  # type: ignore[attr-defined]
            if not available:
                break
            name = data.draw(st.sampled_from(available), label="transition")
            day += dt.timedelta(days=data.draw(st.integers(0, 25), label="days later"))
            before = {c.pk: c.paused_on for c in Clock.objects.filter(case=case)}
            getattr(case, name)(**transition_kwargs(name, case, other, offices))
            clocks_on_transition(case=case, action=name, on=day, calendar=calendar)

            clocks = list(Clock.objects.filter(case=case))
            for clock in clocks:
                paused_on = before.get(clock.pk)
                if paused_on is not None and clock.paused_on is None:
                    paused_units[clock.pk] = paused_units.get(clock.pk, 0) + (
                        oracle_working_days_in(paused_on, day)
                        if clock.unit == "working"
                        else (day - paused_on).days
                    )
                    # A pause begun once the period had run out (an overdue
                    # clock) has no day-by-day answer to compare with.
                    if paused_on >= oracle_period_end(
                        clock.started_on, clock.amount, clock.unit, pauses.get(clock.pk, [])
                    ):
                        late_pause.add(clock.pk)
                    pauses.setdefault(clock.pk, []).append((paused_on, day))
                # Deadlines only ever move out.
                assert clock.due_on >= last_due.get(clock.pk, clock.due_on)
                last_due[clock.pk] = clock.due_on
                # The clock ran exactly its length: paused days do not count.
                extra = paused_units.get(clock.pk, 0)
                assert clock.paused_days == extra
                if clock.unit == "working":
                    assert oracle_working_days_in(clock.started_on, clock.due_on) == (
                        clock.amount + extra
                    )
                else:
                    assert clock.due_on == oracle_add_calendar_days(
                        clock.started_on, clock.amount + extra
                    )
                if clock.pk not in late_pause:
                    assert clock.due_on == oracle_due_with_pauses(
                        clock.started_on, clock.amount, clock.unit, pauses.get(clock.pk, [])
                    )
                if clock.paused_on is not None:
                    assert clock.stopped_on is None

            running = {c.kind: c for c in clocks if c.stopped_on is None}
            if case.status in FINAL_STATES:
                assert running == {}
            expected = RUNNING_IN_STATE.get((case.kind, case.status))
            if expected is not None:
                assert expected in running and running[expected].paused_on is None, (
                    name,
                    case.status,
                )
            paused_kind = PAUSED_IN_STATE.get(case.status)
            paused = {k for k, c in running.items() if c.paused_on is not None}
            assert paused == ({paused_kind} if paused_kind else set()), (name, case.status)
        transaction.set_rollback(True)
