"""Rule sets as data and the holiday calendar (docs/holidays.md).

A rule set in force (its `effective_from` is today or earlier) is read-only
here, with its clock rules and grounds: cases are pinned to it, and an edit
would move their deadlines. A change of rules is a new version copied from
it (core.services.rule_sets)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.clocks.holidays import HolidayFileError, HolidayRow, calendar_import, parse_holiday_text
from core.models import CalendarDay, CalendarYear, ClockRule, Ground, RuleSet
from core.services.rule_sets import (
    DATE_TAKEN,
    FUTURE_ONLY,
    rule_set_copy,
    rule_set_is_in_force,
)

RULE_SET_LOCKED = _(
    "This rule set is in force and cannot be changed; create a new version from it."
)
ROW_LOCKED = _(
    "The rule set of this row is in force and cannot be changed; "
    "create a new version of the rule set."
)
RULES_CHANGE_FORM = "admin/core/rules_change_form.html"


def _in_force(rule_set: RuleSet | None) -> bool:
    return rule_set is not None and rule_set_is_in_force(rule_set)


def _future_rule_sets() -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(effective_from__gt=timezone.localdate())


class RuleSetRowInline(admin.TabularInline):
    """The rows of a rule set in force are shown, never added, changed or
    deleted; `obj` is the parent rule set."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _in_force(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _in_force(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _in_force(obj) and super().has_delete_permission(request, obj)


class ClockRuleInline(RuleSetRowInline):
    model = ClockRule
    fields = ["kind", "amount", "unit", "pauses_for_inspection", "source"]


class GroundInline(RuleSetRowInline):
    model = Ground
    fields = ["kind", "code", "label", "label_en", "source", "sort_order"]


class RuleSetForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["code", "name", "name_en", "effective_from", "source"]

    def clean_effective_from(self) -> dt.date:
        value: dt.date = self.cleaned_data["effective_from"]
        # A set starting today or earlier would apply at once, half-edited, to
        # cases already received under the set in force.
        if value <= timezone.localdate():
            raise ValidationError(FUTURE_ONLY, code="past")
        other = RuleSet.objects.filter(effective_from=value).exclude(pk=self.instance.pk).first()
        if other is not None:
            raise ValidationError(DATE_TAKEN, code="unique", params={"name": str(other)})
        return value


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    form = RuleSetForm
    list_display = ["code", "name", "effective_from", "in_force"]
    search_fields = ["code", "name", "name_en"]
    inlines = [ClockRuleInline, GroundInline]
    actions = ["new_version"]
    change_form_template = RULES_CHANGE_FORM

    @admin.display(description=_("in force"), boolean=True)
    def in_force(self, obj: RuleSet) -> bool:
        return rule_set_is_in_force(obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _in_force(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _in_force(obj) and super().has_delete_permission(request, obj)

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_new_version"
        view = self.admin_site.admin_view(self.new_version_view)
        # Before the defaults, whose `<path:object_id>/` would swallow it.
        return [path("<path:object_id>/new-version/", view, name=name), *super().get_urls()]

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk:
            if _in_force(obj):
                context["locked_reason"] = RULE_SET_LOCKED
            if self.has_add_permission(request):
                context["new_version_url"] = reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_new_version",
                    args=[obj.pk],
                    current_app=self.admin_site.name,
                )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def new_version_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        source = self.get_object(request, unquote(object_id))
        if source is None:
            raise Http404
        if not (self.has_add_permission(request) and self.has_view_permission(request, source)):
            raise PermissionDenied
        return self._copy(request, source)

    @admin.action(description=_("New version from this one"), permissions=["add"])
    def new_version(self, request: HttpRequest, queryset: QuerySet[RuleSet]) -> HttpResponse | None:
        selected = list(queryset[:2])
        if len(selected) != 1:
            self.message_user(request, _("Select exactly one rule set to copy."), messages.WARNING)
            return None
        return self._copy(request, selected[0])

    def _copy(self, request: HttpRequest, source: RuleSet) -> HttpResponse:
        try:
            copy = rule_set_copy(rule_set=source, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=[source.pk],
                    current_app=self.admin_site.name,
                )
            )
        self.log_addition(request, copy, f"Copied from {source.code}.")
        self.message_user(
            request,
            _(
                "Created %(copy)s from %(source)s with all its clock rules and grounds. "
                "Edit it before it takes effect."
            )
            % {"copy": copy, "source": source},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[copy.pk],
                current_app=self.admin_site.name,
            )
        )


class RuleSetRowAdmin(admin.ModelAdmin):
    """Clock rules and grounds edited one by one: only those of a rule set
    not yet in force, and only into such a set."""

    change_form_template = RULES_CHANGE_FORM

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        in_force = obj is not None and _in_force(obj.rule_set)
        return not in_force and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        in_force = obj is not None and _in_force(obj.rule_set)
        return not in_force and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if db_field.name == "rule_set":
            kwargs["queryset"] = _future_rule_sets()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk and _in_force(obj.rule_set):
            context["locked_reason"] = ROW_LOCKED
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(ClockRule)
class ClockRuleAdmin(RuleSetRowAdmin):
    list_display = ["rule_set", "kind", "amount", "unit", "pauses_for_inspection", "source"]
    list_filter = ["rule_set", "kind", "unit", "pauses_for_inspection"]
    list_select_related = ["rule_set"]


@admin.register(Ground)
class GroundAdmin(RuleSetRowAdmin):
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
