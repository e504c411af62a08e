"""Reads of labs and inspections: which labs may be commissioned for a case,
and which inspections a user sees (core.scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from arbitration.models import Inspection, Lab
from arbitration.models.labs import category_ancestor_paths
from core.models import ProductCategory
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
