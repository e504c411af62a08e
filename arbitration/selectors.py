"""Reads of labs and inspections: which labs may be commissioned for a case,
which inspections a user sees (core.scope), and the money recovered for
consumers per office and period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from arbitration.models import Compensation, Inspection, Lab
from arbitration.models.labs import category_ancestor_paths
from complaints.models import Case
from core.models import Event, ProductCategory
from core.scope import office_scope


def labs_covering(*, category: ProductCategory | None, kind: str | None = None) -> QuerySet[Lab]:
    """Active labs whose scope covers `category`: the category itself or any
    ancestor is in scope (a scope entry covers its whole subtree)."""
    if category is None:
        return Lab.objects.none()
    qs = Lab.objects.filter(active=True, scope__path__in=category_ancestor_paths(category))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.distinct().order_by("name")


def inspections_visible_to(*, user: Any) -> QuerySet[Inspection]:
    """Staff see the inspections of their office and the offices below it;
    province-wide staff see all; nobody else sees any."""
    qs = Inspection.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.has_perm("complaints.view_case"):
        return qs.none()
    scope = office_scope(user)
    if scope.everything:
        return qs
    return qs.filter(office_id__in=scope.office_ids or ())


@dataclass(frozen=True)
class Recovered:
    """Money recovered for consumers by one office in a period."""

    office_id: int
    office: str
    cases: int
    total: Decimal


def money_recovered(*, user: Any, start: dt.date, end: dt.date) -> list[Recovered]:
    """Compensation agreed for consumers (挽回经济损失, docs/legal-basis.md §6
    and §9) per office, for the agreements recorded from `start` to `end`
    inclusive (local dates), within the user's office scope. One query."""
    scope = office_scope(user)
    if not getattr(user, "is_authenticated", False) or not user.has_perm("complaints.view_case"):
        return []
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    agreed = Event.objects.filter(
        owner_type=ContentType.objects.get_for_model(Case),
        owner_id=OuterRef("pk"),
        action="reach_agreement",
        created_at__gte=since,
        created_at__lt=until,
    )
    cases = Case.objects.filter(Exists(agreed), compensation_amount__isnull=False)
    if not scope.everything:
        cases = cases.filter(office_id__in=scope.office_ids or ())
    rows = (
        cases.values("office_id", "office__name")
        .annotate(cases=Count("id"), total=Sum("compensation_amount"))
        .order_by("office_id")
    )
    return [
        Recovered(
            office_id=row["office_id"],
            office=row["office__name"],
            cases=row["cases"],
            total=row["total"] or Decimal("0"),
        )
        for row in rows
    ]


def compensations_visible_to(*, user: Any) -> QuerySet[Compensation]:
    """Staff see the compensations of their offices; a consumer sees those of
    their own cases; nobody else sees any."""
    qs = Compensation.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if getattr(user, "staff_profile", None) is None and not office_scope(user).everything:
        return qs.filter(case__consumer=user)
    if not user.has_perm("complaints.view_case"):
        return qs.none()
    scope = office_scope(user)
    if scope.everything:
        return qs
    return qs.filter(office_id__in=scope.office_ids or ())
