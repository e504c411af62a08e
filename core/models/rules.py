"""Legal rules as data (docs/legal-basis.md §2, §3): rule sets with their clocks and grounds,
and the working-day calendar. A change of rules is a new row, not a code change."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
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


class DayUnit(models.TextChoices):
    WORKING = "working", _("statutory working days")
    CALENDAR = "calendar", _("calendar days")


class ClockRule(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="clocks")
    # Clock kinds are data: an app names its clocks here, with their labels,
    # and starts them by kind; core knows no kind by name.
    kind = models.SlugField(_("clock"), max_length=40)
    label = models.CharField(_("label"), max_length=120, blank=True)
    label_en = models.CharField(_("English label"), max_length=160, blank=True)
    amount = models.PositiveIntegerField(_("length"))
    unit = models.CharField(_("unit"), max_length=10, choices=DayUnit.choices)
    # Testing and appraisal time is excluded from these clocks.
    pauses_for_inspection = models.BooleanField(_("paused during inspection"), default=False)
    # An extension granted with approval: a clock of this kind continues the
    # named clock from its due date (e.g. report verification +15 working days).
    extends = models.SlugField(_("extends the clock"), max_length=40, blank=True)
    source = models.CharField(_("legal source"), max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "kind"], name="clock_rule_unique_kind")
        ]
        verbose_name = _("clock rule")
        verbose_name_plural = _("clock rules")

    def __str__(self) -> str:
        return f"{self.rule_set.code}: {self.display_label} {self.amount} {self.unit}"

    @property
    def display_label(self) -> str:
        if self.label_en and (get_language() or "").startswith("en"):
            return self.label_en
        return self.label or self.kind


class Ground(models.Model):
    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="grounds")
    # The ground kinds are named by the transitions that require a reason.
    kind = models.SlugField(_("kind"), max_length=30)
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
