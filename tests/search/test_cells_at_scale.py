"""Hotspot cells over thousands of cells at once, on every engine.

A `cardinality` under each cell bucket (the engines' distinct count) reserves
a hash table per cell: a few thousand cells at full precision ask the search
node for more heap than its request breaker allows (HTTP 429), and a weeks
`terms` under each cell passes the node's bucket limit. `aggregate_cells`
must answer any number of cells, with exact distinct counts (docs/legal-basis.md §8).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from search.backends import SearchBackend
from search.backends.base import CellBucket, CellSpec, SearchQuery
from search.backends.dsl import PAIRS_PAGE
from tests.search.conftest import ENGINES, engine_holding
from tests.search.test_hotspots import CITY_OF, END, make_doc

#: Enough cells that one cardinality per cell trips a 1 GB node's breaker.
CELLS = 3000
BRANDS = 700
DISTINCT = ("complainant_hash", "seller_key", "region_county")


def synthetic_documents(seed: int = 20261129) -> list[dict[str, Any]]:
    """1 to 5 signals per seller cell from a few people each (repeat filers
    and anonymous reports included), spread over nine weeks."""
    rng = random.Random(seed)
    counties = tuple(CITY_OF)
    docs: list[dict[str, Any]] = []
    for cell in range(CELLS):
        county = counties[cell % len(counties)]
        for _ in range(rng.randint(1, 5)):
            who = rng.choice([f"p{cell}-{rng.randrange(3)}", f"shared-{rng.randrange(50)}", None])
            docs.append(
                make_doc(
                    len(docs) + 1,
                    day=END - dt.timedelta(days=rng.randrange(63)),
                    county=county,
                    category=rng.choice(("food-liquor", "food-dairy", "textiles-shoes")),
                    seller=f"seller-{cell:05d}",
                    brand=f"brand-{rng.randrange(BRANDS):04d}",
                    who=who,
                    weight=rng.choice((0.5, 1.0)),
                )
            )
    return docs


DOCS = synthetic_documents()


@pytest.fixture(scope="module", params=ENGINES)
def backend(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[SearchBackend]:
    yield from engine_holding(request, "scale", DOCS, django_db_blocker)


def recount(field: str, size: int) -> list[CellBucket]:
    """The top `size` cells of `field`, recounted in Python."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in DOCS:
        if doc.get(field):
            groups[doc[field]].append(doc)
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:size]
    return [
        CellBucket(
            key=key,
            count=len(docs),
            weight=round(sum(d["weight"] for d in docs), 6),
            distinct={name: len({d[name] for d in docs if d.get(name)}) for name in DISTINCT},
            weeks=dict(sorted(Counter(d["week"] for d in docs).items())),
        )
        for key, docs in ranked
    ]


@pytest.mark.services
def test_every_cell_at_once_with_exact_distinct_counts(backend: SearchBackend, db: None) -> None:
    field = "cell_county_category_seller"
    expected = recount(field, CELLS * 10)
    assert len(expected) > CELLS  # a seller cell per category it was filed under
    cells = backend.aggregate_cells(
        CellSpec(field=field, query=SearchQuery(), size=CELLS * 10, distinct=DISTINCT)
    )
    assert cells == expected


@pytest.mark.services
def test_the_top_cells_of_a_wide_field(backend: SearchBackend, db: None) -> None:
    """Brands over many sellers: few cells, thousands of (cell, seller)
    pairs, more than one page of them."""
    expected = recount("brand_key", BRANDS // 2)
    cells = backend.aggregate_cells(
        CellSpec(field="brand_key", query=SearchQuery(), size=BRANDS // 2, distinct=DISTINCT)
    )
    assert cells == expected
    assert sum(c.distinct["seller_key"] for c in cells) > PAIRS_PAGE
