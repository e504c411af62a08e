"""Deadline arithmetic on the holiday calendar (民法典第二百零一条、
第二百零三条). Expected dates come from an independent day-by-day count on
the chinese-calendar package (tests/clocks/conftest.py), not from the tables
the code reads."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaints.clocks import WorkCalendar, add_days
from core.models import CalendarYear

from .oracle import (
    ONE_DAY,
    oracle_add_calendar_days,
    oracle_add_working_days,
    oracle_is_workday,
    oracle_working_days_in,
)

FIXTURE_HEALTH = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def calendar(postgres: None) -> WorkCalendar:
    return WorkCalendar.load()


def test_calendar_tables_agree_with_the_package_on_every_covered_day(
    calendar: WorkCalendar,
) -> None:
    years = sorted(CalendarYear.objects.values_list("year", flat=True))
    assert years, "the migration loads the package's years"
    day, end = dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31)
    disagreements = []
    while day <= end:
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += ONE_DAY
    assert disagreements == []
    assert calendar.is_known(end) and not calendar.is_known(end + ONE_DAY)


# Receipt dates just before and inside Spring Festival 2026 and National Day
# 2025/2026, including the make-up Saturdays/Sundays themselves.
HOLIDAY_RECEIPTS = [
    dt.date(2026, 2, 12),
    dt.date(2026, 2, 13),
    dt.date(2026, 2, 14),  # make-up working Saturday
    dt.date(2026, 2, 15),
    dt.date(2026, 2, 18),
    dt.date(2025, 9, 26),
    dt.date(2025, 9, 28),  # make-up working Sunday
    dt.date(2025, 9, 30),
    dt.date(2025, 10, 3),
    dt.date(2026, 9, 19),
    dt.date(2026, 9, 24),
    dt.date(2026, 9, 30),
]


@pytest.mark.parametrize("received", HOLIDAY_RECEIPTS, ids=str)
@pytest.mark.parametrize("amount", [1, 7, 15, 45])
def test_working_day_clocks_across_spring_festival_and_national_day(
    calendar: WorkCalendar, received: dt.date, amount: int
) -> None:
    deadline = add_days(start=received, amount=amount, unit="working", calendar=calendar)
    assert deadline.due_on == oracle_add_working_days(received, amount)
    assert deadline.provisional is (deadline.due_on.year > 2026)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        # Fri 02-13 received; counted: Sat 02-14 make-up (1); 02-15..02-23 off
        # (Spring Festival and weekend); 02-24..02-27 (2-5); Sat 02-28 make-up (6);
        # Sun 03-01 off; Mon 03-02 (7).
        (dt.date(2026, 2, 13), dt.date(2026, 3, 2)),
        # Fri 2025-09-26 received; Sat 09-27 off; Sun 09-28 make-up (1); 09-29,
        # 09-30 (2, 3); 10-01..10-08 off; 10-09, 10-10 (4, 5); Sat 10-11 make-up
        # (6); Sun 10-12 off; Mon 10-13 (7).
        (dt.date(2025, 9, 26), dt.date(2025, 10, 13)),
        # Wed 2026-09-30 received; 10-01..10-07 off; 10-08, 10-09 (1, 2); Sat
        # 10-10 make-up (3); Sun 10-11 off; 10-12..10-15 (4-7).
        (dt.date(2026, 9, 30), dt.date(2026, 10, 15)),
    ],
)
def test_acceptance_seven_working_days_hand_checked(
    calendar: WorkCalendar, received: dt.date, expected: dt.date
) -> None:
    assert add_days(start=received, amount=7, unit="working", calendar=calendar).due_on == expected
    assert oracle_add_working_days(received, 7) == expected


def test_calendar_day_period_ending_on_national_day_moves_to_next_working_day(
    calendar: WorkCalendar,
) -> None:
    # 2026-08-02 + 60 days = Thu 2026-10-01, National Day; 10-01..10-07 are off,
    # so the period ends on Thu 2026-10-08 (Civil Code art. 203).
    deadline = add_days(start=dt.date(2026, 8, 2), amount=60, unit="calendar", calendar=calendar)
    assert deadline.due_on == dt.date(2026, 10, 8)
    assert deadline.due_on == oracle_add_calendar_days(dt.date(2026, 8, 2), 60)


def test_calendar_day_period_ending_on_a_make_up_saturday_stays(calendar: WorkCalendar) -> None:
    start = dt.date(2026, 2, 28) - dt.timedelta(days=30)
    deadline = add_days(start=start, amount=30, unit="calendar", calendar=calendar)
    # Sat 2026-02-28 is a make-up working day, so nothing moves.
    assert deadline.due_on == dt.date(2026, 2, 28)
    assert oracle_is_workday(deadline.due_on)


def test_zero_and_negative_amounts(calendar: WorkCalendar) -> None:
    day = dt.date(2026, 2, 16)
    assert add_days(start=day, amount=0, unit="working", calendar=calendar).due_on == day
    with pytest.raises(ValueError):
        add_days(start=day, amount=-1, unit="working", calendar=calendar)
    with pytest.raises(ValueError):
        add_days(start=day, amount=1, unit="fortnights", calendar=calendar)


dates = st.dates(min_value=dt.date(2004, 1, 1), max_value=dt.date(2028, 12, 31))


@FIXTURE_HEALTH
@given(start=dates, n=st.integers(min_value=1, max_value=90))
def test_working_days_property(calendar: WorkCalendar, start: dt.date, n: int) -> None:
    deadline = add_days(start=start, amount=n, unit="working", calendar=calendar)
    due = deadline.due_on
    assert due > start
    assert oracle_is_workday(due)
    assert oracle_working_days_in(start, due) == n
    assert due == oracle_add_working_days(start, n)


@FIXTURE_HEALTH
@given(start=dates, n=st.integers(min_value=1, max_value=120))
def test_calendar_days_property(calendar: WorkCalendar, start: dt.date, n: int) -> None:
    due = add_days(start=start, amount=n, unit="calendar", calendar=calendar).due_on
    plain_end = start + dt.timedelta(days=n)
    assert due >= plain_end
    assert oracle_is_workday(due)
    # Only non-working days are skipped to reach it.
    assert all(
        not oracle_is_workday(plain_end + dt.timedelta(days=i))
        for i in range((due - plain_end).days)
    )


@FIXTURE_HEALTH
@given(
    start=dates,
    n=st.integers(min_value=0, max_value=90),
    unit=st.sampled_from(["working", "calendar"]),
)
def test_provisional_iff_the_window_passes_the_last_loaded_year(
    calendar: WorkCalendar, start: dt.date, n: int, unit: str
) -> None:
    last_year = max(CalendarYear.objects.values_list("year", flat=True))
    deadline = add_days(start=start, amount=n, unit=unit, calendar=calendar)
    window = [start + dt.timedelta(days=i) for i in range(1, (deadline.due_on - start).days + 1)]
    assert deadline.provisional is any(day.year > last_year for day in window)


def test_an_admin_loaded_year_makes_deadlines_final(postgres: None) -> None:
    """A holiday entered for a year past the package changes the count and,
    once the year is marked loaded, the deadline is no longer provisional."""
    from core.models import CalendarDay

    start = dt.date(2026, 12, 30)  # Wed
    before = add_days(start=start, amount=3, unit="working")
    assert before.provisional
    # Weekends only: Thu 12-31 (1), Fri 01-01 (2), Mon 01-04 (3).
    assert before.due_on == dt.date(2027, 1, 4)
    CalendarDay.objects.create(date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarYear.objects.create(year=2027, source="test notice")
    after = add_days(start=start, amount=3, unit="working")
    assert not after.provisional
    # Thu 12-31 (1); Fri 01-01 holiday; weekend; Mon 01-04 (2); Tue 01-05 (3).
    assert after.due_on == dt.date(2027, 1, 5)
