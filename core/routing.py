"""Picks the competent office for a category × region (RoutingRule)."""

from __future__ import annotations

from core.models import Office, ProductCategory, Region, RoutingRule


class NoRoute(LookupError):
    pass


def competent_office(*, category: ProductCategory, region: Region) -> Office:
    """The most specific rule wins: the deepest matching region, then the
    deepest matching category, then the catch-all category."""
    regions = region.lineage()
    categories: list[ProductCategory | None] = [*category.lineage(), None]
    rules = {
        (rule.region_id, rule.category_id): rule
        for rule in RoutingRule.objects.filter(region__in=regions).select_related("office")
    }
    for r in regions:
        for c in categories:
            rule = rules.get((r.code, c.pk if c else None))
            if rule is not None:
                return rule.office
    raise NoRoute(f"no routing rule for {category} in {region}")
