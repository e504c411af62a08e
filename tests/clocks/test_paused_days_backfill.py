"""Migration 0004 recovers the paused days already folded into the due dates
of existing clocks (RULES.md §3): working days exactly, calendar days up to
the art. 203 ambiguity, and never so as to move a due date."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable

from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.clocks import WorkCalendar, clocks_on_intake, clocks_on_transition
from complaints.clocks.services import clock_deadline
from complaints.models import Case, CaseClock

backfill_paused_days = importlib.import_module(
    "complaints.migrations.0004_caseclock_paused_days"
).backfill_paused_days

PLAN = st.lists(
    st.tuples(st.integers(min_value=0, max_value=4), st.integers(min_value=0, max_value=20)),
    max_size=3,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    received=st.dates(min_value=dt.date(2026, 4, 15), max_value=dt.date(2026, 10, 31)),
    plan=PLAN,
)
def test_backfill_recovers_paused_days_without_moving_due_dates(
    postgres: None, make_case: Callable[..., Case], received: dt.date, plan: list[tuple[int, int]]
) -> None:
    calendar = WorkCalendar.load()
    with transaction.atomic():
        # Acceptance runs in working days, Order 121 mediation in calendar days.
        accepting, mediating = make_case(received_on=received), make_case(received_on=received)
        clocks_on_intake(case=accepting, on=received, calendar=calendar)
        clocks_on_transition(case=mediating, action="accept", on=received, calendar=calendar)
        for case, pause, resume in (
            (accepting, "request_materials", "receive_materials"),
            (mediating, "request_inspection", "resume_mediation"),
        ):
            day = received
            for run, paused_for in plan:
                asked = day + dt.timedelta(days=run)
                answered = asked + dt.timedelta(days=paused_for)
                clocks_on_transition(case=case, action=pause, on=asked, calendar=calendar)
                clocks_on_transition(case=case, action=resume, on=answered, calendar=calendar)
                day = answered
        mine = CaseClock.objects.filter(case__in=[accepting, mediating], stopped_on__isnull=True)
        clocks = {c.pk: c for c in mine}
        assert sorted(c.unit for c in clocks.values()) == ["calendar", "working"]
        # The test recovers something: mediation (60 days) is always paused.
        assert any(c.paused_days for c in clocks.values()) is any(p for _r, p in plan)
        mine.update(paused_days=0)

        backfill_paused_days(apps, None)

        for clock in mine:
            true = clocks[clock.pk]
            assert clock.due_on == true.due_on
            assert clock_deadline(clock, calendar=calendar).due_on == clock.due_on
            if clock.unit == "working":
                assert clock.paused_days == true.paused_days
            else:
                assert clock.paused_days <= true.paused_days
        transaction.set_rollback(True)
