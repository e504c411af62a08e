"""Forms of the operator console and the consumer tracking page. They check
shape and reference data; the business rules and the limits are the
services' (the intake's: complaints/services/intake_clean.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, CaseKind, Channel, Status
from complaints.services.intake_clean import (
    CASE_TEXT_LIMITS,
    INTAKE_REQUIRED,
    INTAKE_TEXT_FIELDS,
    QUANTITY_MAX,
    QUANTITY_MIN,
)
from core.models import Ground, Office, ProblemType, ProductCategory, Region

# Material with both a claim and a tip is split into a linked complaint and
# report (处理办法第九条).
KIND_CHOICES = [
    ("complaint", _("complaint")),
    ("report", _("report")),
    ("both", _("complaint and report")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def category_choices() -> list[tuple[str, Any]]:
    """The category tree as option groups: a top-level category and its children."""
    groups: list[tuple[str, Any]] = [("", "—")]
    roots = ProductCategory.objects.filter(parent__isnull=True).prefetch_related("children")
    for root in roots.order_by("sort_order", "path"):
        children = sorted(root.children.all(), key=lambda c: (c.sort_order, c.path))
        options = [(str(root.pk), f"{root.display_name}（{_('other')}）")]
        options += [(str(child.pk), child.display_name) for child in children]
        groups.append((root.display_name, options))
    return groups


def city_choices() -> list[tuple[str, str]]:
    cities = Region.objects.filter(level=Region.Level.CITY).order_by("code")
    return [("", "—"), *((r.code, r.display_name) for r in cities)]


def county_choices(city_code: str | None) -> list[tuple[str, str]]:
    if not city_code:
        return [("", "—")]
    counties = Region.objects.filter(parent_id=city_code).order_by("code")
    return [("", "—"), *((r.code, r.display_name) for r in counties)]


class ConsoleForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels sit above their fields; no trailing colon.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class IntakeForm(ConsoleForm):
    """The operator's intake. Text fields are not limited nor required here:
    the intake cleaning step decides, with the same limits and messages as
    the API and the import; the widgets only carry those limits as hints."""

    kind = forms.ChoiceField(label=_("kind"), choices=KIND_CHOICES, initial="complaint")
    channel = forms.ChoiceField(label=_("channel"), choices=Channel.choices, initial="12345")
    work_order_no = forms.CharField(label=_("12345 work order number"), required=False)

    complainant_phone = forms.CharField(label=_("phone"), required=False)
    complainant_name = forms.CharField(label=_("complainant name"), required=False)
    complainant_id_number = forms.CharField(label=_("ID number"), required=False)
    complainant_address = forms.CharField(label=_("address"), required=False)
    anonymous = forms.BooleanField(label=_("anonymous (reports only)"), required=False)
    consent_to_publication = forms.BooleanField(label=_("consents to publication"), required=False)

    business_name = forms.CharField(label=_("business name"), required=False)
    business_credit_code = forms.CharField(label=_("unified social credit code"), required=False)
    business_address = forms.CharField(label=_("business address"), required=False)
    city = forms.ChoiceField(label=_("city"), choices=())
    region = forms.ChoiceField(label=_("county"), choices=())
    online_platform = forms.CharField(label=_("online platform"), required=False)
    shop_id = forms.CharField(label=_("shop id"), required=False)

    category = forms.ChoiceField(label=_("product category"), choices=())
    brand = forms.CharField(label=_("brand"), required=False)
    product_model = forms.CharField(label=_("model"), required=False)
    batch = forms.CharField(label=_("batch"), required=False)
    purchase_date = forms.DateField(
        label=_("purchase date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    price = forms.DecimalField(
        label=_("price paid (yuan)"),
        required=False,
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01"}),
    )
    quantity = forms.IntegerField(
        label=_("quantity"),
        required=False,
        initial=1,
        widget=forms.NumberInput(attrs={"min": QUANTITY_MIN, "max": QUANTITY_MAX}),
    )
    purchase_channel = forms.CharField(label=_("purchase channel"), required=False)

    problem_type = forms.ModelChoiceField(
        label=_("problem type"), queryset=ProblemType.objects.all(), empty_label="—"
    )
    description = forms.CharField(
        label=_("description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    demands = forms.CharField(
        label=_("demands"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = MultipleFileField(label=_("evidence files"), required=False)

    link_cases = forms.ModelMultipleChoiceField(
        label=_("link to related cases"), queryset=Case.objects.none(), required=False
    )
    merge_into = forms.ModelChoiceField(
        label=_("merge the report into"), queryset=Case.objects.none(), required=False
    )

    def __init__(self, *args: Any, visible_cases: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["city"].choices = city_choices()  # type: ignore[attr-defined]
        city = self.data.get("city") if self.is_bound else self.initial.get("city")
        fields["region"].choices = county_choices(city)  # type: ignore[attr-defined]
        fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        if visible_cases is not None:
            fields["link_cases"].queryset = visible_cases  # type: ignore[attr-defined]
            fields["merge_into"].queryset = visible_cases.filter(  # type: ignore[attr-defined]
                kind=CaseKind.REPORT
            )
        # Hints for the browser from the cleaning step's limits; the server
        # still checks them there, for every path alike.
        for name in INTAKE_TEXT_FIELDS:
            fields[name].widget.attrs["maxlength"] = str(CASE_TEXT_LIMITS[name])
        for name in INTAKE_REQUIRED:
            fields[name].widget.attrs["required"] = True

    def clean_region(self) -> Region:
        code = self.cleaned_data["region"]
        region = Region.objects.filter(code=code, level=Region.Level.COUNTY).first()
        if region is None:
            raise ValidationError(_("Pick a county."), code="invalid")
        return region

    def clean_category(self) -> ProductCategory:
        category = ProductCategory.objects.filter(pk=self.cleaned_data["category"]).first()
        if category is None:
            raise ValidationError(_("Pick a product category."), code="invalid")
        return category

    def clean(self) -> dict[str, Any]:
        # Only what belongs to this screen: the city picker and merging at
        # intake. Everything about the intake itself is the cleaning step's.
        data = super().clean() or {}
        region = data.get("region")
        if isinstance(region, Region) and data.get("city") and region.parent_id != data["city"]:
            self.add_error("region", _("The county is not in the chosen city."))
        if data.get("merge_into") and data.get("kind") != "report":
            self.add_error("merge_into", _("Only a report can be merged into an earlier report."))
        return data


class QueueFilterForm(ConsoleForm):
    DEADLINE_CHOICES = [
        ("", "—"),
        ("due_soon", _("due soon")),
        ("overdue", _("overdue")),
    ]
    q = forms.CharField(label=_("tracking code"), max_length=20, required=False)
    status = forms.ChoiceField(
        label=_("status"), choices=[("", "—"), *Status.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("kind"), choices=[("", "—"), *CaseKind.choices], required=False
    )
    office = forms.ModelChoiceField(
        label=_("office"), queryset=Office.objects.all(), required=False, empty_label="—"
    )
    category = forms.ChoiceField(label=_("product category"), choices=(), required=False)
    deadline = forms.ChoiceField(label=_("deadline"), choices=DEADLINE_CHOICES, required=False)
    due_before = forms.DateField(
        label=_("due on or before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    order = forms.ChoiceField(
        label=_("order"),
        choices=[("due", _("next deadline first")), ("received", _("newest first"))],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = category_choices()
        choices[0] = ("", "—")
        self.fields["category"].choices = choices  # type: ignore[attr-defined]

    def clean_category(self) -> ProductCategory | None:
        pk = self.cleaned_data.get("category")
        if not pk:
            return None
        category = ProductCategory.objects.filter(pk=pk).first()
        if category is None:
            raise ValidationError(_("Pick a product category."), code="invalid")
        return category


class TransitionForm(ConsoleForm):
    """The inputs one transition may need; the view shows only those the
    transition takes, the service decides what is required."""

    reason_code = forms.ChoiceField(label=_("reason code"), choices=(), required=False)
    note = forms.CharField(
        label=_("note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    mediator = forms.ModelChoiceField(
        label=_("mediator"), queryset=Case.objects.none(), required=False, empty_label="—"
    )
    to_office = forms.ModelChoiceField(
        label=_("target office"), queryset=Office.objects.all(), required=False, empty_label="—"
    )
    amount = forms.DecimalField(
        label=_("compensation (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
    )
    payer = forms.ChoiceField(label=_("payer"), choices=(), required=False)
    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction (1-5)"),
        choices=[("", "—"), *((str(n), str(n)) for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )
    original = forms.ModelChoiceField(
        label=_("original report"), queryset=Case.objects.none(), required=False, empty_label="—"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    PAYER_CHOICES = [
        ("", "—"),
        ("seller", _("seller")),
        ("producer", _("producer")),
        ("insurer", _("insurer")),
        ("other", _("other")),
    ]

    def __init__(
        self,
        *args: Any,
        grounds: Any = None,
        mediators: Any = None,
        originals: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        ground_choices: list[tuple[str, str]] = [("", "—")]
        for ground in grounds or ():
            ground_choices.append((ground.code, ground_label(ground)))
        self.fields["reason_code"].choices = ground_choices  # type: ignore[attr-defined]
        self.fields["payer"].choices = self.PAYER_CHOICES  # type: ignore[attr-defined]
        if mediators is not None:
            self.fields["mediator"].queryset = mediators  # type: ignore[attr-defined]
        if originals is not None:
            self.fields["original"].queryset = originals  # type: ignore[attr-defined]

    def params(self) -> dict[str, Any]:
        """The keyword arguments for the transition method, without blanks."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for key in ("mediator", "to_office", "amount", "payer", "satisfaction", "original"):
            if data.get(key) not in (None, ""):
                out[key] = data[key]
        return out


def ground_label(ground: Ground) -> str:
    from django.utils.translation import get_language

    if ground.label_en and (get_language() or "").startswith("en"):
        return str(ground.label_en)
    return str(ground.label)


class TrackingForm(ConsoleForm):
    tracking_code = forms.CharField(label=_("tracking code"), max_length=20)
    phone_last4 = forms.RegexField(
        label=_("last 4 digits of your phone"),
        regex=r"^\d{4}$",
        max_length=4,
        error_messages={"invalid": _("Enter the last 4 digits of the phone number.")},
    )

    def clean_tracking_code(self) -> str:
        return str(self.cleaned_data["tracking_code"]).strip()
