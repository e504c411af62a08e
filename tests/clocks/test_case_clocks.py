"""Clocks of real cases in PostgreSQL: which clocks start and stop on which
transition, pauses, and the 2026-04-15 change of rules (处理办法, from 2026-04-15)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from complaints import lifecycle
from complaints.clocks import (
    WorkCalendar,
    clock_state,
    clocks_on_intake,
    clocks_on_transition,
)
from complaints.models import FINAL_STATES, Case
from core.clocks.engine import Op
from core.models import Clock

from .oracle import (
    ONE_DAY,
    oracle_add_calendar_days,
    oracle_add_working_days,
    oracle_due_with_pauses,
    oracle_is_workday,
    oracle_working_days_in,
)

MakeCase = Callable[..., Case]
TRANSITION_EFFECTS = {t.name: t.clocks for t in lifecycle.TRANSITIONS}


def running(case: Case, kind: str) -> Clock:
    return Clock.objects.get(case=case, kind=kind, stopped_on__isnull=True)


def kinds_running(case: Case) -> set[str]:
    return set(
        Clock.objects.filter(case=case, stopped_on__isnull=True).values_list("kind", flat=True)
    )


# --- The transition table --------------------------------------------------------
def test_every_case_transition_has_an_entry_and_only_those() -> None:
    names = {t.name for t in Case._meta.get_field("status").get_all_transitions(Case)}
    assert names == set(TRANSITION_EFFECTS)


def test_transitions_into_final_states_stop_every_clock() -> None:
    transitions = Case._meta.get_field("status").get_all_transitions(Case)
    final = {t.name for t in transitions if t.target in FINAL_STATES}
    assert final, "the state machine has final states"
    for name in final:
        assert any(e.op is Op.STOP_ALL for e in TRANSITION_EFFECTS[name]), name


def test_started_clocks_exist_in_every_rule_set(postgres: None) -> None:
    from core.models import ClockRule, RuleSet

    started = {
        e.kind for effects in TRANSITION_EFFECTS.values() for e in effects if e.op is Op.START
    }
    for rule_set in RuleSet.objects.all():
        kinds = set(ClockRule.objects.filter(rule_set=rule_set).values_list("kind", flat=True))
        assert started <= kinds, rule_set.code


# --- Intake -----------------------------------------------------------------------
def test_complaint_intake_starts_acceptance_and_12345_return(
    postgres: None, make_case: MakeCase
) -> None:
    received = dt.date(2026, 2, 13)
    case = make_case(channel="12345", received_on=received)
    clocks_on_intake(case=case, on=received)
    assert kinds_running(case) == {"acceptance", "return_misrouted"}
    assert running(case, "acceptance").due_on == oracle_add_working_days(received, 7)
    assert running(case, "return_misrouted").due_on == oracle_add_working_days(received, 1)


def test_report_intake_starts_verification(postgres: None, make_case: MakeCase) -> None:
    received = dt.date(2025, 9, 30)
    case = make_case(kind="report", received_on=received)
    clocks_on_intake(case=case, on=received)
    assert kinds_running(case) == {"report_verification"}
    clock = running(case, "report_verification")
    assert (clock.unit, clock.amount) == ("working", 15)
    assert clock.due_on == oracle_add_working_days(received, 15)
    assert not clock.provisional


def test_a_clock_running_into_an_unloaded_year_is_provisional(
    postgres: None, make_case: MakeCase
) -> None:
    received = dt.date(2026, 12, 20)
    case = make_case(kind="report", received_on=received)
    clocks_on_intake(case=case, on=received)
    clock = running(case, "report_verification")
    assert clock.provisional
    assert clock.due_on == oracle_add_working_days(received, 15)


# --- The change of rules on 2026-04-15 ----------------------------------------------
def test_case_received_2026_04_14_keeps_the_old_45_working_day_mediation(
    postgres: None, make_case: MakeCase
) -> None:
    from complaints.services.intake import rule_set_for

    received = dt.date(2026, 4, 14)
    assert rule_set_for(received).code == "order-20-61"  # type: ignore[union-attr]
    case = make_case(received_on=received)
    assert case.rule_set.code == "order-20-61"
    clocks_on_intake(case=case, on=received)
    accepted = dt.date(2026, 4, 20)
    clocks_on_transition(case=case, action="accept", on=accepted)
    mediation = running(case, "mediation")
    assert (mediation.unit, mediation.amount) == ("working", 45)
    # 45 WD from acceptance crosses Labour Day 2026 and its make-up days.
    assert mediation.due_on == oracle_add_working_days(accepted, 45)
    assert oracle_working_days_in(accepted, mediation.due_on) == 45


def test_case_received_2026_04_15_gets_order_121_sixty_calendar_days(
    postgres: None, make_case: MakeCase
) -> None:
    from complaints.services.intake import rule_set_for

    received = dt.date(2026, 4, 15)
    assert rule_set_for(received).code == "order-121"  # type: ignore[union-attr]
    case = make_case(received_on=received)
    assert case.rule_set.code == "order-121"
    clocks_on_intake(case=case, on=received)
    accepted = dt.date(2026, 8, 2)
    clocks_on_transition(case=case, action="accept", on=accepted)
    mediation = running(case, "mediation")
    assert (mediation.unit, mediation.amount) == ("calendar", 60)
    # 08-02 + 60 days = Thu 10-01, National Day; the period ends on the next
    # working day, Thu 10-08 (Civil Code art. 203).
    assert mediation.due_on == oracle_add_calendar_days(accepted, 60) == dt.date(2026, 10, 8)


def test_same_acceptance_day_different_rules_different_deadlines(
    postgres: None, make_case: MakeCase
) -> None:
    old = make_case(received_on=dt.date(2026, 4, 14))
    new = make_case(received_on=dt.date(2026, 4, 15))
    accepted = dt.date(2026, 4, 16)
    for case in (old, new):
        clocks_on_intake(case=case, on=case.received_at.date())
        clocks_on_transition(case=case, action="accept", on=accepted)
    assert running(old, "mediation").due_on == oracle_add_working_days(accepted, 45)
    assert running(new, "mediation").due_on == oracle_add_calendar_days(accepted, 60)


# --- Pauses -------------------------------------------------------------------------
def test_materials_request_pauses_acceptance_across_spring_festival(
    postgres: None, make_case: MakeCase
) -> None:
    received = dt.date(2026, 2, 11)
    case = make_case(received_on=received)
    clocks_on_intake(case=case, on=received)
    original = running(case, "acceptance").due_on
    asked, answered = dt.date(2026, 2, 13), dt.date(2026, 2, 26)
    clocks_on_transition(case=case, action="request_materials", on=asked)
    clock = running(case, "acceptance")
    assert clock.paused_on == asked
    assert clock_state(clock, today=dt.date(2026, 2, 25)) == "paused"
    clocks_on_transition(case=case, action="receive_materials", on=answered)
    clock = running(case, "acceptance")
    assert clock.paused_on is None
    paused_wd = oracle_working_days_in(asked, answered)
    assert clock.due_on == oracle_add_working_days(original, paused_wd)
    # The clock ran 7 WD in all: the working days while paused do not count.
    assert oracle_working_days_in(received, clock.due_on) - paused_wd == 7


def test_inspection_pauses_mediation_and_terminating_resumes_then_stops(
    postgres: None, make_case: MakeCase
) -> None:
    received = dt.date(2025, 9, 1)
    case = make_case(received_on=received)
    clocks_on_intake(case=case, on=received)
    clocks_on_transition(case=case, action="accept", on=dt.date(2025, 9, 3))
    original = running(case, "mediation").due_on
    clocks_on_transition(case=case, action="request_inspection", on=dt.date(2025, 9, 26))
    assert running(case, "mediation").paused_on == dt.date(2025, 9, 26)
    ended = dt.date(2025, 10, 20)
    clocks_on_transition(case=case, action="terminate_mediation", on=ended)
    mediation = Clock.objects.get(case=case, kind="mediation")
    assert mediation.stopped_on == ended and mediation.paused_on is None
    assert mediation.due_on == oracle_add_working_days(
        original, oracle_working_days_in(dt.date(2025, 9, 26), ended)
    )
    notice = running(case, "termination_notice")
    assert notice.due_on == oracle_add_working_days(ended, 7)


def test_calendar_day_mediation_pause_extends_by_calendar_days(
    postgres: None, make_case: MakeCase
) -> None:
    received = dt.date(2026, 5, 6)
    case = make_case(received_on=received)
    clocks_on_intake(case=case, on=received)
    accepted = dt.date(2026, 5, 8)
    clocks_on_transition(case=case, action="accept", on=accepted)
    original = running(case, "mediation").due_on
    clocks_on_transition(case=case, action="request_inspection", on=dt.date(2026, 6, 1))
    clocks_on_transition(case=case, action="resume_mediation", on=dt.date(2026, 6, 11))
    # Paused 10 calendar days: the period is 70 days, its end moved off rest days (art. 203).
    assert original == oracle_add_calendar_days(accepted, 60)
    assert running(case, "mediation").due_on == oracle_add_calendar_days(accepted, 70)


def test_pausing_a_period_that_ended_on_national_day_counts_from_its_real_end(
    postgres: None, make_case: MakeCase
) -> None:
    case = make_case(received_on=dt.date(2026, 7, 30))
    clocks_on_intake(case=case, on=dt.date(2026, 7, 30))
    accepted = dt.date(2026, 8, 2)
    clocks_on_transition(case=case, action="accept", on=accepted)
    # 08-02 + 60 = Thu 10-01 (holiday), moved to Thu 10-08.
    assert running(case, "mediation").due_on == dt.date(2026, 10, 8)
    clocks_on_transition(case=case, action="request_inspection", on=dt.date(2026, 9, 1))
    clocks_on_transition(case=case, action="resume_mediation", on=dt.date(2026, 9, 11))
    # 10 days paused: 08-02 + 70 = Sun 10-11, so the period ends Mon 10-12; not
    # 10-18, which adding to the moved date would give.
    assert running(case, "mediation").due_on == dt.date(2026, 10, 12)
    assert running(case, "mediation").due_on == oracle_add_calendar_days(accepted, 70)


# (days the clock runs, days it then stays paused), in turn.
PAUSE_PLANS = st.lists(
    st.tuples(st.integers(min_value=0, max_value=25), st.integers(min_value=0, max_value=40)),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    accepted=st.dates(min_value=dt.date(2026, 4, 16), max_value=dt.date(2026, 12, 31)),
    plan=PAUSE_PLANS,
)
# 06-01 + 60 = Fri 07-31; 2 days paused put the end on Sun 08-02 (moved to Mon
# 08-03); 3 more put it on Wed 08-05, not on Tue 08-04 as re-deriving the
# period's end from the moved date would (the weekend is ambiguous there).
@example(accepted=dt.date(2026, 6, 1), plan=[(10, 2), (5, 3)])
def test_calendar_day_clock_paused_several_times_runs_exactly_its_days(
    postgres: None,
    make_case: MakeCase,
    accepted: dt.date,
    plan: list[tuple[int, int]],
) -> None:
    """Order 121 mediation (60 calendar days, 处理办法) paused again and
    again ends where a day-by-day count of its unpaused days puts it, moved
    off a rest day once at the end (Civil Code arts. 201, 203)."""
    calendar = WorkCalendar.load()
    with transaction.atomic():
        case = make_case(received_on=dt.date(2026, 4, 15))
        clocks_on_transition(case=case, action="accept", on=accepted, calendar=calendar)
        pauses: list[tuple[dt.date, dt.date]] = []
        day, ran = accepted, 0
        for run, paused_for in plan:
            # Pause while the period still runs (before its 60th day).
            run = min(run, 59 - ran)
            ran += run
            asked = day + dt.timedelta(days=run)
            answered = asked + dt.timedelta(days=paused_for)
            clocks_on_transition(
                case=case, action="request_inspection", on=asked, calendar=calendar
            )
            clocks_on_transition(
                case=case, action="resume_mediation", on=answered, calendar=calendar
            )
            pauses.append((asked, answered))
            day = answered
            clock = running(case, "mediation")
            assert clock.unit == "calendar" and clock.amount == 60
            assert clock.paused_days == sum((r - p).days for p, r in pauses)
            assert clock.due_on == oracle_due_with_pauses(accepted, 60, "calendar", pauses)
        transaction.set_rollback(True)


def test_report_verification_pauses_for_testing(postgres: None, make_case: MakeCase) -> None:
    received = dt.date(2026, 3, 2)
    case = make_case(kind="report", received_on=received)
    clocks_on_intake(case=case, on=received)
    original = running(case, "report_verification").due_on
    clocks_on_transition(case=case, action="request_inspection", on=dt.date(2026, 3, 5))
    clocks_on_transition(case=case, action="resume_mediation", on=dt.date(2026, 3, 12))
    clock = running(case, "report_verification")
    assert clock.due_on == oracle_add_working_days(
        original, oracle_working_days_in(dt.date(2026, 3, 5), dt.date(2026, 3, 12))
    )


# --- Stops and starts ------------------------------------------------------------
def test_transfer_and_take_over_start_a_fresh_acceptance_clock(
    postgres: None, make_case: MakeCase
) -> None:
    received = dt.date(2026, 9, 28)
    case = make_case(channel="12345", received_on=received)
    clocks_on_intake(case=case, on=received)
    clocks_on_transition(case=case, action="transfer", on=dt.date(2026, 9, 29))
    assert kinds_running(case) == set()
    taken = dt.date(2026, 10, 9)
    clocks_on_transition(case=case, action="take_over", on=taken)
    assert running(case, "acceptance").due_on == oracle_add_working_days(taken, 7)
    assert Clock.objects.filter(case=case, kind="acceptance").count() == 2


def test_report_opening_stops_verification_and_starts_decision(
    postgres: None, make_case: MakeCase
) -> None:
    received = dt.date(2026, 1, 5)
    case = make_case(kind="report", channel="12345", received_on=received)
    clocks_on_intake(case=case, on=received)
    clocks_on_transition(case=case, action="start_verification", on=dt.date(2026, 1, 5))
    assert kinds_running(case) == {"report_verification"}
    opened = dt.date(2026, 1, 20)
    clocks_on_transition(case=case, action="open_case", on=opened)
    assert kinds_running(case) == {"report_decision"}
    assert running(case, "report_decision").due_on == oracle_add_calendar_days(opened, 90)
    verification = Clock.objects.get(case=case, kind="report_verification")
    assert clock_state(verification, today=dt.date(2026, 3, 1)) == "met"


@pytest.mark.parametrize(
    ("before", "action"),
    [("request_materials", "withdraw"), ("", "withdraw"), ("", "return_work_order")],
)
def test_final_transitions_stop_every_clock(
    postgres: None, make_case: MakeCase, before: str, action: str
) -> None:
    received = dt.date(2026, 2, 12)
    case = make_case(channel="12345", received_on=received)
    clocks_on_intake(case=case, on=received)
    if before:
        clocks_on_transition(case=case, action=before, on=received)
    still_running = set(
        Clock.objects.filter(case=case, stopped_on__isnull=True).values_list("pk", flat=True)
    )
    assert still_running
    ended = dt.date(2026, 3, 10)
    clocks_on_transition(case=case, action=action, on=ended)
    assert kinds_running(case) == set()
    assert not Clock.objects.filter(case=case, paused_on__isnull=False).exists()
    stopped = Clock.objects.filter(pk__in=still_running).values_list("stopped_on", flat=True)
    assert set(stopped) == {ended}


def test_only_one_running_clock_per_kind(postgres: None, make_case: MakeCase) -> None:
    case = make_case()
    clocks_on_intake(case=case, on=dt.date(2026, 3, 2))
    clock = running(case, "acceptance")
    with pytest.raises(IntegrityError), transaction.atomic():
        Clock.objects.create(
            owner=case,
            kind="acceptance",
            unit=clock.unit,
            amount=clock.amount,
            started_on=clock.started_on,
            due_on=clock.due_on,
        )


# --- States -------------------------------------------------------------------------
def test_clock_states_follow_the_reminder_fraction(postgres: None, make_case: MakeCase) -> None:
    from django.conf import settings as django_settings

    received = dt.date(2026, 2, 10)
    case = make_case(received_on=received)
    clocks_on_intake(case=case, on=received)
    clock = running(case, "acceptance")
    soon = math.ceil(django_settings.CLOCK_REMINDER_FRACTION * clock.amount)
    day_soon = oracle_add_working_days(received, soon)
    day_before = oracle_add_working_days(received, soon - 1)
    assert clock_state(clock, today=day_before) == "running"
    assert clock_state(clock, today=day_soon) == "due_soon"
    assert clock_state(clock, today=clock.due_on) == "due_soon"
    assert clock_state(clock, today=clock.due_on + ONE_DAY) == "overdue"
    clocks_on_transition(case=case, action="accept", on=clock.due_on)
    clock.refresh_from_db()
    assert clock_state(clock, today=clock.due_on + 10 * ONE_DAY) == "met"

    late = make_case(received_on=received)
    clocks_on_intake(case=late, on=received)
    due = running(late, "acceptance").due_on
    clocks_on_transition(case=late, action="decline", on=due + ONE_DAY)
    assert clock_state(Clock.objects.get(case=late), today=due + ONE_DAY) == "met_late"


# --- Properties ---------------------------------------------------------------------
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    received=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31)),
    pause_after=st.integers(min_value=0, max_value=6),
    paused_for=st.integers(min_value=0, max_value=40),
    pause_count=st.integers(min_value=1, max_value=3),
)
def test_pauses_never_shorten_and_move_by_the_paused_working_days(
    postgres: None,
    make_case: MakeCase,
    received: dt.date,
    pause_after: int,
    paused_for: int,
    pause_count: int,
) -> None:
    calendar = WorkCalendar.load()
    with transaction.atomic():
        case = make_case(received_on=received)
        clocks_on_intake(case=case, on=received, calendar=calendar)
        day = received
        pauses: list[tuple[dt.date, dt.date]] = []
        for _ in range(pause_count):
            before = running(case, "acceptance")
            # Pause while the clock still runs: on a day before its due date.
            asked = min(oracle_add_working_days(day, pause_after), before.due_on - ONE_DAY)
            asked = max(asked, day)
            answered = asked + dt.timedelta(days=paused_for)
            clocks_on_transition(case=case, action="request_materials", on=asked, calendar=calendar)
            assert clock_state(running(case, "acceptance"), today=answered) == "paused"
            clocks_on_transition(
                case=case, action="receive_materials", on=answered, calendar=calendar
            )
            after = running(case, "acceptance")
            paused_wd = oracle_working_days_in(asked, answered)
            assert after.due_on >= before.due_on
            assert after.due_on == oracle_add_working_days(before.due_on, paused_wd)
            pauses.append((asked, answered))
            assert after.paused_days == sum(oracle_working_days_in(p, r) for p, r in pauses)
            assert after.due_on == oracle_due_with_pauses(
                after.started_on, after.amount, "working", pauses
            )
            assert oracle_is_workday(after.due_on)
            assert after.provisional is (after.due_on.year > 2026)
            day = answered
        transaction.set_rollback(True)


def test_approved_extension_runs_from_the_original_due_date(
    postgres: None, make_case: MakeCase
) -> None:
    from core.clocks.engine import clock_extend

    received = dt.date(2026, 9, 14)
    case = make_case(kind="report", received_on=received)
    clocks_on_intake(case=case, on=received)
    base_due = running(case, "report_verification").due_on
    approved = base_due - ONE_DAY
    extension = clock_extend(owner=case, kind="report_verification", on=approved)
    assert extension is not None
    assert kinds_running(case) == {"report_verification_extension"}
    # 15 + 15 WD across National Day 2026, counted independently.
    assert extension.due_on == oracle_add_working_days(received, 30)
    base = Clock.objects.get(case=case, kind="report_verification")
    assert clock_state(base, today=approved) == "met"
    # Only once; opening the case ends the extension too.
    assert clock_extend(owner=case, kind="report_verification", on=approved) is None
    clocks_on_transition(case=case, action="open_case", on=extension.due_on)
    assert kinds_running(case) == {"report_decision"}


def test_termination_notice_clock_ends_when_the_notice_is_sent(
    postgres: None, make_case: MakeCase
) -> None:
    from complaints.clocks import clocks_on_notice
    from complaints.models import Notice

    assert set(lifecycle.NOTICE_CLOCKS) <= set(Notice.Kind.values)
    case = make_case(received_on=dt.date(2026, 1, 5))
    clocks_on_intake(case=case, on=dt.date(2026, 1, 5))
    clocks_on_transition(case=case, action="accept", on=dt.date(2026, 1, 6))
    clocks_on_transition(case=case, action="terminate_mediation", on=dt.date(2026, 2, 12))
    notice = running(case, "termination_notice")
    assert notice.due_on == oracle_add_working_days(dt.date(2026, 2, 12), 7)
    clocks_on_notice(case=case, notice_kind="hearing", on=dt.date(2026, 2, 13))
    assert kinds_running(case) == {"termination_notice"}
    clocks_on_notice(case=case, notice_kind="termination", on=dt.date(2026, 2, 24))
    notice.refresh_from_db()
    assert kinds_running(case) == set()
    assert clock_state(notice, today=dt.date(2026, 3, 1)) == "met"
