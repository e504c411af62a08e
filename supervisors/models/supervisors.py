"""Social quality supervisors (社会质量监督员): the registry of applicants and
appointed supervisors, their terms and training."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.masking import mask_id_number, mask_phone
from core.models import Office, ProductCategory, Region
from supervisors.lifecycle import SUPERVISOR_BY_NAME, SupervisorStatus

#: A term of appointment lasts this many years (renewable).
TERM_YEARS = 2


def declared(name: str) -> Any:
    return transition(**SUPERVISOR_BY_NAME[name].fsm_kwargs())


class Supervisor(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervisor"
    )
    status = FSMField(
        _("status"),
        max_length=20,
        choices=SupervisorStatus.choices,
        default=SupervisorStatus.APPLIED,
        protected=True,
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    id_number = models.CharField(_("ID number"), max_length=18)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="supervisors", verbose_name=_("office")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    categories = models.ManyToManyField(
        ProductCategory, related_name="+", verbose_name=_("categories of responsibility")
    )
    number = models.CharField(
        _("appointment number"), max_length=20, null=True, blank=True, unique=True
    )
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    term_ends_on = models.DateField(_("term ends on"), null=True, blank=True)
    #: The term end the renewal reminder was sent for (once per term).
    reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quality supervisor")
        verbose_name_plural = _("quality supervisors")
        ordering = ["-created_at", "-pk"]
        permissions = [("review_supervisor", "Can review and appoint quality supervisors")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="appointed") | models.Q(term_ends_on__isnull=False),
                name="supervisor_appointed_has_term",
            )
        ]

    def __str__(self) -> str:
        return self.number or self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @declared("appoint")
    def appoint(self) -> None:
        self.status_reason = ""

    @declared("reject")
    def reject(self, *, reason: str) -> None:
        self.status_reason = reason

    @declared("suspend")
    def suspend(self, *, reason: str) -> None:
        self.status_reason = reason

    @declared("reinstate")
    def reinstate(self) -> None:
        self.status_reason = ""

    @declared("dismiss")
    def dismiss(self, *, reason: str) -> None:
        self.status_reason = reason

    @declared("renew")
    def renew(self) -> None:
        self.status_reason = ""

    @declared("expire")
    def expire(self) -> None:
        """The term ran out."""


class TrainingRecord(models.Model):
    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("course"), max_length=200)
    held_on = models.DateField(_("held on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return self.title
