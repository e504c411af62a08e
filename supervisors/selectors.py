"""Reads of the supervisors app, each through one visibility rule: a
supervisor sees their own record and reports; office staff with the review
permission see their office's (and the offices below it, core.scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from core.scope import is_staff_member, office_scope
from supervisors.lifecycle import PERM_REVIEW_REPORT, PERM_REVIEW_SUPERVISOR, ReportStatus
from supervisors.models import SpotCheck, Supervisor, SupervisorReport


def _office_filter(user: Any, field: str) -> Q | None:
    """Q of the rows in the user's offices; None: every office."""
    scope = office_scope(user)
    if scope.everything:
        return None
    return Q(**{f"{field}__in": scope.office_ids or ()})


def supervisors_visible_to(*, user: Any) -> QuerySet[Supervisor]:
    qs = Supervisor.objects.select_related("office", "region").prefetch_related("categories")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.has_perm(PERM_REVIEW_SUPERVISOR):
        rule = _office_filter(user, "office_id")
        return qs if rule is None else qs.filter(rule | Q(user=user))
    return qs.filter(user=user)


def reports_visible_to(*, user: Any) -> QuerySet[SupervisorReport]:
    qs = SupervisorReport.objects.select_related(
        "supervisor", "category", "seller_region", "case"
    ).prefetch_related("photos")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if user.has_perm(PERM_REVIEW_REPORT):
        rule = _office_filter(user, "office_id")
        return qs if rule is None else qs.filter(rule | Q(supervisor__user=user))
    return qs.filter(supervisor__user=user)


def spotchecks_visible_to(*, user: Any) -> QuerySet[SpotCheck]:
    """Published results: every staff member may read them."""
    qs = SpotCheck.objects.select_related("category", "region")
    return qs if is_staff_member(user) else qs.none()


def business_spotchecks(*, user: Any, credit_code: str) -> QuerySet[SpotCheck]:
    """The spot-check results of one business, as producer or as seller,
    newest first."""
    return spotchecks_visible_to(user=user).filter(
        Q(producer_credit_code=credit_code) | Q(seller_key=f"uscc:{credit_code}")
    )


def points_total(supervisor: Supervisor) -> int:
    return int(supervisor.points.aggregate(total=Sum("points"))["total"] or 0)


@dataclass
class SupervisorActivity:
    supervisor: Supervisor
    reports: int
    verified: int
    rejected: int
    points: int

    @property
    def verified_rate(self) -> float | None:
        """Verified among the reports whose review ended."""
        decided = self.verified + self.rejected
        return round(self.verified / decided, 4) if decided else None


def supervisor_activity(*, user: Any) -> list[SupervisorActivity]:
    """The office page: each visible supervisor's reports, outcomes and points
    (three aggregate queries whatever the number of supervisors)."""
    supervisors = list(
        supervisors_visible_to(user=user)
        .prefetch_related("trainings")
        .order_by("office_id", "number", "pk")
    )
    ids = [s.pk for s in supervisors]
    counts: dict[int, dict[str, Any]] = {
        row["supervisor_id"]: dict(row)
        for row in SupervisorReport.objects.filter(supervisor_id__in=ids)
        .values("supervisor_id")
        .annotate(
            n=Count("id"),
            verified=Count("id", filter=Q(status=ReportStatus.VERIFIED)),
            rejected=Count("id", filter=Q(status=ReportStatus.REJECTED)),
        )
    }
    points = dict(
        Supervisor.objects.filter(pk__in=ids)
        .annotate(total=Sum("points__points"))
        .values_list("pk", "total")
    )
    return [
        SupervisorActivity(
            supervisor=s,
            reports=counts.get(s.pk, {}).get("n", 0),
            verified=counts.get(s.pk, {}).get("verified", 0),
            rejected=counts.get(s.pk, {}).get("rejected", 0),
            points=int(points.get(s.pk) or 0),
        )
        for s in supervisors
    ]
