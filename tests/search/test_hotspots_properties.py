"""Properties of the hotspot rules (docs/legal-basis.md §8), on the scoring alone and
on the database engine over PostgreSQL."""

from __future__ import annotations

import dataclasses
import math
import uuid

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from search.backends import get_backend
from search.hotspots.params import Dimension, HotspotQuery, Thresholds
from search.hotspots.scoring import (
    BrandSpread,
    CellRow,
    Pattern,
    build_cells,
    rank_key,
    score,
    spreads,
    surges,
)
from search.hotspots.selectors import hotspot_report
from tests.search.test_hotspots import END, make_doc

THRESHOLDS = Thresholds(
    min_distinct_complainants=3,
    baseline_weeks=12,
    growth_factor=3.0,
    min_signals=5,
    brand_min_sellers=3,
    brand_min_counties=2,
)

weights = st.sampled_from([1.0, 0.5, 0.25, 1 / 3])


@st.composite
def rows(draw: st.DrawFn) -> CellRow:
    count = draw(st.integers(1, 60))
    distinct = draw(st.integers(0, count))
    return CellRow(
        key=draw(st.sampled_from(["430102", "430103"]))
        + "|food-liquor|"
        + draw(st.text("abcxyz", min_size=1, max_size=4)),
        count=count,
        distinct_complainants=distinct,
        weeks=draw(st.integers(1, 5)),
        weighted=sum(draw(st.lists(weights, min_size=count, max_size=count))),
    )


def q(**kw: object) -> HotspotQuery:
    values: dict[str, object] = {"end": END, "window_days": 30, "thresholds": THRESHOLDS}
    values.update(kw)
    return HotspotQuery(**values)  # type: ignore[arg-type]


@given(
    row=rows(),
    w=weights,
    new_person=st.booleans(),
    new_week=st.booleans(),
    previous=st.integers(0, 40),
)
def test_adding_a_signal_never_lowers_a_cells_score(
    row: CellRow, w: float, new_person: bool, new_week: bool, previous: int
) -> None:
    window_weeks = 5
    growth = None if previous == 0 else (row.count - previous) / previous
    before = score(
        weighted=row.weighted,
        distinct_complainants=row.distinct_complainants,
        weeks=row.weeks,
        window_weeks=window_weeks,
        growth=growth,
    )
    after = score(
        weighted=row.weighted + w,
        distinct_complainants=row.distinct_complainants + int(new_person),
        weeks=min(row.weeks + int(new_week), window_weeks),
        window_weeks=window_weeks,
        growth=None if previous == 0 else (row.count + 1 - previous) / previous,
    )
    assert after >= before


@given(row=rows(), threshold=st.integers(1, 10))
def test_repeat_complainants_flag_sellers_at_the_threshold(row: CellRow, threshold: int) -> None:
    """docs/legal-basis.md §8: at least N distinct complainants against one seller."""
    t = dataclasses.replace(THRESHOLDS, min_distinct_complainants=threshold)
    for dimension in Dimension:
        (cell,) = build_cells(
            [row],
            {},
            query=q(thresholds=t, dimension=dimension, patterns_only=False),
            surging={},
            spreading={},
        )
        flagged = Pattern.REPEAT_COMPLAINANTS in cell.patterns
        assert flagged == (dimension == Dimension.SELLER and row.distinct_complainants >= threshold)


@given(
    count=st.integers(0, 100),
    baseline=st.integers(0, 400),
    extra=st.integers(1, 20),
    factor=st.sampled_from([1.5, 2.0, 3.0]),
)
def test_regional_surge_rule(count: int, baseline: int, extra: int, factor: float) -> None:
    """docs/legal-basis.md §8: count ≥ factor × trailing baseline, with ≥ min signals;
    more signals never end a surge, a higher baseline never starts one."""
    query = q(thresholds=dataclasses.replace(THRESHOLDS, growth_factor=factor))
    expected_rate = baseline * 30 / (7 * 12)

    def surging(n: int, base: int) -> bool:
        return "k" in surges({"k": n}, {"k": base}, query=query)

    assert surging(count, baseline) == (count >= 5 and count >= factor * expected_rate)
    if surging(count, baseline):
        assert surging(count + extra, baseline)
    else:
        assert not surging(count, baseline + extra)


@given(sellers=st.integers(0, 6), counties=st.integers(0, 4))
def test_brand_spread_rule(sellers: int, counties: int) -> None:
    """docs/legal-basis.md §8: one brand faked by ≥ 3 sellers in ≥ 2 counties."""
    found = spreads([BrandSpread("b", 10, sellers, counties)], THRESHOLDS)
    assert ("b" in found) == (sellers >= 3 and counties >= 2)


@given(st.lists(rows(), max_size=25, unique_by=lambda r: r.key))
def test_ranking_is_score_then_count_then_key(cells: list[CellRow]) -> None:
    ranked = build_cells(cells, {}, query=q(patterns_only=False), surging={}, spreading={})
    keys = [rank_key(c) for c in ranked]
    assert keys == sorted(keys)
    assert {c.key for c in ranked} == {c.key for c in cells}
    assert all(math.isfinite(c.score) and c.score >= 0 for c in ranked)


# --- on the database engine --------------------------------------------------------
CELL = "430102|food-liquor|seller-a"
signals = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 29), weights), min_size=1, max_size=12
)


@pytest.mark.services
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(existing=signals, others=signals, repeat=st.booleans(), w=weights, day=st.integers(0, 29))
def test_one_more_signal_on_the_database_engine(
    postgres: None,
    existing: list[tuple[int, int, float]],
    others: list[tuple[int, int, float]],
    repeat: bool,
    w: float,
    day: int,
) -> None:
    """Adding a signal raises its cell's count by one and never lowers its
    score; a repeat filer leaves distinct complainants unchanged, a new
    person adds one; no cell of another region × category changes."""
    import datetime as dt

    backend = get_backend("database", "", prefix=f"prop-{uuid.uuid4().hex[:10]}")
    backend.ensure_index()
    try:
        docs = [
            make_doc(n + 1, day=END - dt.timedelta(days=d), who=f"p{who}", weight=wt)
            for n, (who, d, wt) in enumerate(existing)
        ]
        docs += [
            make_doc(
                100 + n,
                day=END - dt.timedelta(days=d),
                county="430103",
                seller="seller-z",
                who=f"o{who}",
                weight=wt,
            )
            for n, (who, d, wt) in enumerate(others)
        ]
        backend.index_documents(docs)
        query = q(patterns_only=False)
        before = {c.key: c for c in hotspot_report(query, backend=backend).cells}
        people = sorted({f"p{who}" for who, _d, _w in existing})
        who = people[0] if repeat else "someone-new"
        assume(repeat or who not in people)
        backend.index_documents(
            [make_doc(999, day=END - dt.timedelta(days=day), who=who, weight=w)]
        )
        after = {c.key: c for c in hotspot_report(query, backend=backend).cells}
    finally:
        backend.drop()
    assert after[CELL].count == before[CELL].count + 1
    assert after[CELL].distinct_complainants == before[CELL].distinct_complainants + (
        0 if repeat else 1
    )
    assert after[CELL].score >= before[CELL].score
    assert {k: v for k, v in after.items() if k != CELL} == {
        k: v for k, v in before.items() if k != CELL
    }
