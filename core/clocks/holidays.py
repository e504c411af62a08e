"""Importing a year's State Council holiday notice into the calendar tables.

A file lists the exceptions to the weekend rule of one or more years: public
holidays on weekdays and make-up working days (调休) on weekends. The format is
documented in docs/holidays.md. Importing a year replaces that year's
exceptions, so re-importing a corrected file is safe and idempotent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from core.clocks.calendar import WorkCalendar
from core.clocks.recalculate import clocks_recalculate
from core.models.rules import CalendarDay, CalendarYear

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "workday", "是"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "holiday", "否"})
NAME_MAX = CalendarDay._meta.get_field("name").max_length or 60


@dataclass(frozen=True)
class HolidayRow:
    line: int
    date: dt.date
    is_workday: bool
    name: str


class HolidayFileError(ValueError):
    """Bad rows, each with its line number; nothing was imported."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("\n".join(errors))


def parse_holiday_file(path: Path, *, year: int | None = None) -> list[HolidayRow]:
    """Reads and validates a CSV or JSON holiday file; raises HolidayFileError
    listing every bad row by line number."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise HolidayFileError([f"{path}: cannot read the file ({exc})"]) from exc
    fmt = "json" if path.suffix.lower() in {".json", ".jsonl"} else "csv"
    return parse_holiday_text(text, fmt=fmt, year=year)


def parse_holiday_text(text: str, *, fmt: str, year: int | None = None) -> list[HolidayRow]:
    """Validates holiday rows given as CSV (with a header line) or JSON; rows of
    other years than `year` are skipped. Raises HolidayFileError."""
    raw: Iterable[tuple[int, Any]] = _json_items(text) if fmt == "json" else _csv_items(text)
    rows: list[HolidayRow] = []
    errors: list[str] = []
    seen: dict[dt.date, int] = {}
    try:
        for line, item in raw:
            try:
                row = _validate(line, item)
            except ValueError as exc:
                errors.append(f"line {line}: {exc}")
                continue
            if year is not None and row.date.year != year:
                continue
            if row.date in seen:
                errors.append(f"line {line}: {row.date} already given on line {seen[row.date]}")
                continue
            seen[row.date] = line
            rows.append(row)
    except ValueError as exc:
        errors.append(str(exc))
    if errors:
        raise HolidayFileError(errors)
    if not rows:
        raise HolidayFileError(["no rows" + (f" for {year}" if year else "")])
    return rows


def _csv_items(text: str) -> Iterator[tuple[int, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"date", "is_workday"} - set(reader.fieldnames or [])
    if missing:
        raise ValueError(f"line 1: the header lacks {', '.join(sorted(missing))}")
    for item in reader:
        yield reader.line_num, item


def _json_items(text: str) -> Iterator[tuple[int, Any]]:
    """Items of a JSON array (or JSON Lines), each with the line it starts on."""
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if text.startswith("[", pos):
        pos += 1
        closing = "]"
    else:
        closing = ""
    while True:
        pos = _skip_space(text, pos, commas=bool(closing))
        if pos >= len(text):
            if closing:
                raise ValueError(f"line {_line(text, pos)}: the JSON array is not closed")
            return
        if closing and text.startswith(closing, pos):
            return
        try:
            item, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise ValueError(f"line {exc.lineno}: invalid JSON ({exc.msg})") from exc
        yield _line(text, pos), item
        pos = end


def _skip_space(text: str, pos: int, *, commas: bool = False) -> int:
    allowed = " \t\r\n" + ("," if commas else "")
    while pos < len(text) and text[pos] in allowed:
        pos += 1
    return pos


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _validate(line: int, item: Any) -> HolidayRow:
    if not isinstance(item, dict):
        raise ValueError("expected an object with date, is_workday and name")
    raw_date = str(item.get("date") or "").strip()
    try:
        day = dt.date.fromisoformat(raw_date)
    except ValueError:
        raise ValueError(f"date {raw_date!r} is not a YYYY-MM-DD date") from None
    flag = item.get("is_workday")
    if isinstance(flag, bool):
        is_workday = flag
    else:
        word = str(flag if flag is not None else "").strip().lower()
        if word in TRUE_WORDS:
            is_workday = True
        elif word in FALSE_WORDS:
            is_workday = False
        else:
            raise ValueError(f"is_workday {flag!r} is not true or false")
    name = str(item.get("name") or "").strip()
    if len(name) > NAME_MAX:
        raise ValueError(f"name is longer than {NAME_MAX} characters")
    return HolidayRow(line=line, date=day, is_workday=is_workday, name=name)


def package_rows(*, year: int | None = None) -> list[HolidayRow]:
    """The exceptions the chinese-calendar package knows: weekday holidays and
    weekend make-up days."""
    import chinese_calendar

    rows: list[HolidayRow] = []
    for day, holiday in sorted(chinese_calendar.holidays.items()):
        if day.weekday() < 5 and (year is None or day.year == year):
            rows.append(HolidayRow(0, day, False, str(holiday)[:NAME_MAX]))
    for day, holiday in sorted(chinese_calendar.workdays.items()):
        if day.weekday() >= 5 and (year is None or day.year == year):
            rows.append(HolidayRow(0, day, True, f"{holiday} (调休)"[:NAME_MAX]))
    return sorted(rows, key=lambda r: r.date)


def package_source() -> str:
    import chinese_calendar

    return f"chinese-calendar {getattr(chinese_calendar, '__version__', '')}".strip()


def calendar_import(
    *,
    rows: list[HolidayRow],
    source: str,
    progress: Callable[[Iterable[HolidayRow]], Iterable[HolidayRow]] = lambda rows: rows,
) -> dict[int, int]:
    """Replaces the exceptions of every year present in `rows`, marks those
    years loaded and recounts the provisional clocks they settle; returns rows
    written per year. All or nothing."""
    years = sorted({r.date.year for r in rows})
    written: dict[int, int] = dict.fromkeys(years, 0)
    with transaction.atomic():
        before = WorkCalendar.load()
        CalendarDay.objects.filter(date__year__in=years).exclude(
            date__in=[r.date for r in rows]
        ).delete()
        for row in progress(rows):
            CalendarDay.objects.update_or_create(
                date=row.date, defaults={"is_workday": row.is_workday, "name": row.name}
            )
            written[row.date.year] += 1
        for year in years:
            CalendarYear.objects.update_or_create(year=year, defaults={"source": source[:255]})
        clocks_recalculate(before=before, after=WorkCalendar.load())
    return written
