"""A quality arbitration inspection or a quality appraisal of a complaint, its
test items, samples and their custody log.

Transitions here only change fields; every one is called from
arbitration.services, which locks the row, moves the clocks, writes the
event and pauses or resumes the complaint's mediation. The transitions are
declared in arbitration/lifecycle.py (docs/legal-basis.md §5).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from arbitration import lifecycle
from arbitration.lifecycle import FINAL_STATES, InspectionKind, Status
from arbitration.models.labs import Lab
from core.models import Clock, Event, Office, RuleSet


def declared(name: str) -> Any:
    return transition(**lifecycle.BY_NAME[name].fsm_kwargs())


class Party(models.TextChoices):
    """Who applies, objects or fails to cooperate (仲裁检验鉴定办法第八条)."""

    CONSUMER = "consumer", _("consumer")
    BUSINESS = "business", _("business")
    BOTH = "both", _("both parties")
    MEDIATOR = "mediator", _("the mediating office")
    COURT = "court", _("court or arbitration body")


class FeePayer(models.TextChoices):
    CONSUMER = "consumer", _("consumer")
    BUSINESS = "business", _("business")
    SHARED = "shared", _("shared by both parties")


class QualityBasis(models.TextChoices):
    """仲裁检验鉴定办法第十一条, in its legal order: the first that exists applies."""

    MANDATORY = "mandatory", _("law, regulation or mandatory national standard")
    AGREED = "agreed", _("standard or quality agreed by the parties")
    STATED = "stated", _("quality stated by the seller or producer")


class Inspection(models.Model):
    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.PROTECT,
        related_name="inspections",
        verbose_name=_("case"),
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=InspectionKind.choices, default=InspectionKind.INSPECTION
    )
    status = FSMField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED, protected=True
    )
    status_reason = models.CharField(_("reason code"), max_length=60, blank=True)
    version = models.PositiveIntegerField(default=1)
    # The case's rule set: the objection window is counted under it.
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    # The case's office when applied: it scopes who sees the inspection.
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="inspections")
    applicant = models.CharField(_("applicant"), max_length=12, choices=Party.choices)
    subject = models.CharField(_("product and dispute"), max_length=500)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    lab = models.ForeignKey(
        Lab,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("lab or appraisal body"),
    )
    quality_basis = models.CharField(
        _("quality basis"), max_length=12, choices=QualityBasis.choices, blank=True
    )
    quality_basis_detail = models.CharField(
        _("standard or stated quality"), max_length=300, blank=True
    )
    sampling_method = models.CharField(_("sampling method"), max_length=300, blank=True)
    due_on = models.DateField(_("completion date"), null=True, blank=True)
    fee = models.DecimalField(
        _("fee (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fee_prepaid_by = models.CharField(
        _("fee prepaid by"), max_length=12, choices=FeePayer.choices, blank=True
    )
    # 仲裁检验鉴定办法: finally borne by the party found liable.
    fee_borne_by = models.CharField(
        _("fee finally borne by"), max_length=12, choices=FeePayer.choices, blank=True
    )
    experts = models.TextField(_("expert group"), blank=True)
    onsite_checked_on = models.DateField(_("on-site check on"), null=True, blank=True)
    onsite_findings = models.TextField(_("on-site findings"), blank=True)
    non_cooperating_party = models.CharField(
        _("party not cooperating"), max_length=12, choices=Party.choices, blank=True
    )

    report_no = models.CharField(_("report number"), max_length=60, blank=True)
    report_issued_on = models.DateField(_("report issued on"), null=True, blank=True)
    conforming = models.BooleanField(_("conforming overall"), null=True, blank=True)
    report_file = models.FileField(_("report file"), upload_to="inspections/%Y/%m/", blank=True)
    objecting_party = models.CharField(
        _("objecting party"), max_length=12, choices=Party.choices, blank=True
    )
    retest_round = models.PositiveSmallIntegerField(_("re-test round"), default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    clocks = GenericRelation(
        Clock,
        content_type_field="owner_type",
        object_id_field="owner_id",
        related_query_name="inspection",
    )
    events = GenericRelation(
        Event,
        content_type_field="owner_type",
        object_id_field="owner_id",
        related_query_name="inspection",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        permissions = [
            ("apply_inspection", "Can record an application for inspection or appraisal"),
            ("work_inspection", "Can work inspections and appraisals"),
        ]
        indexes = [models.Index(fields=["office", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fee__isnull=True) | models.Q(fee__gte=0),
                name="inspection_fee_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATES

    @declared("accept")
    def accept(self) -> None:
        pass

    @declared("refuse")
    def refuse(self, *, reason_code: str) -> None:
        self.status_reason = reason_code

    @declared("commission")
    def commission(
        self,
        *,
        lab: Lab,
        quality_basis: str,
        quality_basis_detail: str = "",
        sampling_method: str,
        due_on: dt.date,
        fee: Decimal | None = None,
        fee_prepaid_by: str,
    ) -> None:
        self.lab = lab
        self.quality_basis = quality_basis
        self.quality_basis_detail = quality_basis_detail
        self.sampling_method = sampling_method
        self.due_on = due_on
        self.fee = fee
        self.fee_prepaid_by = fee_prepaid_by

    @declared("seal_samples")
    def seal_samples(self) -> None:
        """The samples and their seals are rows of their own (Sample)."""

    @declared("start_testing")
    def start_testing(self) -> None:
        pass

    @declared("form_expert_group")
    def form_expert_group(
        self,
        *,
        lab: Lab,
        experts: str,
        due_on: dt.date,
        fee: Decimal | None = None,
        fee_prepaid_by: str,
    ) -> None:
        self.lab = lab
        self.experts = experts
        self.due_on = due_on
        self.fee = fee
        self.fee_prepaid_by = fee_prepaid_by

    @declared("record_onsite_check")
    def record_onsite_check(self, *, onsite_checked_on: dt.date, onsite_findings: str) -> None:
        self.onsite_checked_on = onsite_checked_on
        self.onsite_findings = onsite_findings

    @declared("end_for_non_cooperation")
    def end_for_non_cooperation(self, *, party: str) -> None:
        self.non_cooperating_party = party

    @declared("issue_report")
    def issue_report(
        self,
        *,
        report_no: str,
        conforming: bool,
        report_file: Any = None,
        issued_on: dt.date,
    ) -> None:
        self.report_no = report_no
        self.conforming = conforming
        self.report_issued_on = issued_on
        if report_file is not None:
            self.report_file = report_file

    @declared("object")
    def object(self, *, party: str) -> None:
        self.objecting_party = party

    @declared("order_retest")
    def order_retest(self) -> None:
        self.retest_round += 1

    @declared("dismiss_objection")
    def dismiss_objection(self, *, fee_borne_by: str = "") -> None:
        self.fee_borne_by = fee_borne_by

    @declared("finalize")
    def finalize(self, *, fee_borne_by: str = "") -> None:
        self.fee_borne_by = fee_borne_by


class InspectionItem(models.Model):
    """A test item of the commission and its result against its standard."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("test item"), max_length=200)
    standard = models.CharField(_("standard and clause"), max_length=200)
    result = models.CharField(_("result"), max_length=300, blank=True)
    conforming = models.BooleanField(_("conforming"), null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["inspection", "sort_order", "id"]
        verbose_name = _("test item")
        verbose_name_plural = _("test items")

    def __str__(self) -> str:
        return self.name


class Sample(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="samples")
    sample_id = models.CharField(_("sample and seal number"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sealed_on = models.DateField(_("sealed on"))

    class Meta:
        ordering = ["inspection", "sample_id"]
        verbose_name = _("sample")
        verbose_name_plural = _("samples")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "sample_id"], name="sample_unique_per_inspection"
            )
        ]

    def __str__(self) -> str:
        return self.sample_id


class CustodyEntry(models.Model):
    """One hand-over of a sealed sample: the chain of custody."""

    class Action(models.TextChoices):
        SEALED = "sealed", _("sampled and sealed")
        HANDED_OVER = "handed_over", _("handed over")
        RECEIVED = "received", _("received by the lab")
        RETAINED = "retained", _("retained for a re-test")
        RETURNED = "returned", _("returned")
        DISPOSED = "disposed", _("disposed of")

    sample = models.ForeignKey(Sample, on_delete=models.CASCADE, related_name="custody")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    holder = models.CharField(_("now held by"), max_length=120)
    at = models.DateTimeField(_("at"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["sample", "at", "id"]
        verbose_name = _("custody entry")
        verbose_name_plural = _("custody log")

    def __str__(self) -> str:
        return f"{self.sample} {self.action} {self.at:%Y-%m-%d}"
