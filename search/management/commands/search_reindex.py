"""Rebuild the search index from the database into a new versioned index and
swap the alias to it (issue 5, item 3)."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from complaints.models import Case
from search.backends import get_backend
from search.sync import rebuild_index


class Command(BaseCommand):
    help = "Build a new versioned search index from the database and swap the alias to it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        total = Case.objects.count()
        with tqdm(
            total=total,
            unit="doc",
            desc=f"{backend.engine} {backend.alias}",
            disable=options["no_progress"],
            file=sys.stderr,
        ) as bar:
            index, result, fixed = rebuild_index(backend=backend, progress=bar.update)
        self.stdout.write(
            f"{backend.alias} -> {index}: {result.ok} indexed, {result.conflicts} already newer, "
            f"{result.failed} failed; {fixed} changed during the build and were re-sent"
        )
        if result.errors:
            first = next(iter(result.errors.items()))
            raise CommandError(f"{result.failed} documents failed, e.g. {first[0]}: {first[1]}")
