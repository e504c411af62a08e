"""manage.py import_holidays FILE | --from-package [--year Y]

Loads a year's holiday notice into the working-day calendar (docs/holidays.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core.clocks.holidays import (
    HolidayFileError,
    calendar_import,
    package_rows,
    package_source,
    parse_holiday_file,
)


class Command(BaseCommand):
    help = "Import public holidays and make-up working days (CSV or JSON) into the calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="CSV or JSON file: date, is_workday, name")
        parser.add_argument(
            "--from-package",
            action="store_true",
            help="take the days from the installed chinese-calendar package",
        )
        parser.add_argument("--year", type=int, help="import only this year")
        parser.add_argument("--source", default="", help="where the notice comes from")

    def handle(self, *args: Any, **options: Any) -> None:
        file, from_package, year = options["file"], options["from_package"], options["year"]
        if bool(file) == bool(from_package):
            raise CommandError("Give either FILE or --from-package.")
        if year is not None and not 1900 <= year <= 2200:
            raise CommandError(f"--year {year} is out of range.")
        if from_package:
            rows = package_rows(year=year)
            if not rows:
                raise CommandError(f"chinese-calendar has no data for {year}.")
            source = options["source"] or package_source()
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
            try:
                rows = parse_holiday_file(path, year=year)
            except HolidayFileError as exc:
                raise CommandError(
                    f"{path}: nothing imported, {len(exc.errors)} error(s):\n" + str(exc)
                ) from exc
            source = options["source"] or path.name

        def progress(items: Any) -> Any:
            return tqdm(items, desc="calendar days", unit="day")

        written = calendar_import(rows=rows, source=source, progress=progress)
        for y, count in written.items():
            self.stdout.write(self.style.SUCCESS(f"{y}: {count} exception(s) loaded from {source}"))
