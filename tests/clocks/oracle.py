"""An independent working-day oracle for the clock tests, built on the
chinese-calendar package itself rather than on the calendar tables the code
under test reads (RULES.md §3; Civil Code arts. 201 and 203)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from complaints.models import RuleSet

ONE_DAY = dt.timedelta(days=1)


def oracle_is_workday(day: dt.date) -> bool:
    """chinese-calendar's own answer, weekends-only past its data (RULES.md §3)."""
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
    """The latest rule set effective on `day` (RULES.md §3: a case is pinned to it)."""
    found = RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    assert found is not None
    return found
