"""Working-day arithmetic on the holiday calendar kept as data
(全国年节及纪念日放假办法; 民法典第二百零一条、第二百零三条).

A day is a working day unless it is a weekend or a public holiday; make-up
working days (调休) on weekends count. Exceptions to the weekend rule live in
CalendarDay; CalendarYear lists the years whose State Council notice is loaded.
Past those years we fall back to weekends-only and mark results provisional.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from core.models.rules import DayUnit

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date
    # True when a counted day lies in a year whose holidays are not loaded.
    provisional: bool


class WorkCalendar:
    """An in-memory snapshot of the calendar tables. Build it once per request
    or sweep and pass it around: every lookup is then a dict access."""

    def __init__(self, *, exceptions: Mapping[dt.date, bool], known_years: Iterable[int]) -> None:
        self._exceptions = dict(exceptions)
        self.known_years = frozenset(known_years)
        self.last_known_year: int | None = max(self.known_years) if self.known_years else None

    @classmethod
    def load(cls) -> WorkCalendar:
        from core.models.rules import CalendarDay, CalendarYear

        return cls(
            exceptions=dict(CalendarDay.objects.values_list("date", "is_workday")),
            known_years=CalendarYear.objects.values_list("year", flat=True),
        )

    def is_known(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_workday(self, day: dt.date) -> bool:
        # Exceptions are honoured even in an unknown year (an admin may have
        # entered a few days before marking the year loaded).
        known = self._exceptions.get(day)
        if known is not None:
            return known
        return day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day on or after `day`."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in the half-open window (start, end]; 0 when end <= start."""
        count = 0
        day = start + ONE_DAY
        while day <= end:
            if self.is_workday(day):
                count += 1
            day += ONE_DAY
        return count

    def units_between(self, start: dt.date, end: dt.date, unit: str) -> int:
        """Days of `unit` in (start, end], the way a clock of that unit counts them."""
        if unit == DayUnit.WORKING:
            return self.working_days_between(start, end)
        return max((end - start).days, 0)

    def window_is_known(self, start: dt.date, end: dt.date) -> bool:
        """Whether every day of (start, end] lies in a loaded year."""
        if end <= start:
            return True
        return all(
            self.is_known(dt.date(y, 1, 1)) for y in range((start + ONE_DAY).year, end.year + 1)
        )


def add_days(
    *, start: dt.date, amount: int, unit: str, calendar: WorkCalendar | None = None
) -> Deadline:
    """The deadline `amount` days of `unit` after `start`.

    The start day itself is not counted (Civil Code art. 201). Working days
    skip weekends and holidays and count make-up days; a calendar-day period
    whose last day is not a working day ends on the next working day
    (Civil Code art. 203, which treats weekends as statutory rest days too).
    """
    if amount < 0:
        raise ValueError("amount must not be negative")
    cal = calendar if calendar is not None else WorkCalendar.load()
    if unit == DayUnit.WORKING:
        due = start
        remaining = amount
        while remaining:
            due += ONE_DAY
            if cal.is_workday(due):
                remaining -= 1
    elif unit == DayUnit.CALENDAR:
        due = start + dt.timedelta(days=amount)
        if amount:
            due = cal.next_workday(due)
    else:
        raise ValueError(f"unknown day unit {unit!r}")
    return Deadline(due_on=due, provisional=not cal.window_is_known(start, due))
