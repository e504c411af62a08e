"""Cases (complaints 投诉 and reports 举报) and their legal state machine.

Transitions here only change fields; every one is called from a service in
complaints/services, which locks the row, writes the audit event and schedules
side effects (RULES.md §3; Order 121 art. 9 for the complaint/report split).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from complaints.models.reference import Office, ProblemType, ProductCategory, Region
from complaints.models.rules import ClockKind, RuleSet


class CaseKind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    REPORT = "report", _("report")


class Channel(models.TextChoices):
    HOTLINE_12345 = "12345", _("12345 transfer")
    HOTLINE_12315 = "12315", _("12315")
    PHONE = "phone", _("phone")
    WEB = "web", _("web")
    LETTER = "letter", _("letter")
    WALK_IN = "walk_in", _("walk-in")
    SUPERVISOR = "supervisor", _("quality supervisor")
    HOTSPOT = "hotspot", _("hotspot lead")


class Status(models.TextChoices):
    REGISTERED = "registered", _("registered")
    # Complaint states
    MATERIALS_REQUESTED = "materials_requested", _("identity materials requested")
    ACCEPTED = "accepted", _("accepted")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    TRANSFERRED = "transferred", _("transferred")
    RETURNED = "returned", _("returned")
    MEDIATING = "mediating", _("mediating")
    INSPECTION_PENDING = "inspection_pending", _("inspection pending")
    AGREEMENT_REACHED = "agreement_reached", _("agreement reached")
    MEDIATION_TERMINATED = "mediation_terminated", _("mediation terminated")
    FULFILMENT = "fulfilment", _("fulfilment")
    FOLLOW_UP = "follow_up", _("follow-up")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")
    # Report states
    VERIFYING = "verifying", _("verifying")
    CASE_OPENED = "case_opened", _("case opened")
    NOT_OPENED = "not_opened", _("no case opened")
    INVESTIGATING = "investigating", _("investigating")
    DECIDED = "decided", _("decided")
    MERGED = "merged", _("merged as a repeat")


#: States in which nothing may change any more.
FINAL_STATES = frozenset(
    {
        Status.CLOSED,
        Status.WITHDRAWN,
        Status.RETURNED,
        Status.DECIDED,
        Status.MERGED,
        Status.NOT_OPENED,
    }
)
COMPLAINT_OPEN_STATES = [
    Status.REGISTERED,
    Status.MATERIALS_REQUESTED,
    Status.TRANSFERRED,
    Status.ACCEPTED,
    Status.MEDIATING,
    Status.INSPECTION_PENDING,
]

# Permission codenames; roles (groups) get them in complaints/roles.py.
PERM_REGISTER = "complaints.register_case"
PERM_HANDLE = "complaints.handle_case"
PERM_MEDIATE = "complaints.mediate_case"
PERM_INVESTIGATE = "complaints.investigate_case"


# django-fsm types conditions as taking any model.
def is_complaint(case: models.Model) -> bool:
    return getattr(case, "kind", None) == CaseKind.COMPLAINT


def is_report(case: models.Model) -> bool:
    return getattr(case, "kind", None) == CaseKind.REPORT


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

    # Complainant (personal information, RULES.md §10: masked wherever listed).
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
    description = models.TextField(_("description"))
    demands = models.TextField(_("demands"), blank=True)

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
    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.MATERIALS_REQUESTED,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def request_materials(self) -> None:
        """Ask the complainant for identity materials; the acceptance clock pauses."""

    @transition(
        field=status,
        source=Status.MATERIALS_REQUESTED,
        target=Status.REGISTERED,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def receive_materials(self) -> None:
        """Materials arrived; the acceptance clock resumes."""

    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.ACCEPTED,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def accept(self) -> None:
        self.status_reason = ""

    @transition(
        field=status,
        source=[Status.REGISTERED, Status.MATERIALS_REQUESTED],
        target=Status.NOT_ACCEPTED,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def decline(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @transition(
        field=status,
        source=[Status.REGISTERED, Status.MATERIALS_REQUESTED],
        target=Status.TRANSFERRED,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def transfer(self, *, reason_code: str, to_office: Office) -> None:
        if to_office.pk == self.office_id:
            raise ValidationError({"to_office": _("The case is already with this office.")})
        self.status_reason = reason_code
        self.office = to_office
        self.handler = None

    @transition(
        field=status,
        source=Status.TRANSFERRED,
        target=Status.REGISTERED,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def take_over(self) -> None:
        """The receiving office registers the transferred case; its own
        acceptance clock starts from this receipt."""
        self.status_reason = ""

    @transition(
        field=status, source=Status.REGISTERED, target=Status.RETURNED, permission=PERM_HANDLE
    )
    def return_work_order(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @transition(
        field=status,
        source=Status.ACCEPTED,
        target=Status.MEDIATING,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def start_mediation(self, *, mediator: Any) -> None:
        self.mediator = mediator

    @transition(
        field=status,
        source=Status.MEDIATING,
        target=Status.INSPECTION_PENDING,
        conditions=[is_complaint],
        permission=PERM_MEDIATE,
    )
    def request_inspection(self) -> None:
        """Quality arbitration inspection or appraisal; the mediation clock pauses."""

    @transition(
        field=status,
        source=Status.INSPECTION_PENDING,
        target=Status.MEDIATING,
        conditions=[is_complaint],
        permission=PERM_MEDIATE,
    )
    def resume_mediation(self) -> None:
        """The inspection report is final; the mediation clock resumes."""

    @transition(
        field=status,
        source=Status.MEDIATING,
        target=Status.AGREEMENT_REACHED,
        conditions=[is_complaint],
        permission=PERM_MEDIATE,
    )
    def reach_agreement(self, *, amount: Any, payer: str) -> None:
        self.compensation_amount = amount
        self.compensation_payer = payer

    @transition(
        field=status,
        source=[Status.MEDIATING, Status.INSPECTION_PENDING],
        target=Status.MEDIATION_TERMINATED,
        conditions=[is_complaint],
        permission=PERM_MEDIATE,
    )
    def terminate_mediation(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @transition(
        field=status,
        source=Status.AGREEMENT_REACHED,
        target=Status.FULFILMENT,
        conditions=[is_complaint],
        permission=PERM_MEDIATE,
    )
    def start_fulfilment(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.FULFILMENT,
        target=Status.FOLLOW_UP,
        conditions=[is_complaint],
        permission=PERM_MEDIATE,
    )
    def confirm_fulfilment(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.FOLLOW_UP, Status.MEDIATION_TERMINATED, Status.NOT_ACCEPTED],
        target=Status.CLOSED,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def close(self, *, satisfaction: int | None = None) -> None:
        self.satisfaction = satisfaction

    @transition(
        field=status,
        source=COMPLAINT_OPEN_STATES,
        target=Status.WITHDRAWN,
        conditions=[is_complaint],
        permission=PERM_HANDLE,
    )
    def withdraw(self) -> None:
        pass

    # --- Report transitions ----------------------------------------------------
    @transition(
        field=status,
        source=Status.REGISTERED,
        target=Status.VERIFYING,
        conditions=[is_report],
        permission=PERM_HANDLE,
    )
    def start_verification(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.VERIFYING,
        target=Status.CASE_OPENED,
        conditions=[is_report],
        permission=PERM_HANDLE,
    )
    def open_case(self) -> None:
        self.status_reason = ""

    @transition(
        field=status,
        source=Status.VERIFYING,
        target=Status.NOT_OPENED,
        conditions=[is_report],
        permission=PERM_HANDLE,
    )
    def decline_case(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @transition(
        field=status,
        source=Status.CASE_OPENED,
        target=Status.INVESTIGATING,
        conditions=[is_report],
        permission=PERM_INVESTIGATE,
    )
    def start_investigation(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.INVESTIGATING,
        target=Status.DECIDED,
        conditions=[is_report],
        permission=PERM_INVESTIGATE,
    )
    def decide(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.REGISTERED, Status.VERIFYING],
        target=Status.MERGED,
        conditions=[is_report],
        permission=PERM_HANDLE,
    )
    def merge_into(self, *, original: Case) -> None:
        if original.pk == self.pk:
            raise ValidationError({"original": _("A report cannot be merged into itself.")})
        self.merged_into = original


class CaseClock(models.Model):
    """One legal deadline of one case. Pauses push the due date out by the
    paused span, counted in the clock's own unit (see paused_days)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=40, choices=ClockKind.choices)
    unit = models.CharField(max_length=10)
    amount = models.PositiveIntegerField()
    started_on = models.DateField()
    due_on = models.DateField()
    paused_on = models.DateField(null=True, blank=True)
    # Days of the clock's unit spent paused so far (pauses already resumed):
    # the due date is re-derived from started_on, amount and this total, so
    # that the art. 203 move off a rest day applies once, at the very end.
    paused_days = models.PositiveIntegerField(default=0)
    stopped_on = models.DateField(null=True, blank=True)
    # The due date relies on weekends-only counting past the loaded calendar.
    provisional = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(stopped_on__isnull=True),
                name="one_running_clock_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind} due {self.due_on}"


class CaseEvent(models.Model):
    """Immutable audit row written in the same transaction as the change."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    reason_code = models.CharField(max_length=60, blank=True)
    note = models.TextField(blank=True)
    rule_set = models.CharField(max_length=40)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_status}→{self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("Case events are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("Case events are immutable.")


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
    """Every notice sent to a party, with its channel and proof (RULES.md §3)."""

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
