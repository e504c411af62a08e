"""manage.py import_cases FILE [--actor USERNAME]

Imports historical work orders from JSON Lines or CSV (docs/import-format.md).
Valid rows become cases in their historical status; invalid rows go to
FILE.rejects.jsonl with their line number and field messages. Rows whose
work-order number is already in the database are skipped before anything
else is checked (one query per batch of rows), so a re-run after fixing the
rejects imports only what is new, quickly. Open cases that come in already
due soon or overdue are summed up per office: printed here, and mailed once
to each office head after the run."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from complaints.services.imports import (
    OfficeOverdue,
    case_import,
    import_overdue_schedule,
    import_record_parse,
    row_work_order_no,
    work_orders_present,
)

Row = tuple[int, dict[str, Any] | None, str]
#: Rows whose work-order numbers are looked up together.
BATCH = 500


def _rows(path: Path) -> Iterator[Row]:
    """(line number, row or None, error) for every data row of the file."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                    continue
                if None in row:
                    yield reader.line_num, None, "more values than columns"
                    continue
                yield reader.line_num, dict(row), ""
        return
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, None, f"invalid JSON: {exc.msg}"
                continue
            if not isinstance(value, dict):
                yield number, None, "each line must be a JSON object"
                continue
            yield number, value, ""


def _count_rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig") as handle:
        lines = sum(1 for line in handle if line.strip())
    return max(lines - 1, 0) if path.suffix.lower() == ".csv" else lines


def rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.jsonl")


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, BATCH)):
        yield batch


def _summary_lines(summaries: list[OfficeOverdue]) -> list[str]:
    lines = []
    for s in summaries:
        head = s.head.get_username() if s.head is not None else "no office head to tell"
        lines.append(
            f"{s.office.code}: {len(s.overdue)} overdue, {len(s.due_soon)} due soon, "
            f"earliest due {s.earliest_due.isoformat()} ({head})"
        )
    return lines


class Command(BaseCommand):
    help = "Import historical work orders (JSON Lines or CSV) as cases."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .jsonl or .csv file (docs/import-format.md)")
        parser.add_argument("--actor", default="", help="username recorded on the audit events")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user named {options['actor']!r}.")
        out = rejects_path(path)
        imported = skipped = rejected = 0
        created: list[int] = []
        # Work-order numbers of cases, known so far: checked before anything
        # else, a row already imported costs no validation and no lookups.
        present: set[str] = set()
        with out.open("w", encoding="utf-8") as rejects:
            bar = tqdm(
                total=_count_rows(path),
                desc="work orders",
                unit="row",
                disable=options["no_progress"],
            )
            for batch in _batches(_rows(path)):
                present |= work_orders_present(
                    [row_work_order_no(raw) for _line, raw, _problem in batch if raw is not None]
                )
                for line, raw, problem in batch:
                    bar.update(1)
                    errors: dict[str, list[str]] = {}
                    if raw is None:
                        errors = {"__all__": [problem]}
                    elif row_work_order_no(raw) in present:
                        skipped += 1
                        continue
                    else:
                        try:
                            record = import_record_parse(raw, actor=actor)
                        except ValidationError as exc:
                            errors = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
                    if errors:
                        rejected += 1
                        entry = {
                            "line": line,
                            "work_order_no": (raw or {}).get("work_order_no", ""),
                            "errors": errors,
                        }
                        rejects.write(json.dumps(entry, ensure_ascii=False) + "\n")
                        continue
                    case = case_import(record=record, actor=actor)
                    present.add(record.work_order_no)
                    if case is None:
                        skipped += 1
                    else:
                        imported += 1
                        created.append(case.pk)
                bar.set_postfix(imported=imported, skipped=skipped, rejected=rejected)
            bar.close()
        if not rejected:
            out.unlink()
        summary = f"{imported} imported, {skipped} already present, {rejected} rejected"
        if rejected:
            summary += f" (see {out})"
        self.stdout.write(self.style.SUCCESS(summary) if not rejected else summary)
        overdue = import_overdue_schedule(case_ids=created) if created else []
        if overdue:
            self.stdout.write(
                "Imported open cases already due soon or overdue "
                "(each office head gets one summary mail; the sweep sends none for them):"
            )
            for text in _summary_lines(overdue):
                self.stdout.write(f"  {text}")
