"""manage.py import_cases FILE [--actor USERNAME]

Imports historical work orders from JSON Lines or CSV (docs/import-format.md).
Valid rows become cases in their historical status; invalid rows go to
FILE.rejects.jsonl with their line number and field messages. Rows whose
work-order number is already in the database are skipped, so a re-run after
fixing the rejects imports only what is new."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from complaints.services.imports import case_import, import_record_parse

Row = tuple[int, dict[str, Any] | None, str]


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
        with out.open("w", encoding="utf-8") as rejects:
            bar = tqdm(
                _rows(path),
                total=_count_rows(path),
                desc="work orders",
                unit="row",
                disable=options["no_progress"],
            )
            for line, raw, problem in bar:
                errors: dict[str, list[str]] = {}
                if raw is None:
                    errors = {"__all__": [problem]}
                else:
                    try:
                        record = import_record_parse(raw)
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
                if case_import(record=record, actor=actor) is None:
                    skipped += 1
                else:
                    imported += 1
                bar.set_postfix(imported=imported, skipped=skipped, rejected=rejected)
        if not rejected:
            out.unlink()
        summary = f"{imported} imported, {skipped} already present, {rejected} rejected"
        if rejected:
            summary += f" (see {out})"
        self.stdout.write(self.style.SUCCESS(summary) if not rejected else summary)
