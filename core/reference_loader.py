"""Loads the reference data shipped in core/reference_data/.

The functions take an app registry so that data migrations can call them with
historical models; `manage.py load_reference_data` calls them with the live one.
They are idempotent: rows are matched by their natural key and updated.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "reference_data"
PROVINCE_CODE = "430000"


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
    ProductCategory = apps.get_model(app_label, "ProductCategory")
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
    return len(sets)


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
