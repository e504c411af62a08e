"""Cases and what hangs off them: written only by the case services (locking,
version bump, audit event, search outbox), so shown read-only here, with phone
and ID numbers masked (RULES.md §10)."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.admin.base import ReadOnlyAdmin, ReadOnlyInline
from complaints.clocks import WorkCalendar, clock_state
from complaints.masking import mask_id_number, mask_phone
from complaints.models import Case, CaseClock, CaseEvent, Evidence, Notice

_page_calendar: ContextVar[WorkCalendar | None] = ContextVar("_page_calendar", default=None)


class CaseClockInline(ReadOnlyInline):
    model = CaseClock
    fields = ["kind", "unit", "amount", "started_on", "due_on", "paused_on", "stopped_on"]
    fields += ["provisional", "reminded_at", "escalated_at"]


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["created_at", "action", "from_status", "to_status", "reason_code", "actor"]
    show_change_link = False


class NoticeInline(ReadOnlyInline):
    model = Notice
    fields = ["kind", "via", "sent_at", "proof", "actor"]
    show_change_link = False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "tracking_code",
        "kind",
        "status",
        "channel",
        "received_at",
        "office",
        "handler",
        "complainant_display",
        "phone_masked",
        "business_name",
        "category",
        "rule_set",
    ]
    list_filter = ["kind", "status", "channel", "rule_set", "anonymous", "received_at"]
    list_select_related = ["office", "handler", "category", "rule_set"]
    # Exact lookups only for identifiers, so a partial phone does not enumerate callers.
    search_fields = [
        "=tracking_code",
        "=work_order_no",
        "business_name",
        "=business_credit_code",
        "=complainant_phone",
    ]
    date_hierarchy = "received_at"
    exclude = ["complainant_phone", "complainant_id_number"]
    readonly_fields = ["phone_masked", "id_number_masked"]
    inlines = [CaseClockInline, NoticeInline, CaseEventInline]

    @admin.display(description=_("complainant"))
    def complainant_display(self, obj: Case) -> str:
        return str(_("anonymous")) if obj.anonymous else obj.complainant_name

    @admin.display(description=_("phone"))
    def phone_masked(self, obj: Case) -> str:
        return mask_phone(obj.complainant_phone) if obj.complainant_phone else ""

    @admin.display(description=_("ID number"))
    def id_number_masked(self, obj: Case) -> str:
        return mask_id_number(obj.complainant_id_number) if obj.complainant_id_number else ""


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


@admin.register(CaseClock)
class CaseClockAdmin(ReadOnlyAdmin):
    list_display = [
        "case",
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
    list_select_related = ["case"]
    search_fields = ["=case__tracking_code"]
    date_hierarchy = "due_on"

    @admin.display(description=_("state"))
    def state(self, obj: CaseClock) -> str:
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


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "case",
        "action",
        "from_status",
        "to_status",
        "reason_code",
        "actor",
        "rule_set",
    ]
    list_filter = ["action", "rule_set", "created_at"]
    list_select_related = ["case", "actor"]
    search_fields = ["=case__tracking_code", "action"]
    date_hierarchy = "created_at"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["case", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "uploaded_at"]
    list_select_related = ["case", "uploaded_by"]
    search_fields = ["=case__tracking_code", "original_name", "=sha256"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["case", "kind", "via", "sent_at", "actor"]
    list_filter = ["kind", "via", "sent_at"]
    list_select_related = ["case", "actor"]
    search_fields = ["=case__tracking_code"]
