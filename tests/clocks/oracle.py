"""An independent working-day oracle for the clock tests, built on the
chinese-calendar package itself rather than on the calendar tables the code
under test reads (民法典第二百零一条、第二百零三条)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import chinese_calendar

from core.models import RuleSet

ONE_DAY = dt.timedelta(days=1)


def oracle_is_workday(day: dt.date) -> bool:
    """chinese-calendar's own answer, weekends-only past its data (local practice)."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def oracle_add_working_days(start: dt.date, n: int) -> dt.date:
    """Counts n working days day by day from the day after `start` (Civil Code art. 201)."""
    day = start
    while n:
        day += ONE_DAY
        if oracle_is_workday(day):
            n -= 1
    return day


def oracle_add_calendar_days(start: dt.date, n: int) -> dt.date:
    """n calendar days after `start`; a last day that is not a working day
    moves to the next working day (Civil Code art. 203)."""
    day = start + dt.timedelta(days=n)
    while not oracle_is_workday(day):
        day += ONE_DAY
    return day


def oracle_working_days_in(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]."""
    return sum(
        oracle_is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1)
    )


def rule_set_in_force(day: dt.date) -> RuleSet:
    """The latest rule set effective on `day` (docs/legal-basis.md §1: a case is pinned to it)."""
    found = RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    assert found is not None
    return found


def oracle_period_end(
    start: dt.date,
    amount: int,
    unit: str,
    pauses: list[tuple[dt.date, dt.date]],
    is_workday: Callable[[dt.date], bool] = oracle_is_workday,
) -> dt.date:
    """The day the `amount`-th unpaused day of `unit` falls on, counted day by
    day from the day after `start` (art. 201) and skipping the days
    (paused_on, resumed_on] of every pause; no art. 203 move."""
    day, left = start, amount
    while left:
        day += ONE_DAY
        if any(p < day <= r for p, r in pauses):
            continue
        if unit == "calendar" or is_workday(day):
            left -= 1
    return day


def oracle_due_with_pauses(
    start: dt.date,
    amount: int,
    unit: str,
    pauses: list[tuple[dt.date, dt.date]],
    is_workday: Callable[[dt.date], bool] = oracle_is_workday,
) -> dt.date:
    """oracle_period_end, then a calendar-day period ending on a rest day
    moves to the next working day, once (art. 203). Exact when every pause
    began before the period had run out."""
    day = oracle_period_end(start, amount, unit, pauses, is_workday)
    if unit == "calendar" and amount:
        while not is_workday(day):
            day += ONE_DAY
    return day
