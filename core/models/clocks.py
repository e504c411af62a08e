"""Legal deadlines of any owner: a case now, an inspection, a compensation
due date, a supervisor's term or an enforcement lead next. What a clock of a
kind lasts, and in which unit, is rule-set data (ClockRule), so an app adds
clocks without code here."""

from __future__ import annotations

import functools

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Clock(models.Model):
    """One deadline of one owner. Pauses push the due date out by the paused
    span, counted in the clock's own unit (see paused_days)."""

    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.BigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    kind = models.SlugField(_("clock"), max_length=40)
    unit = models.CharField(_("unit"), max_length=10)
    amount = models.PositiveIntegerField(_("length"))
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("due on"))
    paused_on = models.DateField(_("paused on"), null=True, blank=True)
    # Days of the clock's unit spent paused so far (pauses already resumed):
    # the due date is re-derived from started_on, amount and this total, so
    # that the move off a rest day (民法典第二百零三条) applies once, at the end.
    paused_days = models.PositiveIntegerField(default=0)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    # The due date relies on weekends-only counting past the loaded calendar.
    provisional = models.BooleanField(_("provisional"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        indexes = [
            models.Index(fields=["owner_type", "owner_id"]),
            models.Index(fields=["stopped_on", "due_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "kind"],
                condition=models.Q(stopped_on__isnull=True),
                name="one_running_clock_per_owner_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_type_id}:{self.owner_id}:{self.kind} due {self.due_on}"

    def get_kind_display(self) -> str:
        """The clock's name in the active language, from its rule."""
        return kind_label(self.kind)


def kind_label(kind: str) -> str:
    names = _kind_labels()
    zh, en = names.get(kind, (kind, ""))
    return en if en and (get_language() or "").startswith("en") else zh


@functools.cache
def _kind_labels() -> dict[str, tuple[str, str]]:
    from core.models.rules import ClockRule

    # The newest rule set's wording wins; labels rarely differ between sets.
    rules = ClockRule.objects.order_by("rule_set__effective_from").values_list(
        "kind", "label", "label_en"
    )
    return {kind: (label or kind, label_en) for kind, label, label_en in rules}


def forget_kind_labels(**_: object) -> None:
    """Receiver: a clock rule was saved or deleted."""
    _kind_labels.cache_clear()
