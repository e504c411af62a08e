"""Rebuild the search index of every registered document type from the
database into a new versioned index and swap its alias to it (issue 5,
item 3)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core import documents
from search.backends import get_backend
from search.sync import rebuild_index


class Command(BaseCommand):
    help = (
        "Build a new versioned search index of every document type from the database "
        "and swap its alias to it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        failures: list[str] = []
        for doc_type in documents.registered():
            view = backend.for_type(doc_type)
            with tqdm(
                total=doc_type.rows().count(),
                unit="doc",
                desc=f"{view.engine} {view.alias}",
                disable=options["no_progress"],
                file=sys.stderr,
            ) as bar:
                index, result, fixed = rebuild_index(
                    backend=view, doc_type=doc_type, progress=bar.update
                )
            self.stdout.write(
                f"{view.alias} -> {index}: {result.ok} indexed, "
                f"{result.conflicts} already newer, {result.failed} failed; "
                f"{fixed} changed during the build and were re-sent"
            )
            if result.errors:
                # The other types are still rebuilt; the command fails at the end.
                first = next(iter(result.errors.items()))
                failures.append(
                    f"{view.alias}: {result.failed} documents failed, e.g. {first[0]}: {first[1]}"
                )
        if failures:
            raise CommandError("; ".join(failures))
