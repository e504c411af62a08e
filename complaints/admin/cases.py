"""Cases and what hangs off them: written only by the case services (locking,
version bump, audit event, search outbox), so shown read-only here, with phone
and ID numbers masked (个人信息保护法).

Staff who are not province-wide see here exactly the cases they see in the
console (core.scope): the changelist, the change pages, the admin search,
related-object popups and autocompletes all start from `get_queryset`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, Evidence, Notice
from complaints.selectors import cases_visible_to
from core.admin.base import ReadOnlyAdmin, ReadOnlyGenericInline, ReadOnlyInline
from core.masking import mask_id_number, mask_phone
from core.models import Clock, Event
from core.scope import office_scope


class CaseScopedAdmin(ReadOnlyAdmin):
    """Rows of cases the user may see. `case_field` leads from the row to
    its case; empty for the case itself."""

    case_field = ""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if office_scope(request.user).everything:
            return qs
        lookup = f"{self.case_field}__in" if self.case_field else "pk__in"
        return qs.filter(**{lookup: cases_visible_to(user=request.user).values("pk")})


class CaseClockInline(ReadOnlyGenericInline):
    model = Clock
    fields = ["kind", "unit", "amount", "started_on", "due_on", "paused_on", "stopped_on"]
    fields += ["provisional", "reminded_at", "escalated_at"]


class CaseEventInline(ReadOnlyGenericInline):
    model = Event
    fields = ["created_at", "action", "from_status", "to_status", "reason_code", "actor"]
    show_change_link = False


class NoticeInline(ReadOnlyInline):
    model = Notice
    fields = ["kind", "via", "sent_at", "proof", "actor"]
    show_change_link = False


@admin.register(Case)
class CaseAdmin(CaseScopedAdmin):
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


@admin.register(Evidence)
class EvidenceAdmin(CaseScopedAdmin):
    case_field = "case"
    list_display = ["case", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "uploaded_at"]
    list_select_related = ["case", "uploaded_by"]
    search_fields = ["=case__tracking_code", "original_name", "=sha256"]


@admin.register(Notice)
class NoticeAdmin(CaseScopedAdmin):
    case_field = "case"
    list_display = ["case", "kind", "via", "sent_at", "actor"]
    list_filter = ["kind", "via", "sent_at"]
    list_select_related = ["case", "actor"]
    search_fields = ["=case__tracking_code"]
