"""Legal rules as data (RULES.md §3): rule sets with their clocks and grounds,
and the working-day calendar. A change of rules is a new row, not a code change."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)
    effective_from = models.DateField(_("effective from"), unique=True)
    source = models.TextField(_("legal source"))

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")

    def __str__(self) -> str:
        return f"{self.name} ({self.effective_from:%Y-%m-%d})"


class ClockKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("acceptance decision")
    MEDIATION = "mediation", _("mediation")
    TERMINATION_NOTICE = "termination_notice", _("notice of mediation termination")
    RETURN_MISROUTED = "return_misrouted", _("return of a misrouted work order")
    REPORT_VERIFICATION = "report_verification", _("report verification")
    REPORT_VERIFICATION_EXTENSION = (
        "report_verification_extension",
        _("report verification extension"),
    )
    REPORT_DECISION = "report_decision", _("report case decision")
    REPORT_DECISION_EXTENSION = "report_decision_extension", _("report case decision extension")


class DayUnit(models.TextChoices):
    WORKING = "working", _("statutory working days")
    CALENDAR = "calendar", _("calendar days")


class ClockRule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("clock"), max_length=40, choices=ClockKind.choices)
    amount = models.PositiveIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=10, choices=DayUnit.choices)
    # Testing and appraisal time is excluded from these clocks (RULES.md §3).
    pauses_for_inspection = models.BooleanField(default=False)
    source = models.CharField(_("legal source"), max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "kind"], name="clock_rule_unique_kind")
        ]
        verbose_name = _("clock rule")
        verbose_name_plural = _("clock rules")

    def __str__(self) -> str:
        return f"{self.rule_set.code}: {self.kind} {self.amount} {self.unit}"


class GroundKind(models.TextChoices):
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    MEDIATION_TERMINATED = "mediation_terminated", _("mediation terminated")
    TRANSFER = "transfer", _("transfer")
    RETURN = "return", _("return of work order")
    REPORT_NOT_OPENED = "report_not_opened", _("report: no case opened")


class Ground(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="grounds")
    kind = models.CharField(_("kind"), max_length=30, choices=GroundKind.choices)
    code = models.SlugField(_("reason code"), max_length=60)
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("English label"), max_length=200, blank=True)
    source = models.CharField(_("legal source"), max_length=255, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "kind", "code"], name="ground_unique_code")
        ]
        verbose_name = _("ground")
        verbose_name_plural = _("grounds")

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class CalendarYear(models.Model):
    """A year whose State Council holiday notice has been loaded. Past the last
    known year, deadlines fall back to weekends-only and are provisional."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    source = models.CharField(_("source"), max_length=255)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to the weekend rule: a public holiday on a weekday, or a
    make-up working day (调休) on a weekend."""

    date = models.DateField(primary_key=True)
    is_workday = models.BooleanField()
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'holiday'} {self.name}"
