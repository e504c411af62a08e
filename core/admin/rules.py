"""Rule sets as data (RULES.md §3) and the holiday calendar (docs/holidays.md)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.clocks.holidays import HolidayFileError, HolidayRow, calendar_import, parse_holiday_text
from core.models import CalendarDay, CalendarYear, ClockRule, Ground, RuleSet


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
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            for d in days:
                writer.writerow([d.date.isoformat(), "true" if d.is_workday else "false", d.name])
            self.fields["exceptions"].initial = out.getvalue()

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
