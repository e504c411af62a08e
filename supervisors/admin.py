"""Supervisors, their reports and spot-check results in the admin: written
only by the services (locking, version, audit event, search outbox), so shown
read-only, ID and phone numbers masked; staff who are not province-wide see
their own offices' supervisors and reports (core.scope). Points rules are
data and edited here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin.base import ReadOnlyAdmin, ReadOnlyInline
from core.scope import office_scope
from supervisors.models import (
    PointsEntry,
    PointsRule,
    ReportPhoto,
    SpotCheck,
    Supervisor,
    SupervisorReport,
    TrainingRecord,
)


class OfficeScopedAdmin(ReadOnlyAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        scope = office_scope(request.user)
        if scope.everything:
            return qs
        return qs.filter(office_id__in=scope.office_ids or ())


class TrainingInline(ReadOnlyInline):
    model = TrainingRecord
    fields = ["title", "held_on", "hours", "recorded_by"]
    show_change_link = False


@admin.register(Supervisor)
class SupervisorAdmin(OfficeScopedAdmin):
    list_display = ["number", "name", "masked_id_number", "status", "office", "term_ends_on"]
    list_filter = ["status"]
    search_fields = ["number", "name"]
    readonly_fields = SHOWN = (
        "number", "name", "masked_id_number", "masked_phone", "occupation", "status",
        "status_reason", "office", "region", "categories", "appointed_on", "term_ends_on",
    )  # fmt: skip
    fields = SHOWN
    inlines = [TrainingInline]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj: Supervisor) -> str:
        return obj.id_number_masked

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: Supervisor) -> str:
        return obj.phone_masked


class PhotoInline(ReadOnlyInline):
    model = ReportPhoto
    fields = ["file", "width", "height", "size"]
    show_change_link = False


@admin.register(SupervisorReport)
class SupervisorReportAdmin(OfficeScopedAdmin):
    list_display = ["pk", "supervisor", "finding", "seller_name", "status", "submitted_at"]
    list_filter = ["status", "finding"]
    search_fields = ["seller_name", "brand"]
    exclude = ["version"]
    inlines = [PhotoInline]


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ["product", "brand", "producer", "seller", "region", "result", "published_on"]
    list_filter = ["result", "published_on"]
    search_fields = ["product", "brand", "producer", "producer_credit_code", "seller"]
    exclude = ["import_key", "version", "brand_key", "seller_key"]


@admin.register(PointsRule)
class PointsRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "points", "active"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["supervisor", "report", "rule", "points", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        scope = office_scope(request.user)
        if scope.everything:
            return qs
        return qs.filter(supervisor__office_id__in=scope.office_ids or ())
