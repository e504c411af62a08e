"""manage.py import_spotchecks FILE: spot-check results from a published
notice (CSV or JSONL). Rows already imported are recognised and left alone;
rows that cannot be read go to a rejects file beside the input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from supervisors.services import spotcheck_upsert
from supervisors.spotcheck_import import count_records, read_records, to_row


class Command(BaseCommand):
    help = "Import spot-check results (CSV or JSONL) as search signals."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--rejects", type=Path, help="Where refused rows go (default FILE.rejects.jsonl)"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file")
        rejects_path: Path = options["rejects"] or path.with_name(path.name + ".rejects.jsonl")
        counts = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
        with (
            rejects_path.open("w", encoding="utf-8") as rejects,
            tqdm(
                total=count_records(path),
                unit="row",
                desc=path.name,
                disable=options["no_progress"],
                file=sys.stderr,
            ) as bar,
        ):
            for line, record, error in read_records(path):
                bar.update(1)
                errors: dict[str, Any] = {"file": error} if error else {}
                if record is not None:
                    try:
                        _spot, outcome = spotcheck_upsert(row=to_row(record), actor=None)
                        counts[outcome] += 1
                        continue
                    except ValidationError as exc:
                        errors = exc.message_dict
                counts["rejected"] += 1
                rejects.write(
                    json.dumps(
                        {"line": line, "errors": errors, "record": record}, ensure_ascii=False
                    )
                    + "\n"
                )
        self.stdout.write(
            "spot-checks: {created} created, {updated} updated, {unchanged} unchanged, "
            "{rejected} rejected".format(**counts)
            + (f" (see {rejects_path})" if counts["rejected"] else "")
        )
