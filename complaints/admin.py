"""Django admin for the complaints app.

Cases and everything hanging off them are written by the case services
(locking, version bump, audit event, search outbox), so the admin shows them
read-only; phone and ID numbers appear masked (RULES.md §10). Reference data,
rule sets and the holiday calendar are maintained here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.clocks import clock_state
from complaints.clocks.holidays import (
    HolidayFileError,
    HolidayRow,
    calendar_import,
    parse_holiday_text,
)
from complaints.masking import mask_id_number, mask_phone
from complaints.models import (
    CalendarDay,
    CalendarYear,
    Case,
    CaseClock,
    CaseEvent,
    ClockRule,
    Evidence,
    Ground,
    Notice,
    Office,
    ProblemType,
    ProductCategory,
    Region,
    RoutingRule,
    RuleSet,
    StaffProfile,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: viewable, never edited here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return list(self.fields or [])

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- Cases ---------------------------------------------------------------------
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
        return clock_state(obj, today=timezone.localdate(), calendar=self._calendar())

    def _calendar(self) -> Any:
        # One calendar snapshot per changelist page rather than per row.
        from complaints.clocks import WorkCalendar

        cached = getattr(self, "_calendar_cache", None)
        if cached is None or cached[0] != timezone.localdate():
            cached = (timezone.localdate(), WorkCalendar.load())
            self._calendar_cache = cached
        return cached[1]


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


# --- Reference data ------------------------------------------------------------
@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "path", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["code", "name", "name_en", "path"]
    list_select_related = ["parent"]


@admin.register(ProblemType)
class ProblemTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "counterfeit_signal", "sort_order"]
    list_filter = ["counterfeit_signal"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "parent", "head"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en", "region__name"]
    list_select_related = ["region", "parent", "head"]
    raw_id_fields = ["region", "parent", "head"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["region", "category", "office", "note"]
    list_filter = ["office__kind"]
    search_fields = ["region__code", "region__name", "category__name", "office__name"]
    list_select_related = ["region", "category", "office"]
    raw_id_fields = ["region", "category", "office"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "office"]
    list_filter = ["office__kind"]
    search_fields = ["user__username", "display_name", "office__name"]
    list_select_related = ["user", "office"]
    raw_id_fields = ["user", "office"]


# --- Rule sets -----------------------------------------------------------------
class ClockRuleInline(admin.TabularInline):
    model = ClockRule
    extra = 0
    fields = ["kind", "amount", "unit", "pauses_for_inspection", "source"]


class GroundInline(admin.TabularInline):
    model = Ground
    extra = 0
    fields = ["kind", "code", "label", "label_en", "source", "sort_order"]


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "effective_from"]
    search_fields = ["code", "name", "name_en"]
    inlines = [ClockRuleInline, GroundInline]


@admin.register(ClockRule)
class ClockRuleAdmin(admin.ModelAdmin):
    list_display = ["rule_set", "kind", "amount", "unit", "pauses_for_inspection", "source"]
    list_filter = ["rule_set", "kind", "unit", "pauses_for_inspection"]
    list_select_related = ["rule_set"]


@admin.register(Ground)
class GroundAdmin(admin.ModelAdmin):
    list_display = ["rule_set", "kind", "code", "label", "sort_order"]
    list_filter = ["rule_set", "kind"]
    search_fields = ["code", "label", "label_en"]
    list_select_related = ["rule_set"]


# --- Holiday calendar (docs/holidays.md) ----------------------------------------
class CalendarYearForm(forms.ModelForm):
    """A year with its exceptions pasted as CSV lines, the way the State
    Council notice is transcribed; saving replaces that year's exceptions."""

    exceptions = forms.CharField(
        label=_("exceptions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 60}),
        help_text=_(
            "One day per line: date,is_workday,name — e.g. 2027-02-07,true,春节 (调休). "
            "List every weekday holiday and every weekend make-up working day. "
            "Leave empty to keep the days already entered."
        ),
    )

    class Meta:
        model = CalendarYear
        fields = ["year", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[HolidayRow] | None = None
        if self.instance.pk and not self.is_bound:
            days = CalendarDay.objects.filter(date__year=self.instance.pk)
            self.fields["exceptions"].initial = "\n".join(
                f"{d.date.isoformat()},{'true' if d.is_workday else 'false'},{d.name}" for d in days
            )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 1949 <= year <= dt.date.today().year + 5:
            raise forms.ValidationError(_("Enter a year between 1949 and five years ahead."))
        return int(year)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = (cleaned.get("exceptions") or "").strip()
        year = cleaned.get("year") or self.instance.pk
        if text and year:
            lines = text.splitlines()
            header = "" if lines[0].lower().startswith("date") else "date,is_workday,name\n"
            offset = 1 if header else 0
            try:
                self.rows = parse_holiday_text(header + text, fmt="csv")
            except HolidayFileError as exc:
                self.add_error("exceptions", [_renumber(e, offset) for e in exc.errors])
                return cleaned
            outside = [r for r in self.rows if r.date.year != year]
            if outside:
                self.add_error(
                    "exceptions",
                    _("line %(line)s: %(date)s is not in %(year)s")
                    % {"line": outside[0].line - offset, "date": outside[0].date, "year": year},
                )
        return cleaned


def _renumber(message: str, offset: int) -> str:
    """Line numbers as the admin typed them, before the implied header line."""
    if offset and message.startswith("line "):
        number, _sep, rest = message[5:].partition(":")
        if number.isdigit():
            return f"line {int(number) - offset}:{rest}"
    return message


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    list_display = ["year", "source", "holidays", "makeup_workdays", "loaded_at"]
    search_fields = ["source"]
    fields = ["year", "source", "exceptions"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["year"] if obj is not None else []

    @admin.display(description=_("weekday holidays"))
    def holidays(self, obj: CalendarYear) -> int:
        return CalendarDay.objects.filter(date__year=obj.year, is_workday=False).count()

    @admin.display(description=_("make-up working days"))
    def makeup_workdays(self, obj: CalendarYear) -> int:
        return CalendarDay.objects.filter(date__year=obj.year, is_workday=True).count()

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        rows = getattr(form, "rows", None)
        if rows:
            calendar_import(rows=rows, source=obj.source)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "name"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return obj.date.strftime("%a")
