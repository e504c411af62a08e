"""The clocks and the audit trail of every owner: written only by services,
so read-only here."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.admin.base import ProvinceWideOnly, ReadOnlyAdmin
from core.clocks.calendar import WorkCalendar
from core.clocks.engine import clock_state
from core.models import Clock, Event

_page_calendar: ContextVar[WorkCalendar | None] = ContextVar("_page_calendar", default=None)


class OwnerColumn:
    """The owner (a case's tracking code…) of a generic row."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).prefetch_related("owner")  # type: ignore[misc]

    @admin.display(description=_("owner"))
    def owner_display(self, obj: Any) -> str:
        return str(obj.owner) if obj.owner is not None else f"#{obj.owner_id}"


class ClockStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("open", _("running or paused")),
            ("overdue", _("overdue")),
            ("paused", _("paused")),
            ("stopped", _("stopped")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        value = self.value()
        if value == "open":
            return queryset.filter(stopped_on__isnull=True)
        if value == "overdue":
            return queryset.filter(stopped_on__isnull=True, due_on__lt=today)
        if value == "paused":
            return queryset.filter(stopped_on__isnull=True, paused_on__isnull=False)
        if value == "stopped":
            return queryset.filter(stopped_on__isnull=False)
        return queryset


@admin.register(Clock)
class ClockAdmin(ProvinceWideOnly, OwnerColumn, ReadOnlyAdmin):
    list_display = [
        "owner_display",
        "kind",
        "unit",
        "amount",
        "started_on",
        "due_on",
        "state",
        "provisional",
        "paused_on",
        "stopped_on",
        "reminded_at",
        "escalated_at",
    ]
    list_filter = [ClockStateFilter, "kind", "unit", "provisional"]
    list_select_related = ["owner_type"]
    search_fields = ["=owner_id", "kind"]
    date_hierarchy = "due_on"

    @admin.display(description=_("state"))
    def state(self, obj: Clock) -> str:
        calendar = _page_calendar.get()
        if calendar is None:
            calendar = WorkCalendar.load()
            _page_calendar.set(calendar)
        return clock_state(obj, today=timezone.localdate(), calendar=calendar)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        # One calendar snapshot per page rather than one query per row.
        token = _page_calendar.set(None)
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _page_calendar.reset(token)


@admin.register(Event)
class EventAdmin(ProvinceWideOnly, OwnerColumn, ReadOnlyAdmin):
    list_display = [
        "created_at",
        "owner_display",
        "version",
        "action",
        "from_status",
        "to_status",
        "reason_code",
        "actor",
        "rule_set",
    ]
    list_filter = ["action", "rule_set", "created_at"]
    list_select_related = ["owner_type", "actor"]
    search_fields = ["=owner_id", "action"]
    date_hierarchy = "created_at"
