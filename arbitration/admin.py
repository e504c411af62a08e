"""The registry of labs and appraisal bodies is kept here by administrators;
inspections are written only by arbitration.services, so they are read-only
here, within the user's office scope (core.scope)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from arbitration.models import Inspection, InspectionItem, Lab, Sample
from arbitration.selectors import inspections_visible_to
from core.admin.base import ReadOnlyAdmin, ReadOnlyGenericInline, ReadOnlyInline
from core.models import Clock, Event
from core.scope import office_scope


@admin.register(Lab)
class LabAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "cma_number", "cnas_number", "region", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "cma_number", "cnas_number"]
    filter_horizontal = ["scope"]
    autocomplete_fields = ["region"]


class ItemInline(ReadOnlyInline):
    model = InspectionItem
    fields = ["name", "standard", "result", "conforming"]
    show_change_link = False


class SampleInline(ReadOnlyInline):
    model = Sample
    fields = ["sample_id", "description", "sealed_on"]
    show_change_link = False


class ClockInline(ReadOnlyGenericInline):
    model = Clock
    fields = ["kind", "unit", "amount", "started_on", "due_on", "stopped_on"]


class EventInline(ReadOnlyGenericInline):
    model = Event
    fields = ["created_at", "action", "from_status", "to_status", "reason_code", "actor"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "status", "case", "office", "lab", "created_at"]
    list_filter = ["kind", "status"]
    inlines = [ItemInline, SampleInline, ClockInline, EventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if office_scope(request.user).everything:
            return qs
        return qs.filter(pk__in=inspections_visible_to(user=request.user).values("pk"))
