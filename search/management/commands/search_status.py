"""Counts per search index against the database, and the outbox backlog per
model, for every registered search document type."""

from __future__ import annotations

import itertools
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Max, Min

from core import documents
from core.documents import DocumentType
from core.models import OutboxEntry
from search.backends import SearchBackend, get_backend
from search.sync import outbox_backlog


class Command(BaseCommand):
    help = "Compare the search index with the database and show the pending outbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--verify",
            action="store_true",
            help="also compare every row's indexed version with the database",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        health = backend.health()
        self.stdout.write(
            f"engine: {backend.engine} {health.get('version', '')} "
            f"({'ok' if health.get('ok') else 'NOT OK'})"
        )
        types = list(documents.registered())
        for doc_type in types:
            self._index_lines(backend.for_type(doc_type), doc_type)
        self._outbox_lines()
        if options["verify"]:
            for doc_type in types:
                self._verify(backend.for_type(doc_type), doc_type)

    def _index_lines(self, backend: SearchBackend, doc_type: DocumentType) -> None:
        database = doc_type.rows().count()
        self.stdout.write(f"database: {database} {doc_type.index} ({doc_type.model})")
        current = backend.ensure_index()
        indices = backend.indices()
        for name, count in sorted(indices.items()):
            marker = f" <- {backend.alias}" if name == current else ""
            diff = "" if name != current else f" ({count - database:+d} vs database)"
            self.stdout.write(f"index {name}: {count} documents{diff}{marker}")
        if not backend.mapping_current():
            self.stdout.write(
                f"mapping: {current} was built with an older mapping; run search_reindex"
            )

    def _outbox_lines(self) -> None:
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
        stuck = []
        for row in outbox_backlog():
            line = (
                f"outbox {row.model}: {row.pending} pending, "
                f"oldest {row.oldest:%Y-%m-%d %H:%M:%S}, max attempts {row.max_attempts}"
            )
            if row.doc_type is None:
                # Nothing drains these until a type for the model is registered.
                stuck.append(row)
                line += f", stuck: no search document type for {row.model!r}"
            self.stdout.write(line)
        if stuck:
            models = ", ".join(row.model for row in stuck)
            self.stdout.write(
                f"stuck: {sum(row.pending for row in stuck)} entries of models "
                f"with no search document type ({models})"
            )

    def _verify(self, backend: SearchBackend, doc_type: DocumentType) -> None:
        stale = 0
        rows = doc_type.rows().order_by("pk").values_list("pk", "version").iterator(2000)
        while chunk := list(itertools.islice(rows, 1000)):
            indexed = backend.versions(pk for pk, _v in chunk)
            stale += sum(1 for pk, version in chunk if indexed.get(pk) != version)
        self.stdout.write(f"verify: {stale} {doc_type.index} missing or stale in the index")
