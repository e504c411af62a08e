"""Compensation agreed for a consumer: its items, who pays (seller, producer,
or an insurer under product quality liability insurance), the payment due
date as a clock, the payments and the consumer's confirmation of receipt
(docs/legal-basis.md §6). Written only by arbitration.services."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from core.models import Clock, Event, Office, RuleSet


class PayerKind(models.TextChoices):
    # 消费者权益保护法第四十条; 产品质量法第四十三条.
    SELLER = "seller", _("seller")
    PRODUCER = "producer", _("producer")
    # Product quality liability insurance (产品质量责任保险), by contract.
    INSURER = "insurer", _("insurer")


class ItemKind(models.TextChoices):
    REFUND = "refund", _("refund")
    REPLACEMENT = "replacement", _("replacement")
    REPAIR = "repair", _("repair")
    MONEY = "money", _("compensation in money")
    PUNITIVE = "punitive", _("punitive compensation")


class CompensationStatus(models.TextChoices):
    DUE = "due", _("payment due")
    PAID = "paid", _("paid")
    CONFIRMED = "confirmed", _("receipt confirmed")


class Compensation(models.Model):
    case = models.ForeignKey(
        "complaints.Case", on_delete=models.PROTECT, related_name="compensations"
    )
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="compensations")
    # The case's rule set: the payment clock is counted under it.
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CompensationStatus.choices,
        default=CompensationStatus.DUE,
    )
    version = models.PositiveIntegerField(default=1)
    payer_kind = models.CharField(_("payer"), max_length=12, choices=PayerKind.choices)
    payer_name = models.CharField(_("payer's name"), max_length=200)
    insurer_policy_no = models.CharField(_("insurance policy number"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    clocks = GenericRelation(
        Clock,
        content_type_field="owner_type",
        object_id_field="owner_id",
        related_query_name="compensation",
    )
    events = GenericRelation(
        Event,
        content_type_field="owner_type",
        object_id_field="owner_id",
        related_query_name="compensation",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(payer_kind="insurer") | ~models.Q(insurer_policy_no=""),
                name="compensation_insurer_has_policy",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.payer_name}"

    def total(self) -> Decimal:
        value = self.items.aggregate(s=Sum("amount"))["s"]
        return value if value is not None else Decimal("0")

    def paid(self) -> Decimal:
        value = self.payments.aggregate(s=Sum("amount"))["s"]
        return value if value is not None else Decimal("0")


class CompensationItem(models.Model):
    compensation = models.ForeignKey(Compensation, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=12, choices=ItemKind.choices)
    # Money owed for this item; a replacement or repair may be worth nothing here.
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    description = models.CharField(_("description"), max_length=300, blank=True)
    #: The statute a punitive item follows, as the calculator gave it.
    basis = models.CharField(_("legal basis"), max_length=120, blank=True)

    class Meta:
        ordering = ["compensation", "id"]
        verbose_name = _("compensation item")
        verbose_name_plural = _("compensation items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="compensation_item_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class Payment(models.Model):
    compensation = models.ForeignKey(
        Compensation, on_delete=models.CASCADE, related_name="payments"
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=60)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["compensation", "paid_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.paid_on}"
