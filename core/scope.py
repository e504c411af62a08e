"""Office scope: whose data a user may see. Every read of office data (the
console, the API, search, hotspots, lookups and the admin) asks this module,
so that a user meets the same boundary wherever they look.

A staff user sees their own office and every office below it; the
`complaints.view_all_offices` permission (enforcement officers, the
administrator role, superusers) sees the whole province. The search index
is scoped by region instead of office: a market-regulation office's area
is its region, and the offices below it are the regions below it. An office
without an area (the 12345 hotline centre, other departments) searches
nothing; consumers and anonymous visitors see no office's data at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.models import Office

PERM_ALL_OFFICES = "complaints.view_all_offices"
#: Office kinds whose region is the area they regulate.
AREA_OFFICE_KINDS = frozenset(
    {Office.Kind.PROVINCE_AMR, Office.Kind.CITY_AMR, Office.Kind.COUNTY_AMR}
)
#: A region code no document carries: the search scope of a user with no area.
NOWHERE = "-"


@dataclass(frozen=True)
class OfficeScope:
    """What one user may see. `office_ids` None means every office."""

    office_ids: frozenset[int] | None
    #: The region whose subtree the user may search: "" for the whole
    #: province, NOWHERE for none.
    search_region: str

    @property
    def everything(self) -> bool:
        return self.office_ids is None

    def covers_office(self, office_id: int | None) -> bool:
        if self.office_ids is None:
            return True
        return office_id is not None and office_id in self.office_ids

    def covers_region(self, lineage: list[str]) -> bool:
        """Does a region (given as its code and its ancestors' codes) lie
        inside the searchable area?"""
        if not self.search_region:
            return True
        return self.search_region in lineage


EVERYTHING = OfficeScope(office_ids=None, search_region="")
NOTHING = OfficeScope(office_ids=frozenset(), search_region=NOWHERE)

# Cached on the user object: one request asks many times (once per
# transition, once per admin row), and the office tree does not change within it.
_CACHE_ATTR = "_office_scope"


def office_scope(user: Any) -> OfficeScope:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return NOTHING
    cached: OfficeScope | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    scope = _compute(user)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def _compute(user: Any) -> OfficeScope:
    if user.has_perm(PERM_ALL_OFFICES):
        return EVERYTHING
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return NOTHING
    office: Office = profile.office
    return OfficeScope(
        office_ids=frozenset(office_subtree(office.pk)),
        search_region=office.region_id if office.kind in AREA_OFFICE_KINDS else NOWHERE,
    )


def office_subtree(office_id: int) -> set[int]:
    """The office and every office below it."""
    ids = {office_id}
    frontier = set(ids)
    while frontier:
        frontier = (
            set(Office.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return ids


def is_staff_member(user: Any) -> bool:
    """A user who works for an office (or administers the platform), as
    opposed to a consumer following their own case."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or getattr(user, "staff_profile", None) is not None)
