"""Benchmark definitions: each prepares a baseline and a candidate callable."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Fn = Callable[[], Any]


@dataclass
class Benchmark:
    name: str
    baseline: str
    candidate: str
    work: str
    setup: Callable[[], tuple[Fn, Fn]]
    teardown: Callable[[], None] = field(default=lambda: None)
    check: bool = True

    def prepare(self) -> tuple[Fn, Fn]:
        return self.setup()

    def cleanup(self) -> None:
        self.teardown()


def _deadlines() -> tuple[Fn, Fn]:
    """Deadlines for a day's intake: reloading the holiday calendar from the
    database for every case, against one calendar shared by the batch."""
    from complaints.clocks import WorkCalendar, add_days

    rng = random.Random(7)
    starts = [dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(700)) for _ in range(300)]

    def reload_each() -> list[dt.date]:
        return [add_days(start=s, amount=7, unit="working").due_on for s in starts]

    def shared() -> list[dt.date]:
        calendar = WorkCalendar.load()
        return [
            add_days(start=s, amount=7, unit="working", calendar=calendar).due_on for s in starts
        ]

    return reload_each, shared


def _routing() -> tuple[Fn, Fn]:
    """Competent office for every county × category: a query per lookup against
    the rules loaded once into a dictionary."""
    from core.models import ProductCategory, Region, RoutingRule
    from core.routing import competent_office

    counties = list(Region.objects.filter(level="county").select_related("parent__parent"))
    categories = list(ProductCategory.objects.select_related("parent"))

    def per_lookup() -> list[int]:
        return [competent_office(category=c, region=r).pk for r in counties for c in categories]

    def preloaded() -> list[int]:
        rules = {
            (rule.region_id, rule.category_id): rule.office_id for rule in RoutingRule.objects.all()
        }
        out = []
        for r in counties:
            for c in categories:
                out.append(
                    next(
                        rules[(reg.code, cat.pk if cat else None)]
                        for reg in r.lineage()
                        for cat in [*c.lineage(), None]
                        if (reg.code, cat.pk if cat else None) in rules
                    )
                )
        return out

    return per_lookup, preloaded


def _bulk_indexing() -> tuple[Fn, Fn]:
    """Indexing 500 case documents into the configured engine: one request per
    document against one streaming bulk. Every round writes a newer external
    version, so each write is real work, never a version conflict."""
    from complaints.models import Case
    from search.backends import get_backend
    from search.documents import case_document

    backend = get_backend()
    backend.ensure_index()
    case = Case.objects.select_related("region", "category", "problem_type").first()
    if case is None:
        raise SystemExit("bulk-indexing needs at least one case: run manage.py seed_demo")
    template = case_document(case)
    version = iter(range(1, 10**9))

    def docs() -> list[dict[str, Any]]:
        v = next(version)
        return [{**template, "id": 10_000_000 + i, "version": v} for i in range(500)]

    def one_by_one() -> int:
        return sum(backend.index_documents([doc]).ok for doc in docs())

    def bulk() -> int:
        return backend.index_documents(docs()).ok

    return one_by_one, bulk


def _drop_bulk_documents() -> None:
    from search.backends import get_backend

    backend = get_backend()
    backend.delete_documents((10_000_000 + i, 10**9) for i in range(500))


BENCHMARKS = [
    Benchmark(
        name="clocks",
        baseline="calendar reloaded per deadline",
        candidate="one calendar for the batch",
        work="300 acceptance deadlines (7 WD)",
        setup=_deadlines,
    ),
    Benchmark(
        name="routing",
        baseline="one query per lookup",
        candidate="rules loaded once",
        work="122 counties × 29 categories",
        setup=_routing,
    ),
    Benchmark(
        name="bulk-indexing",
        baseline="one request per document",
        candidate="one streaming bulk",
        work="500 case documents",
        setup=_bulk_indexing,
        teardown=_drop_bulk_documents,
    ),
]
