"""Extending the calendar past the package's data: `manage.py import_holidays`
and the admin (docs/holidays.md; issue 4, item 3)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from complaints.clocks import WorkCalendar, add_days, clocks_on_intake, clocks_on_transition
from complaints.models import Case
from core.clocks.recalculate import clocks_recalculate
from core.models import CalendarDay, CalendarYear, Clock

from .oracle import oracle_due_with_pauses

# A made-up notice for 2027 (the format is what matters here).
NOTICE_2027 = [
    ("2027-01-01", "false", "元旦"),
    ("2027-02-08", "false", "春节"),
    ("2027-02-09", "false", "春节"),
    ("2027-02-10", "false", "春节"),
    ("2027-02-13", "true", "春节 (调休)"),
]


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    path.write_text(
        "date,is_workday,name\n" + "".join(f"{d},{w},{n}\n" for d, w, n in rows),
        encoding="utf-8",
    )
    return path


def days_of(year: int) -> dict[dt.date, tuple[bool, str]]:
    return {d.date: (d.is_workday, d.name) for d in CalendarDay.objects.filter(date__year=year)}


def test_importing_a_year_makes_its_deadlines_final(postgres: None, tmp_path: Path) -> None:
    start = dt.date(2027, 2, 5)  # Fri
    assert add_days(start=start, amount=5, unit="working").provisional
    call_command("import_holidays", str(write_csv(tmp_path / "2027.csv", NOTICE_2027)))
    assert CalendarYear.objects.filter(year=2027).exists()
    deadline = add_days(start=start, amount=5, unit="working")
    assert not deadline.provisional
    # Mon 02-08..Wed 02-10 off; Thu 02-11 (1), Fri 02-12 (2), Sat 02-13 make-up (3),
    # Sun off, Mon 02-15 (4), Tue 02-16 (5).
    assert deadline.due_on == dt.date(2027, 2, 16)


def test_import_is_idempotent_and_a_corrected_file_replaces_the_year(
    postgres: None, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "2027.csv", NOTICE_2027)
    call_command("import_holidays", str(path))
    first = days_of(2027)
    call_command("import_holidays", str(path))
    assert days_of(2027) == first
    assert len(first) == len(NOTICE_2027)
    corrected = [row for row in NOTICE_2027 if row[0] != "2027-02-13"]
    call_command("import_holidays", str(write_csv(tmp_path / "fixed.csv", corrected)))
    assert dt.date(2027, 2, 13) not in days_of(2027)
    assert len(days_of(2027)) == len(corrected)
    # Other years are untouched.
    assert CalendarDay.objects.filter(date__year=2026).count() > 0


def test_bad_csv_rows_are_reported_by_line_and_nothing_is_written(
    postgres: None, tmp_path: Path
) -> None:
    rows = [
        *NOTICE_2027[:2],
        ("2027-02-30", "false", "春节"),  # line 4: no such date
        ("2027-02-10", "perhaps", "春节"),  # line 5
        ("2027-01-01", "false", "again"),  # line 6: repeats line 2
    ]
    with pytest.raises(CommandError) as caught:
        call_command("import_holidays", str(write_csv(tmp_path / "bad.csv", rows)))
    message = str(caught.value)
    assert "line 4:" in message and "2027-02-30" in message
    assert "line 5:" in message and "perhaps" in message
    assert "line 6:" in message and "line 2" in message
    assert "line 3:" not in message
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_json_errors_name_the_line_of_the_bad_entry(postgres: None, tmp_path: Path) -> None:
    entries: list[Any] = [
        {"date": "2027-01-01", "is_workday": False, "name": "元旦"},
        {"date": "2027-02-13", "is_workday": True, "name": "春节 (调休)"},
        {"date": "01/02/2027", "is_workday": False, "name": "bad"},
    ]
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    bad_line = text[: text.index('"01/02/2027"')].count("\n") + 1
    with pytest.raises(CommandError) as caught:
        call_command("import_holidays", str(path))
    # The error names the line where the bad object starts (its "{" line).
    assert f"line {bad_line - 1}:" in str(caught.value)
    path.write_text(json.dumps(entries[:2]), encoding="utf-8")
    call_command("import_holidays", str(path), "--year", "2027")
    assert days_of(2027) == {
        dt.date(2027, 1, 1): (False, "元旦"),
        dt.date(2027, 2, 13): (True, "春节 (调休)"),
    }


def test_year_option_imports_only_that_year(postgres: None, tmp_path: Path) -> None:
    rows = [*NOTICE_2027, ("2028-01-03", "false", "元旦")]
    call_command("import_holidays", str(write_csv(tmp_path / "two.csv", rows)), "--year", "2028")
    assert set(CalendarYear.objects.filter(year__gte=2027).values_list("year", flat=True)) == {2028}
    assert days_of(2027) == {}


def test_from_package_matches_the_package_and_is_idempotent(postgres: None) -> None:
    before = days_of(2026)
    call_command("import_holidays", "--from-package", "--year", "2026")
    after = days_of(2026)
    assert after == before
    for day, (is_workday, _name) in after.items():
        assert chinese_calendar.is_workday(day) is is_workday


def test_arguments_are_checked(postgres: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("import_holidays")
    with pytest.raises(CommandError):
        call_command("import_holidays", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError):
        call_command("import_holidays", "--from-package", "--year", "2099")


def test_loading_a_year_recounts_the_provisional_clocks_it_settles(
    postgres: None, tmp_path: Path, make_case: Callable[..., Case]
) -> None:
    notice = {dt.date.fromisoformat(d): w == "true" for d, w, _n in NOTICE_2027}

    def is_workday(day: dt.date) -> bool:
        # Independent of the tables: the package up to 2026, the notice after.
        if day.year <= 2026:
            return bool(chinese_calendar.is_workday(day))
        return notice.get(day, day.weekday() < 5)

    def working_days_after(start: dt.date, n: int) -> dt.date:
        day = start
        while n:
            day += dt.timedelta(days=1)
            n -= is_workday(day)
        return day

    report = make_case(kind="report", received_on=dt.date(2027, 1, 20) - dt.timedelta(days=40))
    received = report.received_at.date()
    clocks_on_intake(case=report, on=received)
    complaint = make_case(received_on=dt.date(2026, 4, 20))
    clocks_on_intake(case=complaint, on=dt.date(2026, 4, 20))
    accepted = dt.date(2026, 12, 15)
    clocks_on_transition(case=complaint, action="accept", on=accepted)
    verification = Clock.objects.get(case=report)
    mediation = Clock.objects.get(case=complaint, kind="mediation")
    assert verification.provisional and mediation.provisional
    # 12-15 + 60 days = Sat 2027-02-13: weekends-only moves it to Mon 02-15.
    assert mediation.due_on == dt.date(2027, 2, 15)

    call_command("import_holidays", str(write_csv(tmp_path / "2027.csv", NOTICE_2027)))

    verification.refresh_from_db()
    mediation.refresh_from_db()
    assert not verification.provisional and not mediation.provisional
    assert verification.due_on == working_days_after(received, 15)
    # The notice makes Sat 02-13 a make-up working day: the period ends there.
    assert mediation.due_on == dt.date(2027, 2, 13)


def calendars_around_2027() -> tuple[WorkCalendar, WorkCalendar, Callable[[dt.date], bool]]:
    """The calendar as loaded, the same with NOTICE_2027 loaded too, and an
    independent workday test for the latter (the package, then the notice)."""
    before = WorkCalendar.load()
    assert 2027 not in before.known_years
    notice = {dt.date.fromisoformat(d): w == "true" for d, w, _n in NOTICE_2027}
    after = WorkCalendar(
        exceptions={**dict(CalendarDay.objects.values_list("date", "is_workday")), **notice},
        known_years=[*before.known_years, 2027],
    )

    def is_workday(day: dt.date) -> bool:
        if day.year <= 2026:
            return bool(chinese_calendar.is_workday(day))
        return notice.get(day, day.weekday() < 5)

    return before, after, is_workday


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    accepted=st.dates(min_value=dt.date(2026, 10, 15), max_value=dt.date(2026, 12, 31)),
    received=st.dates(min_value=dt.date(2026, 12, 1), max_value=dt.date(2026, 12, 28)),
    plan=st.lists(
        st.tuples(st.integers(min_value=0, max_value=25), st.integers(min_value=0, max_value=30)),
        max_size=4,
    ),
    loaded_after=st.integers(min_value=0, max_value=4),
)
# 12-01 + 60 + 15 paused = Sun 2027-02-14, the day after the make-up Saturday:
# the period ends Mon 02-15 on either calendar, while the make-up day must not
# pull it back to 02-13.
@example(
    accepted=dt.date(2026, 12, 1), received=dt.date(2026, 12, 1), plan=[(10, 15)], loaded_after=1
)
def test_recounting_after_a_year_is_loaded_equals_counting_with_it_from_the_start(
    postgres: None,
    make_case: Callable[..., Case],
    accepted: dt.date,
    received: dt.date,
    plan: list[tuple[int, int]],
    loaded_after: int,
) -> None:
    """Paused clocks counted weekends-only into 2027 and recounted when 2027 is
    loaded (after `loaded_after` pauses) end where the same clocks counted
    with 2027 loaded all along end, and where a day-by-day count puts them
    (民法典第二百零一条、第二百零三条)."""
    before, after, is_workday = calendars_around_2027()
    with transaction.atomic():
        # Order 121 mediation: 60 calendar days from acceptance.
        late, early = (make_case(received_on=dt.date(2026, 4, 15)) for _ in range(2))
        # Acceptance: 7 working days from receipt.
        late_wd, early_wd = (make_case(received_on=received) for _ in range(2))
        for case, cal in ((late, before), (early, after)):
            clocks_on_transition(case=case, action="accept", on=accepted, calendar=cal)
        for case, cal in ((late_wd, before), (early_wd, after)):
            clocks_on_intake(case=case, on=received, calendar=cal)

        calendar_pauses: list[tuple[dt.date, dt.date]] = []
        working_pauses: list[tuple[dt.date, dt.date]] = []
        day, ran, day_wd = accepted, 0, received
        for step, (run, paused_for) in enumerate(plan):
            if step == loaded_after:
                clocks_recalculate(before=before, after=after)
            cal = after if step >= loaded_after else before
            # Each pause begins while its period still runs.
            run = min(run, 59 - ran)
            ran += run
            asked, answered = (
                day + dt.timedelta(days=run),
                day + dt.timedelta(days=run + paused_for),
            )
            for case, c in ((late, cal), (early, after)):
                clocks_on_transition(case=case, action="request_inspection", on=asked, calendar=c)
                clocks_on_transition(case=case, action="resume_mediation", on=answered, calendar=c)
            calendar_pauses.append((asked, answered))
            day = answered
            # A working-day pause is counted when it ends; one counted before
            # the import lies in the past, in loaded years.
            wd_clock = Clock.objects.get(case=early_wd, kind="acceptance")
            asked = day_wd + dt.timedelta(days=min(run, 3))
            answered = asked + dt.timedelta(days=paused_for)
            if asked >= wd_clock.due_on or (cal is before and answered.year > 2026):
                continue
            for case, c in ((late_wd, cal), (early_wd, after)):
                clocks_on_transition(case=case, action="request_materials", on=asked, calendar=c)
                clocks_on_transition(case=case, action="receive_materials", on=answered, calendar=c)
            working_pauses.append((asked, answered))
            day_wd = answered
        clocks_recalculate(before=before, after=after)

        for (late_case, early_case), kind, start, pauses in (
            ((late, early), "mediation", accepted, calendar_pauses),
            ((late_wd, early_wd), "acceptance", received, working_pauses),
        ):
            recounted = Clock.objects.get(case=late_case, kind=kind)
            fresh = Clock.objects.get(case=early_case, kind=kind)
            assert (recounted.due_on, recounted.paused_days) == (fresh.due_on, fresh.paused_days)
            assert recounted.provisional is fresh.provisional is False
            assert fresh.due_on == oracle_due_with_pauses(
                start, fresh.amount, fresh.unit, pauses, is_workday
            )
        transaction.set_rollback(True)
