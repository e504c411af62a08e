"""Cases (complaints 投诉 and reports 举报) and their legal state machine.

Transitions here only change fields; every one is called from a service in
complaints/services, which locks the row, writes the audit event and schedules
side effects. The transitions themselves are declared in complaints/lifecycle.py
(docs/legal-basis.md §1: 市场监督管理投诉举报处理办法 on the complaint/report split).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from complaints import lifecycle
from complaints.lifecycle import FINAL_STATES, CaseKind, Status
from core.models.clocks import Clock
from core.models.events import Event
from core.models.reference import Office, ProblemType, ProductCategory, Region
from core.models.rules import RuleSet


class Channel(models.TextChoices):
    HOTLINE_12345 = "12345", _("12345 transfer")
    HOTLINE_12315 = "12315", _("12315")
    PHONE = "phone", _("phone")
    WEB = "web", _("web")
    LETTER = "letter", _("letter")
    WALK_IN = "walk_in", _("walk-in")
    SUPERVISOR = "supervisor", _("quality supervisor")
    HOTSPOT = "hotspot", _("hotspot lead")


def declared(name: str) -> Any:
    """The django-fsm transition of `name`, from its declaration."""
    return transition(**lifecycle.BY_NAME[name].fsm_kwargs())


class Case(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    tracking_code = models.CharField(_("tracking code"), max_length=20, unique=True)
    status = FSMField(
        _("status"),
        max_length=30,
        choices=Status.choices,
        default=Status.REGISTERED,
        protected=True,
    )
    status_reason = models.CharField(_("reason code"), max_length=60, blank=True)
    # Bumped on every write; optimistic checks and the search index's external
    # version both read it.
    version = models.PositiveIntegerField(default=1)

    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    work_order_no = models.CharField(
        _("12345 work order number"), max_length=40, null=True, blank=True, unique=True
    )
    received_at = models.DateTimeField(_("received at"))
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="cases")
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="cases")
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_cases",
        verbose_name=_("handler"),
    )
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediated_cases",
        verbose_name=_("mediator"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registered_cases",
    )
    consumer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="own_cases",
        verbose_name=_("consumer account"),
    )

    # Complainant (personal information, 个人信息保护法: masked wherever listed).
    anonymous = models.BooleanField(_("anonymous"), default=False)
    complainant_name = models.CharField(_("complainant name"), max_length=60, blank=True)
    complainant_phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    complainant_id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    complainant_address = models.CharField(_("address"), max_length=200, blank=True)
    consent_to_publication = models.BooleanField(_("consents to publication"), default=False)

    # Respondent business
    business_name = models.CharField(_("business name"), max_length=200)
    business_credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, db_index=True
    )
    business_address = models.CharField(_("business address"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="cases", verbose_name=_("region")
    )
    online_platform = models.CharField(_("online platform"), max_length=60, blank=True)
    shop_id = models.CharField(_("shop id"), max_length=60, blank=True)
    # Normalised seller identity (credit code, else name + platform + shop);
    # duplicate detection and hotspots group on it.
    seller_key = models.CharField(max_length=255, db_index=True, editable=False)

    # Product
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("product category"),
    )
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    brand_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    product_model = models.CharField(_("model"), max_length=100, blank=True)
    batch = models.CharField(_("batch"), max_length=60, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    price = models.DecimalField(
        _("price paid (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    purchase_channel = models.CharField(_("purchase channel"), max_length=60, blank=True)

    problem_type = models.ForeignKey(
        ProblemType,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("problem type"),
    )
    # One limit for every intake path (console, API, import, online filing):
    # what operators already kept to. A TextField's max_length binds only
    # forms, so the intake cleaning step reads it from here and enforces it.
    description = models.TextField(_("description"), max_length=5000)
    demands = models.TextField(_("demands"), max_length=5000, blank=True)

    linked_case = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="linked_from",
        help_text=_("the complaint or report split from the same intake"),
    )
    # Related intakes found by duplicate detection that the operator linked
    # (same caller, or same business and product); not merged.
    related_cases = models.ManyToManyField("self", blank=True, symmetrical=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_cases"
    )

    # Outcome
    compensation_amount = models.DecimalField(
        _("compensation (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    compensation_payer = models.CharField(_("payer"), max_length=20, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1-5)"), null=True, blank=True)

    clocks = GenericRelation(
        Clock,
        content_type_field="owner_type",
        object_id_field="owner_id",
        related_query_name="case",
    )
    events = GenericRelation(
        Event,
        content_type_field="owner_type",
        object_id_field="owner_id",
        related_query_name="case",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("register_case", "Can register cases (hotline intake)"),
            ("handle_case", "Can handle cases (acceptance, transfer, closing)"),
            ("mediate_case", "Can mediate cases"),
            ("pause_for_inspection", "Can pause and resume mediation for an inspection"),
            ("investigate_case", "Can investigate reports"),
            ("view_all_offices", "Can see cases of every office"),
            ("view_hotspots", "Can search complaints and hotspots"),
        ]
        indexes = [
            models.Index(fields=["office", "status"]),
            models.Index(fields=["seller_key", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="case_satisfaction_range",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="report") | models.Q(anonymous=False),
                name="case_only_reports_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    # --- Complaint transitions -------------------------------------------------
    @declared("request_materials")
    def request_materials(self) -> None:
        """Ask the complainant for identity materials; the acceptance clock pauses."""

    @declared("receive_materials")
    def receive_materials(self) -> None:
        """Materials arrived; the acceptance clock resumes."""

    @declared("accept")
    def accept(self) -> None:
        self.status_reason = ""

    @declared("decline")
    def decline(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @declared("transfer")
    def transfer(self, *, reason_code: str, to_office: Office) -> None:
        if to_office.pk == self.office_id:
            raise ValidationError({"to_office": _("The case is already with this office.")})
        self.status_reason = reason_code
        self.office = to_office
        self.handler = None

    @declared("take_over")
    def take_over(self) -> None:
        """The receiving office registers the transferred case; its own
        acceptance clock starts from this receipt."""
        self.status_reason = ""

    @declared("return_work_order")
    def return_work_order(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @declared("start_mediation")
    def start_mediation(self, *, mediator: Any) -> None:
        self.mediator = mediator

    @declared("request_inspection")
    def request_inspection(self) -> None:
        """Quality arbitration inspection or appraisal; the mediation clock pauses."""

    @declared("resume_mediation")
    def resume_mediation(self) -> None:
        """The inspection report is final; the mediation clock resumes."""

    @declared("reach_agreement")
    def reach_agreement(self, *, amount: Any, payer: str) -> None:
        self.compensation_amount = amount
        self.compensation_payer = payer

    @declared("terminate_mediation")
    def terminate_mediation(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @declared("start_fulfilment")
    def start_fulfilment(self) -> None:
        pass

    @declared("confirm_fulfilment")
    def confirm_fulfilment(self) -> None:
        pass

    @declared("close")
    def close(self, *, satisfaction: int | None = None) -> None:
        self.satisfaction = satisfaction

    @declared("withdraw")
    def withdraw(self) -> None:
        pass

    # --- Report transitions ----------------------------------------------------
    @declared("start_verification")
    def start_verification(self) -> None:
        pass

    @declared("open_case")
    def open_case(self) -> None:
        self.status_reason = ""

    @declared("decline_case")
    def decline_case(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @declared("start_investigation")
    def start_investigation(self) -> None:
        pass

    @declared("decide")
    def decide(self) -> None:
        pass

    @declared("merge_into")
    def merge_into(self, *, original: Case) -> None:
        if original.pk == self.pk:
            raise ValidationError({"original": _("A report cannot be merged into itself.")})
        self.merged_into = original


class Evidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Notice(models.Model):
    """Every notice sent to a party, with its channel and proof
    (docs/legal-basis.md §4)."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("acceptance")
        NON_ACCEPTANCE = "non_acceptance", _("non-acceptance")
        HEARING = "hearing", _("hearing")
        TERMINATION = "termination", _("termination")
        RESULT = "result", _("result")
        MATERIALS = "materials", _("materials request")

    class Via(models.TextChoices):
        SMS = "sms", _("SMS")
        PHONE = "phone", _("phone")
        LETTER = "letter", _("letter")
        WEB = "web", _("online")
        IN_PERSON = "in_person", _("in person")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    via = models.CharField(max_length=12, choices=Via.choices)
    sent_at = models.DateTimeField()
    proof = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["sent_at"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.sent_at:%Y-%m-%d}"
