"""Hotspots on all three engines over the same documents (docs/legal-basis.md §8).

Documents are indexed straight through each backend's interface. A plain
Python reference computes every cell from the documents; every engine must
return the same ranking as the reference, hence as each other.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from search.backends import SearchBackend
from search.documents import iso_millis, monday_of
from search.hotspots.engine import SIGNAL_SOURCES, HotspotData
from search.hotspots.params import (
    SURGE_GROUPS,
    Dimension,
    Filters,
    HotspotQuery,
    Level,
    local_midnight,
)
from search.hotspots.scoring import (
    BrandSpread,
    CellRow,
    Pattern,
    build_cells,
    rank_key,
    spreads,
    surges,
)
from search.hotspots.selectors import (
    cell_cases,
    emerging_terms,
    hotspot_map,
    hotspot_report,
    hotspot_trend,
)
from tests.search.conftest import ENGINES, engine_holding

CITY_OF = {"430102": "430100", "430103": "430100", "430202": "430200", "430203": "430200"}
CATEGORY_PATHS = {
    "food-liquor": ["food", "food-liquor"],
    "food-dairy": ["food", "food-dairy"],
    "textiles-shoes": ["textiles", "textiles-shoes"],
}
#: Centroids are not checked here; any point inside Hunan will do.
LOCATION = {"lat": 28.1, "lon": 112.9}
EMERGING_WORD = "新型假酒"

END = timezone.localdate() - dt.timedelta(days=1)


def query(**overrides: Any) -> HotspotQuery:
    values: dict[str, Any] = {"end": END, "window_days": 30}
    values.update(overrides)
    return HotspotQuery(**values)


def make_doc(
    pk: int,
    *,
    day: dt.date,
    county: str = "430102",
    category: str = "food-liquor",
    seller: str | None = "seller-a",
    brand: str | None = "brand-x",
    who: str | None = "person-1",
    weight: float = 1.0,
    counterfeit: bool = True,
    source: str = "complaint",
    problem_type: str = "fake-brand",
    words: list[str] | None = None,
    hour: int = 10,
) -> dict[str, Any]:
    """A document shaped like search.documents.case_document's."""
    city = CITY_OF[county]
    received = local_midnight(day) + dt.timedelta(hours=hour, minutes=pk % 60)

    def cell(region: str, key: str | None) -> str | None:
        return f"{region}|{category}|{key}" if key else None

    return {
        "id": pk,
        "kind": "report" if source in ("report", "supervisor", "hotspot_lead") else "complaint",
        "source": source,
        "status": "registered",
        "tracking_code": f"C-TEST-{pk:08d}",
        "received_at": iso_millis(received),
        "week": monday_of(day).isoformat(),
        "region_province": "430000",
        "region_city": city,
        "region_county": county,
        "region_codes": ["430000", city, county],
        "category": category,
        "category_path": CATEGORY_PATHS[category],
        "brand": brand,
        "brand_key": brand,
        "seller_key": seller,
        "seller_name": f"{seller} 商店" if seller else None,
        "problem_type": problem_type,
        "counterfeit": counterfeit,
        "complainant_hash": who,
        "weight": weight,
        "location": LOCATION,
        "text": " ".join(words or ["假冒", "商品"]),
        "words": words or ["假冒", "商品"],
        "cell_county_category_brand": cell(county, brand),
        "cell_county_category_seller": cell(county, seller),
        "cell_city_category_brand": cell(city, brand),
        "cell_city_category_seller": cell(city, seller),
        "cell_province_category_brand": cell("430000", brand),
        "cell_province_category_seller": cell("430000", seller),
        "cell_county_category": f"{county}|{category}",
        "cell_city_category": f"{city}|{category}",
        "version": 1,
    }


def build_documents(seed: int = 20261129) -> list[dict[str, Any]]:
    """The hotspot patterns (docs/legal-basis.md §8), ties, and random noise around them."""
    rng = random.Random(seed)
    docs: list[dict[str, Any]] = []

    def add(**kwargs: Any) -> None:
        docs.append(make_doc(len(docs) + 1, **kwargs))

    def ago(days: int) -> dt.date:
        return END - dt.timedelta(days=days)

    # A seller against whom 4 distinct people complain, one of them twice,
    # over three weeks, and twice in the previous window (trend).
    for n, (who, days) in enumerate(
        [("p1", 1), ("p1", 8), ("p2", 9), ("p3", 15), ("p4", 16)], start=1
    ):
        add(day=ago(days), seller="seller-a", brand="maotai", who=who, hour=8 + n)
    add(day=ago(35), seller="seller-a", brand="maotai", who="p9")
    add(day=ago(40), seller="seller-a", brand="maotai", who="p8")
    # A seller with 3 filings from only 2 people: below the threshold.
    for who, days in [("q1", 2), ("q1", 3), ("q2", 4)]:
        add(day=ago(days), seller="seller-b", brand="wuliangye", who=who)
    # One brand faked by three sellers in two counties.
    add(day=ago(5), county="430103", seller="seller-c", brand="maotai", who="r1")
    add(day=ago(6), county="430202", seller="seller-d", brand="maotai", who="r2")
    # A region x category surge: one signal in the 12 baseline weeks, six now.
    add(day=ago(60), county="430202", category="food-dairy", seller="dairy-0", brand="yili")
    for n in range(6):
        add(
            day=ago(2 + n),
            county="430202",
            category="food-dairy",
            seller=f"dairy-{n % 3}",
            brand="yili",
            who=f"d{n}",
            words=[EMERGING_WORD, "牛奶"],
        )
    # Busy but steady: 2 a week in the baseline, 9 in the window: no surge.
    for n in range(24):
        add(
            day=ago(31 + (n * 83) // 24),
            county="430103",
            category="textiles-shoes",
            seller=f"shoe-{n % 4}",
            brand="nike",
            who=f"s{n}",
        )
    for n in range(9):
        add(
            day=ago(1 + n * 3),
            county="430103",
            category="textiles-shoes",
            seller=f"shoe-{n % 4}",
            brand="nike",
            who=f"t{n}",
        )
    # Ties: equal score and count (key decides); equal score, unequal count.
    for seller in ("tie-b", "tie-a"):
        add(day=ago(10), county="430203", seller=seller, brand="tie-brand", who=f"w-{seller}")
    add(day=ago(11), county="430203", seller="tie-c", brand=None, who="w-c", weight=0.5)
    add(day=ago(11), county="430203", seller="tie-c", brand=None, who="w-c", weight=0.5)
    add(day=ago(11), county="430203", seller="tie-d", brand=None, who="w-d", weight=1.0)
    # Never counted: leads of earlier runs, non-counterfeit problems.
    for n in range(4):
        add(day=ago(3), seller="seller-a", brand="maotai", who=f"lead-{n}", source="hotspot_lead")
        add(day=ago(3), seller="seller-a", brand="maotai", who=f"defect-{n}", counterfeit=False)
    # Noise over 120 days: repeat filers (low weights), anonymous reports.
    counties = tuple(CITY_OF)
    for _ in range(120):
        county, category = rng.choice(counties), rng.choice(tuple(CATEGORY_PATHS))
        if (county, category) == ("430202", "food-dairy"):
            # keep the surge's baseline as seeded
            category = "food-liquor"
        filer: str | None = rng.choice(
            [None, "rep-1", "rep-1", "rep-2", *[f"n{k}" for k in range(30)]]
        )
        add(
            day=ago(rng.randrange(0, 120)),
            county=county,
            category=category,
            seller=rng.choice([None, *[f"noise-{k}" for k in range(8)]]),
            brand=rng.choice([None, "maotai", "yili", "nike", "anta"]),
            who=filer,
            weight=0.25 if filer and filer.startswith("rep") else 1.0,
            counterfeit=rng.random() < 0.8,
            source=rng.choice(["complaint", "report", "supervisor", "12345"]),
            problem_type=rng.choice(["fake-brand", "substandard", "passing-off"]),
            words=rng.sample(["假冒", "商品", "牛奶", "白酒", "鞋子", "包装"], 2),
            hour=rng.randrange(0, 24),
        )
    return docs


DOCS = build_documents()


# --- the reference ------------------------------------------------------------
def matches(doc: dict[str, Any], f: Filters) -> bool:
    moment = dt.datetime.fromisoformat(doc["received_at"])
    if not f.start_at <= moment < f.end_before:
        return False
    if f.counterfeit_only and not doc["counterfeit"]:
        return False
    if doc["source"] not in ((f.source,) if f.source else SIGNAL_SOURCES):
        return False
    if f.region and f.region not in doc["region_codes"]:
        return False
    if f.category and f.category not in doc["category_path"]:
        return False
    return not (f.problem_type and doc["problem_type"] != f.problem_type)


def ref_rows(docs: list[dict[str, Any]], f: Filters, field: str) -> list[CellRow]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in docs:
        if matches(doc, f) and doc.get(field):
            groups[doc[field]].append(doc)
    return [
        CellRow(
            key=key,
            count=len(group),
            distinct_complainants=len({d["complainant_hash"] for d in group} - {None}),
            weeks=len({d["week"] for d in group}),
            weighted=sum(d["weight"] for d in group),
        )
        for key, group in groups.items()
    ]


def ref_group_counts(docs: list[dict[str, Any]], f: Filters, group: tuple[str, ...]) -> dict:
    counts: dict[str, int] = defaultdict(int)
    for doc in docs:
        if matches(doc, f) and all(doc.get(g) for g in group):
            counts["|".join(doc[g] for g in group)] += 1
    return dict(counts)


def ref_spreads(docs: list[dict[str, Any]], f: Filters) -> list[BrandSpread]:
    sellers: dict[str, set[str]] = defaultdict(set)
    counties: dict[str, set[str]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for doc in docs:
        if matches(doc, f) and doc.get("brand_key"):
            counts[doc["brand_key"]] += 1
            if doc["seller_key"]:
                sellers[doc["brand_key"]].add(doc["seller_key"])
            counties[doc["brand_key"]].add(doc["region_county"])
    return [BrandSpread(b, n, len(sellers[b]), len(counties[b])) for b, n in counts.items()]


def reference_cells(docs: list[dict[str, Any]], q: HotspotQuery) -> list[Any]:
    previous = {r.key: r.count for r in ref_rows(docs, q.previous_window, q.cell_field)}
    group = SURGE_GROUPS[q.level]
    surging = surges(
        ref_group_counts(docs, q.window, group), ref_group_counts(docs, q.baseline, group), query=q
    )
    spreading = spreads(ref_spreads(docs, q.window), q.thresholds)
    cells = build_cells(
        ref_rows(docs, q.window, q.cell_field),
        previous,
        query=q,
        surging=surging,
        spreading=spreading,
    )
    return cells[: q.limit]


def summary(cells: list[Any]) -> list[tuple[Any, ...]]:
    return [
        (
            c.key,
            c.count,
            c.distinct_complainants,
            c.weeks_present,
            c.weighted_count,
            c.previous_count,
            c.score,
            tuple(c.patterns),
        )
        for c in cells
    ]


# --- fixtures -------------------------------------------------------------------
@pytest.fixture(scope="module", params=ENGINES)
def backend(
    request: pytest.FixtureRequest, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[SearchBackend]:
    """Each engine with its own index holding DOCS."""
    yield from engine_holding(request, "hot", DOCS, django_db_blocker)


QUERIES = [
    pytest.param({"level": lv, "dimension": dim}, id=f"{lv.value}-{dim.value}")
    for lv in Level
    for dim in Dimension
] + [
    pytest.param({"patterns_only": False}, id="all-cells"),
    pytest.param({"patterns_only": False, "min_count": 2, "limit": 7}, id="limit"),
    pytest.param({"category": "food", "region": "430200"}, id="filtered"),
    pytest.param({"source": "supervisor", "patterns_only": False}, id="one-source"),
    pytest.param({"counterfeit_only": False, "problem_type": "fake-brand"}, id="problem-type"),
    pytest.param({"window_days": 14, "patterns_only": False}, id="two-weeks"),
]


# --- the contract ---------------------------------------------------------------
@pytest.mark.services
@pytest.mark.parametrize("overrides", QUERIES)
def test_every_engine_ranks_like_the_reference(
    backend: SearchBackend, overrides: dict[str, Any], db: None
) -> None:
    q = query(**overrides)
    expected = reference_cells(DOCS, q)
    got = hotspot_report(q, backend=backend).cells
    assert summary(got) == summary(expected)


@pytest.mark.services
def test_the_seeded_patterns_are_found(backend: SearchBackend, db: None) -> None:
    """docs/legal-basis.md §8: ≥3 distinct complainants against one seller in 30 days;
    region × category ≥ 3 × its 12-week baseline with ≥ 5 signals; one brand
    faked by ≥ 3 sellers in ≥ 2 counties."""
    sellers = hotspot_report(query(dimension=Dimension.SELLER), backend=backend)
    by_key = {c.key: c for c in sellers.cells}
    assert Pattern.REPEAT_COMPLAINANTS in by_key["430102|food-liquor|seller-a"].patterns
    # Two distinct people only: not this pattern (the cell may still surge).
    seller_b = by_key.get("430102|food-liquor|seller-b")
    assert seller_b is None or Pattern.REPEAT_COMPLAINANTS not in seller_b.patterns
    assert {s.key for s in sellers.surges} >= {"430202|food-dairy"}
    assert "430103|textiles-shoes" not in {s.key for s in sellers.surges}
    brands = hotspot_report(query(dimension=Dimension.BRAND), backend=backend)
    assert "maotai" in {b.brand_key for b in brands.brand_spreads}
    spread = next(b for b in brands.brand_spreads if b.brand_key == "maotai")
    assert spread.sellers >= 3 and spread.counties >= 2
    assert Pattern.BRAND_SPREAD in {
        p for c in brands.cells if c.subject == "maotai" for p in c.patterns
    }


@pytest.mark.services
def test_ties_break_by_count_then_key(backend: SearchBackend, db: None) -> None:
    cells = hotspot_report(
        query(patterns_only=False, region="430203", limit=500), backend=backend
    ).cells
    assert [rank_key(c) for c in cells] == sorted(rank_key(c) for c in cells)
    same_score = defaultdict(list)
    for c in cells:
        same_score[c.score].append(c)
    tied = [group for group in same_score.values() if len(group) > 1]
    # The seeded ties are there, and inside each the order is count, then key.
    assert any(len({c.count for c in g}) > 1 for g in tied)
    assert any(len({c.count for c in g}) < len(g) for g in tied)
    for group in tied:
        assert [(-c.count, c.key) for c in group] == sorted((-c.count, c.key) for c in group)


@pytest.mark.services
def test_distinct_counts_are_exact(backend: SearchBackend, db: None) -> None:
    """Distinct complainants, sellers and counties are exact on every engine
    (docs/legal-basis.md §8), for every cell, not only the returned top ones."""
    q = query(patterns_only=False)
    data = HotspotData(backend)
    rows = sorted(data.cell_rows(q.window, q.cell_field), key=lambda r: r.key)
    expected = sorted(ref_rows(DOCS, q.window, q.cell_field), key=lambda r: r.key)
    assert [(r.key, r.count, r.distinct_complainants, r.weeks) for r in rows] == [
        (r.key, r.count, r.distinct_complainants, r.weeks) for r in expected
    ]
    spreads_found = {b.brand_key: b for b in data.brand_spreads(q.window)}
    assert spreads_found == {b.brand_key: b for b in ref_spreads(DOCS, q.window)}


@pytest.mark.services
def test_trend_and_map_count_the_same_documents(backend: SearchBackend, db: None) -> None:
    q = query(patterns_only=False)
    top = [c.key for c in hotspot_report(q, backend=backend).cells[:3]]
    trend = hotspot_trend(q, keys=top, backend=backend)
    span = q.baseline.shifted(start=q.baseline.start, end=q.end)
    assert sum(trend.total) == sum(1 for d in DOCS if matches(d, span))
    for key in top:
        assert sum(trend.cells[key]) == sum(
            1 for d in DOCS if matches(d, span) and d[q.cell_field] == key
        )
    points = hotspot_map(q, backend=backend)
    expected = ref_group_counts(DOCS, q.window, ("region_county",))
    assert {p.code: p.count for p in points} == expected


@pytest.mark.services
def test_emerging_terms_find_the_new_word(backend: SearchBackend, db: None) -> None:
    terms = emerging_terms(query(), size=5, backend=backend)
    assert EMERGING_WORD in [t.term for t in terms]
    word = next(t for t in terms if t.term == EMERGING_WORD)
    assert word.count == sum(
        1 for d in DOCS if matches(d, query().window) and EMERGING_WORD in d["words"]
    )


@pytest.mark.services
def test_drill_down_lists_the_cells_documents(backend: SearchBackend, db: None) -> None:
    q = query()
    key = "430102|food-liquor|seller-a"
    rows = cell_cases(q, cell=key, size=100, backend=backend)
    expected = {
        d["id"] for d in DOCS if matches(d, q.window) and d["cell_county_category_seller"] == key
    }
    assert {r.id for r in rows} == expected
    assert all(r.tracking_code for r in rows)
