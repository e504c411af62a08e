"""Loads the reference data shipped in core/reference_data/.

The functions take an app registry so that data migrations can call them with
historical models; `manage.py load_reference_data` calls them with the live one.
They are idempotent: rows are matched by their natural key and updated.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
PROVINCE_CODE = "430000"
#: Codes that changed since they were first shipped: `renamed` maps an old
#: code to its new one (applied by the loaders); `moved` records nodes that
#: kept their code under a new parent (codes are stable identifiers, so a
#: prefix may name the node's first parent).
CODE_CHANGES = "code_changes.json"


def read(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def load_regions(apps: Any, app_label: str = "core") -> int:
    Region = apps.get_model(app_label, "Region")
    rows = read("regions_hunan.json")
    # Parents come before children because codes sort province, city, county.
    for row in sorted(
        rows, key=lambda r: (r["level"] != "province", r["level"] != "city", r["code"])
    ):
        Region.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "level": row["level"],
                "parent_id": row["parent"],
                "latitude": row["latitude"],
                "longitude": row["longitude"],
            },
        )
    return len(rows)


def load_categories(apps: Any, app_label: str = "core") -> int:
    """Upserts the tree, then applies `code_changes.json`: a node that moved
    keeps its routing, and rows on a renamed code follow it to the new one."""
    ProductCategory = apps.get_model(app_label, "ProductCategory")
    parents_before = dict(ProductCategory.objects.values_list("code", "parent__code"))
    count = 0

    def walk(nodes: list[dict[str, Any]], parent: Any, parent_path: str) -> None:
        nonlocal count
        for order, node in enumerate(nodes):
            path = f"{parent_path}/{node['code']}" if parent_path else node["code"]
            obj, _ = ProductCategory.objects.update_or_create(
                code=node["code"],
                defaults={
                    "name": node["name"],
                    "name_en": node.get("name_en", ""),
                    "parent": parent,
                    "path": path,
                    "sort_order": order,
                },
            )
            count += 1
            walk(node.get("children", []), obj, path)

    walk(read("categories.json"), None, "")
    _keep_routing_of_moved(apps, app_label, parents_before)
    apply_renamed_codes(
        apps, "ProductCategory", read(CODE_CHANGES)["categories"]["renamed"], app_label
    )
    return count


def _keep_routing_of_moved(
    apps: Any, app_label: str, parents_before: dict[str, str | None]
) -> None:
    """A node that moves to another parent would silently lose the routing
    rules of its former ancestors; each region's nearest former-ancestor rule
    is copied onto the node itself so its cases go where they went before."""
    ProductCategory = apps.get_model(app_label, "ProductCategory")
    RoutingRule = apps.get_model(app_label, "RoutingRule")
    parents_now = dict(ProductCategory.objects.values_list("code", "parent__code"))
    for code, old_parent in parents_before.items():
        if old_parent is None or code not in parents_now or parents_now[code] == old_parent:
            continue
        node = ProductCategory.objects.get(code=code)
        own = set(RoutingRule.objects.filter(category=node).values_list("region_id", flat=True))
        ancestor: str | None = old_parent
        while ancestor is not None:
            for rule in RoutingRule.objects.filter(category__code=ancestor).exclude(
                region_id__in=own
            ):
                RoutingRule.objects.create(
                    category=node,
                    region_id=rule.region_id,
                    office_id=rule.office_id,
                    note=f"kept from {ancestor} when {code} moved"[:200],
                )
                own.add(rule.region_id)
            ancestor = parents_before.get(ancestor)
        logger.warning(
            "category %s moved from %s to %s: its cases' search documents keep the old "
            "path until `manage.py search_reindex`",
            code,
            old_parent,
            parents_now[code],
        )


def apply_renamed_codes(
    apps: Any, model_name: str, renamed: Mapping[str, str], app_label: str = "core"
) -> dict[str, int]:
    """Repoints every row that refers to an old code (cases, routing rules,
    hotspot alerts: whatever has a foreign key to `model_name`) to the row of
    its new code, and deletes the old row once nothing refers to it. A row
    whose repointing would break a unique constraint (a routing rule for a
    region the new code already has) stays on the old code, which is then
    kept. Returns the number of rows repointed per referring model."""
    Model = apps.get_model(app_label, model_name)
    relations = [
        f
        for f in Model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
    ]
    moved: dict[str, int] = {}
    for old_code, new_code in renamed.items():
        old = Model.objects.filter(code=old_code).first()
        if old is None:
            continue
        new = Model.objects.get(code=new_code)
        referenced = False
        for rel in relations:
            rows = rel.related_model._base_manager.filter(**{rel.field.name: old})
            if rel.related_model is Model:
                # Children the tree file no longer lists under the old node:
                # the loader owns their place, so they keep the old row alive.
                referenced = referenced or rows.exists()
                continue
            count = _repoint(rows, rel.field.name, new)
            if count:
                label = rel.related_model._meta.label_lower
                moved[label] = moved.get(label, 0) + count
                logger.warning(
                    "%d %s rows moved from %s to %s; cases among them reach the search "
                    "index with `manage.py search_reindex`",
                    count,
                    label,
                    old_code,
                    new_code,
                )
            referenced = referenced or rows.exists()
        if not referenced:
            old.delete()
    return moved


def _repoint(rows: Any, field: str, target: Any) -> int:
    """Moves `rows` to `target` in one statement, or row by row when a unique
    constraint refuses some of them."""
    try:
        with transaction.atomic():
            return int(rows.update(**{field: target}))
    except IntegrityError:
        pass
    count = 0
    for pk in list(rows.values_list("pk", flat=True)):
        try:
            with transaction.atomic():
                count += rows.filter(pk=pk).update(**{field: target})
        except IntegrityError:
            continue
    return count


def load_problem_types(apps: Any, app_label: str = "core") -> int:
    ProblemType = apps.get_model(app_label, "ProblemType")
    rows = read("problem_types.json")
    for order, row in enumerate(rows):
        ProblemType.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "counterfeit_signal": row["counterfeit_signal"],
                "sort_order": order,
            },
        )
    apply_renamed_codes(
        apps, "ProblemType", read(CODE_CHANGES)["problem_types"]["renamed"], app_label
    )
    return len(rows)


def load_offices_and_routing(apps: Any, app_label: str = "core") -> int:
    """One market-regulation office per county, city and the province, the
    provincial 12345 hotline centre, and routing rules: each county's cases go
    to its county office; anything unmatched goes to the province."""
    Region = apps.get_model(app_label, "Region")
    Office = apps.get_model(app_label, "Office")
    RoutingRule = apps.get_model(app_label, "RoutingRule")
    kinds = {"province": "province_amr", "city": "city_amr", "county": "county_amr"}
    english = {
        "province": "Hunan Provincial Administration for Market Regulation",
        "city": "City Market Regulation Bureau",
        "county": "County Market Regulation Bureau",
    }
    offices: dict[str, Any] = {}
    for region in Region.objects.order_by("code"):
        parent = offices.get(region.parent_id) if region.parent_id else None
        offices[region.code], _ = Office.objects.update_or_create(
            code=f"amr-{region.code}",
            defaults={
                "name": f"{region.name}市场监督管理局",
                "name_en": english[region.level]
                + ("" if region.level == "province" else f" ({region.code})"),
                "kind": kinds[region.level],
                "region": region,
                "parent": parent,
            },
        )
    Office.objects.update_or_create(
        code="hotline-12345",
        defaults={
            "name": "湖南省12345政务服务便民热线",
            "name_en": "Hunan 12345 hotline centre",
            "kind": "hotline",
            "region_id": PROVINCE_CODE,
            "parent": None,
        },
    )
    for code, office in offices.items():
        if office.kind in ("county_amr", "province_amr"):
            RoutingRule.objects.update_or_create(
                category=None, region_id=code, defaults={"office": office}
            )
    return len(offices) + 1


def load_rule_sets(apps: Any, app_label: str = "core") -> int:
    RuleSet = apps.get_model(app_label, "RuleSet")
    ClockRule = apps.get_model(app_label, "ClockRule")
    Ground = apps.get_model(app_label, "Ground")
    grounds = read("grounds.json")
    sets = read("rule_sets.json")
    for spec in sets:
        rule_set, _ = RuleSet.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "name_en": spec["name_en"],
                "effective_from": dt.date.fromisoformat(spec["effective_from"]),
                "source": spec["source"],
            },
        )
        # Older migration states lack the newer columns (labels, extends).
        columns = {f.name for f in ClockRule._meta.get_fields()}
        for clock in spec["clocks"]:
            ClockRule.objects.update_or_create(
                rule_set=rule_set,
                kind=clock["kind"],
                defaults={k: v for k, v in clock.items() if k != "kind" and k in columns},
            )
        for kind, rows in grounds.items():
            if kind == "source":
                continue
            for order, (code, label, label_en) in enumerate(rows):
                Ground.objects.update_or_create(
                    rule_set=rule_set,
                    kind=kind,
                    code=code,
                    defaults={
                        "label": label,
                        "label_en": label_en,
                        "source": grounds["source"],
                        "sort_order": order,
                    },
                )
    _check_deferred_constraints(RuleSet.objects.db)
    return len(sets)


def _check_deferred_constraints(alias: str) -> None:
    """Runs the foreign-key checks of the rows just inserted now rather than
    at commit. A migration that loads rule sets and also alters their tables
    (core 0002 adds indexes after loading) would otherwise fail on
    PostgreSQL: a table with pending trigger events cannot be indexed.
    Django's foreign keys are all DEFERRABLE INITIALLY DEFERRED, so going
    back to DEFERRED restores the default for the rest of the transaction."""
    from django.db import connections

    connection = connections[alias]
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def load_calendar_from_package(apps: Any, app_label: str = "core") -> int:
    """Seeds the working-day calendar from the `chinese-calendar` package: every
    weekday holiday and every weekend make-up working day of each year it covers."""
    import chinese_calendar

    CalendarYear = apps.get_model(app_label, "CalendarYear")
    CalendarDay = apps.get_model(app_label, "CalendarDay")
    names = {}
    for day, holiday in chinese_calendar.holidays.items():
        if day.weekday() < 5:
            names[day] = (False, str(holiday))
    for day, holiday in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            names[day] = (True, f"{holiday} (调休)")
    years = sorted({d.year for d in names})
    for day, (is_workday, name) in names.items():
        CalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "name": name[:60]}
        )
    version = getattr(chinese_calendar, "__version__", "")
    for year in years:
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": f"chinese-calendar {version}".strip()}
        )
    return len(years)


def load_all(apps: Any, app_label: str = "core") -> dict[str, int]:
    """Every kind of reference data; `app_label` is the app that holds the
    models in the migration state the caller runs in."""
    return {
        "regions": load_regions(apps, app_label),
        "categories": load_categories(apps, app_label),
        "problem_types": load_problem_types(apps, app_label),
        "offices": load_offices_and_routing(apps, app_label),
        "rule_sets": load_rule_sets(apps, app_label),
        "calendar_years": load_calendar_from_package(apps, app_label),
    }
