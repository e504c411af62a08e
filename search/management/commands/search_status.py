"""Counts per search index against the database, and the outbox backlog."""

from __future__ import annotations

import itertools
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Max, Min

from complaints.models import Case
from core.models import OutboxEntry
from search.backends import get_backend


class Command(BaseCommand):
    help = "Compare the search index with the database and show the pending outbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--verify",
            action="store_true",
            help="also compare every case's indexed version with the database",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        health = backend.health()
        self.stdout.write(
            f"engine: {backend.engine} {health.get('version', '')} "
            f"({'ok' if health.get('ok') else 'NOT OK'})"
        )
        database = Case.objects.count()
        self.stdout.write(f"database: {database} cases")
        indices = backend.indices()
        current = backend.ensure_index()
        for name, count in sorted(indices.items()):
            marker = f" <- {backend.alias}" if name == current else ""
            diff = "" if name != current else f" ({count - database:+d} vs database)"
            self.stdout.write(f"index {name}: {count} documents{diff}{marker}")
        if not backend.mapping_current():
            self.stdout.write(
                f"mapping: {current} was built with an older mapping; run search_reindex"
            )
        backlog = OutboxEntry.objects.aggregate(oldest=Min("created_at"), attempts=Max("attempts"))
        pending = OutboxEntry.objects.count()
        line = f"outbox: {pending} pending"
        if pending:
            oldest = f"{backlog['oldest']:%Y-%m-%d %H:%M:%S}"
            line += f", oldest {oldest}, max attempts {backlog['attempts']}"
            last = OutboxEntry.objects.exclude(last_error="").order_by("-id").first()
            if last is not None:
                line += f", last error: {last.last_error[:200]}"
        self.stdout.write(line)
        if options["verify"]:
            stale = 0
            rows = Case.objects.order_by("pk").values_list("pk", "version").iterator(2000)
            while chunk := list(itertools.islice(rows, 1000)):
                indexed = backend.versions(pk for pk, _v in chunk)
                stale += sum(1 for pk, version in chunk if indexed.get(pk) != version)
            self.stdout.write(f"verify: {stale} cases missing or stale in the index")
