"""A supervisor's report of what they saw in a shop or online, its photos,
and the points a verified report earns."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.models import ProductCategory, Region
from supervisors.lifecycle import REPORT_BY_NAME, ReportStatus
from supervisors.models.supervisors import Supervisor


def declared(name: str) -> Any:
    return transition(**REPORT_BY_NAME[name].fsm_kwargs())


class Finding(models.TextChoices):
    """What the supervisor saw; each maps to a problem type of the case it
    may become (services.FINDING_PROBLEM_TYPE)."""

    FAKE_BRAND = "fake_brand", _("fake brand")
    SUBSTANDARD = "substandard", _("substandard")
    NO_LABEL = "no_label", _("no label")
    EXPIRED = "expired", _("expired")
    UNSAFE = "unsafe", _("unsafe")


class SupervisorReport(models.Model):
    supervisor = models.ForeignKey(
        Supervisor, on_delete=models.PROTECT, related_name="reports", verbose_name=_("supervisor")
    )
    #: The supervisor's office at filing: it reviews the report.
    office = models.ForeignKey(
        "core.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("office")
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ReportStatus.choices,
        default=ReportStatus.SUBMITTED,
        protected=True,
    )
    status_reason = models.CharField(_("review note"), max_length=1000, blank=True)
    version = models.PositiveIntegerField(default=1)
    finding = models.CharField(_("what was seen"), max_length=20, choices=Finding.choices)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    product_model = models.CharField(_("model"), max_length=100, blank=True)
    seller_name = models.CharField(_("seller"), max_length=200)
    seller_credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True
    )
    seller_address = models.CharField(_("seller address"), max_length=300, blank=True)
    seller_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    online_shop = models.CharField(_("online shop"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    observed_at = models.DateTimeField(_("observed at"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    #: The report case it became, or the existing case it was linked to.
    case = models.ForeignKey(
        "complaints.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisor_reports",
        verbose_name=_("case"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("supervisor report")
        verbose_name_plural = _("supervisor reports")
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("review_report", "Can review supervisor reports"),
            ("file_report", "Can file supervisor reports"),
        ]
        indexes = [models.Index(fields=["office", "status"])]

    def __str__(self) -> str:
        return f"{self.supervisor} #{self.pk}"

    @declared("start_review")
    def start_review(self, *, reviewer: Any) -> None:
        self.reviewer = reviewer

    @declared("request_info")
    def request_info(self, *, reason: str) -> None:
        self.status_reason = reason

    @declared("supplement")
    def supplement(self) -> None:
        """The supervisor answered; the review goes on."""

    @declared("verify")
    def verify(self) -> None:
        self.status_reason = ""

    @declared("reject")
    def reject(self, *, reason: str) -> None:
        self.status_reason = reason


class ReportPhoto(models.Model):
    """A photo re-encoded on upload: no metadata, no trailing payload."""

    report = models.ForeignKey(SupervisorReport, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="supervisors/photos/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    #: Where the camera said it was, read before the metadata was stripped.
    exif_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    exif_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return str(self.file.name)


class PointsRule(models.Model):
    """How many points an outcome earns; data, edited in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    points = models.IntegerField(_("points"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points rule")
        verbose_name_plural = _("points rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PointsEntry(models.Model):
    supervisor = models.ForeignKey(Supervisor, on_delete=models.PROTECT, related_name="points")
    report = models.ForeignKey(
        SupervisorReport, on_delete=models.PROTECT, related_name="points", null=True
    )
    rule = models.ForeignKey(PointsRule, on_delete=models.PROTECT, related_name="+")
    points = models.IntegerField(_("points"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # A report earns each rule's points once, however often it is replayed.
            models.UniqueConstraint(fields=["report", "rule"], name="points_once_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.supervisor_id} {self.points:+d}"
