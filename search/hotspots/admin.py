"""Read-only admin for the daily hotspot runs: the rows are the run's record."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.scope import office_scope
from search.hotspots.models import HotspotAlert


@admin.register(HotspotAlert)
class HotspotAlertAdmin(admin.ModelAdmin):
    list_display = (
        "run_on",
        "cell_key",
        "dimension",
        "change",
        "count",
        "distinct_complainants",
        "score",
        "lead",
        "office",
        "notified_at",
    )
    list_filter = ("run_on", "level", "dimension", "change")
    search_fields = ("cell_key", "subject", "lead__tracking_code")
    date_hierarchy = "run_on"
    list_select_related = ("lead", "office")

    def get_queryset(self, request: HttpRequest) -> QuerySet[HotspotAlert]:
        """The alerts addressed to the offices the user sees (core.scope)."""
        qs = super().get_queryset(request)
        scope = office_scope(request.user)
        if scope.office_ids is None:
            return qs
        return qs.filter(office_id__in=scope.office_ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
