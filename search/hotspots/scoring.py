"""Scores, ranking and the hotspot patterns (docs/legal-basis.md §8), independent of the
engine.

Every engine returns the same raw numbers per cell; everything that turns
them into a ranking lives here so the three engines cannot disagree on it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from search.hotspots.params import Dimension, HotspotQuery, Thresholds


class Pattern(StrEnum):
    #: At least N distinct complainants against one seller in the window.
    REPEAT_COMPLAINANTS = "repeat_complainants"
    #: Region × category count ≥ factor × its trailing baseline, ≥ min signals.
    REGIONAL_SURGE = "regional_surge"
    #: One brand faked by ≥ N sellers in ≥ M counties.
    BRAND_SPREAD = "brand_spread"


@dataclass(frozen=True)
class CellRow:
    """Raw aggregation of one cell in one window, as an engine returns it."""

    key: str
    count: int
    distinct_complainants: int
    weeks: int
    weighted: float


@dataclass(frozen=True)
class Term:
    """An emerging word: foreground and background document counts."""

    term: str
    count: int
    background_count: int
    score: float


@dataclass(frozen=True)
class BrandSpread:
    brand_key: str
    count: int
    sellers: int
    counties: int


@dataclass(frozen=True)
class Surge:
    key: str
    count: int
    baseline: float
    """Expected count for a window of this length, from the trailing weeks."""


@dataclass
class Cell:
    key: str
    region: str
    category: str
    subject: str
    count: int
    distinct_complainants: int
    weeks_present: int
    weighted_count: float
    previous_count: int
    trend: float | None
    score: float
    patterns: list[str] = field(default_factory=list)

    @property
    def is_hotspot(self) -> bool:
        return bool(self.patterns)


def split_key(key: str) -> tuple[str, str, str]:
    """ "region|category|subject"; the subject is last so it may contain "|"."""
    parts = key.split("|", 2)
    while len(parts) < 3:
        parts.append("")
    return parts[0], parts[1], parts[2]


def trend(count: int, previous: int) -> float | None:
    """Relative change against the previous window; None when it was empty."""
    if previous == 0:
        return None
    return round((count - previous) / previous, 3)


def score(
    *,
    weighted: float,
    distinct_complainants: int,
    weeks: int,
    window_weeks: int,
    growth: float | None,
) -> float:
    """weighted × (1 + ln distinct) × recurrence × growth bonus.

    Weighted count rather than raw count, so repeat filers count less
    (docs/legal-basis.md §8); more distinct people and more weeks present make a cell
    more of a recurring hotspot; growth over the previous window (or a new
    cell) adds up to half again."""
    weighted = round(weighted, 3)
    people = 1 + math.log(max(distinct_complainants, 1))
    recurrence = 0.5 + 0.5 * min(weeks, window_weeks) / max(window_weeks, 1)
    bonus = 1.5 if growth is None else 1 + 0.5 * min(max(growth, 0.0), 1.0)
    return round(weighted * people * recurrence * bonus, 3)


def rank_key(cell: Cell) -> tuple[float, int, str]:
    """Score first; ties break by count, then key (the contract in docs/hotspots.md)."""
    return (-cell.score, -cell.count, cell.key)


def surges(
    current: dict[str, int], baseline: dict[str, int], *, query: HotspotQuery
) -> dict[str, Surge]:
    """Region × category groups whose window count is at least growth_factor
    times the baseline rate scaled to the window, with at least min_signals
    signals. A group absent from the baseline surges once it has min_signals."""
    t = query.thresholds
    per_window = query.window_days / (7 * t.baseline_weeks)
    found = {}
    for key, count in current.items():
        expected = baseline.get(key, 0) * per_window
        if count >= t.min_signals and count >= t.growth_factor * expected:
            found[key] = Surge(key=key, count=count, baseline=round(expected, 3))
    return found


def spreads(rows: Iterable[BrandSpread], thresholds: Thresholds) -> dict[str, BrandSpread]:
    return {
        row.brand_key: row
        for row in rows
        if row.sellers >= thresholds.brand_min_sellers
        and row.counties >= thresholds.brand_min_counties
    }


def surge_key_for(cell_key: str) -> str:
    region, category, _subject = split_key(cell_key)
    return f"{region}|{category}"


def build_cells(
    rows: Iterable[CellRow],
    previous: dict[str, int],
    *,
    query: HotspotQuery,
    surging: dict[str, Surge],
    spreading: dict[str, BrandSpread],
) -> list[Cell]:
    """Scores, flags and ranks cells. Repeat complainants concern sellers and
    brand spread concerns brands (docs/legal-basis.md §8), each on its own dimension;
    a regional surge flags every cell of the surging region × category."""
    t = query.thresholds
    cells = []
    for row in rows:
        if row.count < query.min_count:
            continue
        region, category, subject = split_key(row.key)
        prev = previous.get(row.key, 0)
        growth = trend(row.count, prev)
        patterns = []
        if (
            query.dimension == Dimension.SELLER
            and row.distinct_complainants >= t.min_distinct_complainants
        ):
            patterns.append(Pattern.REPEAT_COMPLAINANTS.value)
        if f"{region}|{category}" in surging:
            patterns.append(Pattern.REGIONAL_SURGE.value)
        if query.dimension == Dimension.BRAND and subject in spreading:
            patterns.append(Pattern.BRAND_SPREAD.value)
        if query.patterns_only and not patterns:
            continue
        cells.append(
            Cell(
                key=row.key,
                region=region,
                category=category,
                subject=subject,
                count=row.count,
                distinct_complainants=row.distinct_complainants,
                weeks_present=row.weeks,
                weighted_count=round(row.weighted, 3),
                previous_count=prev,
                trend=growth,
                score=score(
                    weighted=row.weighted,
                    distinct_complainants=row.distinct_complainants,
                    weeks=row.weeks,
                    window_weeks=query.window_weeks,
                    growth=growth,
                ),
                patterns=patterns,
            )
        )
    cells.sort(key=rank_key)
    return cells
