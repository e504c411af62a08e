"""What a hotspot query asks for: window, level, dimension, thresholds, filters.

Thresholds default to the HOTSPOT_* settings (local practice,
docs/legal-basis.md §8) and may be overridden per request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


class Level(StrEnum):
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"


class Dimension(StrEnum):
    SELLER = "seller"
    BRAND = "brand"


#: The precomputed "region|category|key" field for each level and dimension.
CELL_FIELDS: dict[tuple[Level, Dimension], str] = {
    (Level.COUNTY, Dimension.BRAND): "cell_county_category_brand",
    (Level.COUNTY, Dimension.SELLER): "cell_county_category_seller",
    (Level.CITY, Dimension.BRAND): "cell_city_category_brand",
    (Level.CITY, Dimension.SELLER): "cell_city_category_seller",
    (Level.PROVINCE, Dimension.BRAND): "cell_province_category_brand",
    (Level.PROVINCE, Dimension.SELLER): "cell_province_category_seller",
}
#: Region × category groups for the surge pattern: one precomputed key where
#: the document has it, else the pair of fields it is made of.
SURGE_GROUPS: dict[Level, tuple[str, ...]] = {
    Level.COUNTY: ("cell_county_category",),
    Level.CITY: ("cell_city_category",),
    Level.PROVINCE: ("region_province", "category"),
}


@dataclass(frozen=True)
class Thresholds:
    """The hotspot patterns (docs/legal-basis.md §8)."""

    min_distinct_complainants: int
    baseline_weeks: int
    growth_factor: float
    min_signals: int
    brand_min_sellers: int
    brand_min_counties: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            min_distinct_complainants=settings.HOTSPOT_MIN_DISTINCT_COMPLAINANTS,
            baseline_weeks=settings.HOTSPOT_BASELINE_WEEKS,
            growth_factor=float(settings.HOTSPOT_GROWTH_FACTOR),
            min_signals=settings.HOTSPOT_MIN_SIGNALS,
            brand_min_sellers=settings.HOTSPOT_BRAND_MIN_SELLERS,
            brand_min_counties=settings.HOTSPOT_BRAND_MIN_COUNTIES,
        )


@dataclass(frozen=True)
class Filters:
    """Restricts the documents every aggregation sees. Dates are local
    (Asia/Shanghai) and inclusive; `start`/`end` bound received_at."""

    start: dt.date
    end: dt.date
    category: str = ""
    region: str = ""
    problem_type: str = ""
    source: str = ""
    counterfeit_only: bool = True
    #: The searcher's area (core.scope), applied whatever the filters ask.
    scope_region: str = ""

    @property
    def start_at(self) -> dt.datetime:
        return local_midnight(self.start)

    @property
    def end_before(self) -> dt.datetime:
        """Exclusive upper bound: midnight after the last day."""
        return local_midnight(self.end + dt.timedelta(days=1))

    def shifted(self, *, start: dt.date, end: dt.date) -> Filters:
        return replace(self, start=start, end=end)


@dataclass(frozen=True)
class HotspotQuery:
    end: dt.date
    window_days: int
    level: Level = Level.COUNTY
    dimension: Dimension = Dimension.SELLER
    thresholds: Thresholds = field(default_factory=Thresholds.from_settings)
    category: str = ""
    region: str = ""
    problem_type: str = ""
    source: str = ""
    counterfeit_only: bool = True
    min_count: int = 1
    patterns_only: bool = True
    limit: int = 50
    #: The searcher's area (core.scope): set from the user, never from input.
    scope_region: str = ""

    @classmethod
    def default(cls, **overrides: object) -> HotspotQuery:
        values: dict[str, object] = {
            "end": local_today(),
            "window_days": settings.HOTSPOT_WINDOW_DAYS,
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def start(self) -> dt.date:
        return self.end - dt.timedelta(days=self.window_days - 1)

    @property
    def cell_field(self) -> str:
        return CELL_FIELDS[(self.level, self.dimension)]

    def _filters(self, start: dt.date, end: dt.date) -> Filters:
        return Filters(
            start=start,
            end=end,
            category=self.category,
            region=self.region,
            problem_type=self.problem_type,
            source=self.source,
            counterfeit_only=self.counterfeit_only,
            scope_region=self.scope_region,
        )

    @property
    def window(self) -> Filters:
        return self._filters(self.start, self.end)

    @property
    def previous_window(self) -> Filters:
        """The window of the same length just before this one (for the trend)."""
        end = self.start - dt.timedelta(days=1)
        return self._filters(end - dt.timedelta(days=self.window_days - 1), end)

    @property
    def baseline(self) -> Filters:
        """The trailing weeks before the window (docs/legal-basis.md §8: 12-week baseline)."""
        end = self.start - dt.timedelta(days=1)
        return self._filters(
            end - dt.timedelta(weeks=self.thresholds.baseline_weeks) + dt.timedelta(days=1), end
        )

    @property
    def window_weeks(self) -> int:
        """Monday-weeks the window touches: the most it can be present in."""
        first = self.start - dt.timedelta(days=self.start.weekday())
        last = self.end - dt.timedelta(days=self.end.weekday())
        return (last - first).days // 7 + 1


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def local_today() -> dt.date:
    return timezone.localdate()
