"""One row per hotspot per daily run: what the run saw, whether the hotspot
was new or growing against the previous run, and the lead it produced."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HotspotChange(models.TextChoices):
    NEW = "new", _("new")
    GROWING = "growing", _("growing")
    ONGOING = "ongoing", _("ongoing")


class HotspotAlert(models.Model):
    run_on = models.DateField(_("run date"))
    level = models.CharField(_("level"), max_length=10)
    dimension = models.CharField(_("dimension"), max_length=10)
    cell_key = models.CharField(_("cell"), max_length=400)
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    category = models.ForeignKey(
        "core.ProductCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product category"),
    )
    subject = models.CharField(_("brand or seller key"), max_length=300)
    window_start = models.DateField()
    window_end = models.DateField()
    count = models.PositiveIntegerField(_("signals"))
    distinct_complainants = models.PositiveIntegerField(_("distinct complainants"))
    weeks_present = models.PositiveIntegerField(_("weeks present"))
    weighted_count = models.FloatField(_("weighted count"))
    score = models.FloatField(_("score"))
    patterns = models.JSONField(_("patterns"), default=list)
    change = models.CharField(_("change"), max_length=10, choices=HotspotChange.choices)
    #: count in the previous run, None when the cell was not a hotspot then
    previous_count = models.PositiveIntegerField(null=True, blank=True)
    lead = models.ForeignKey(
        "complaints.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotspot_alerts",
        verbose_name=_("enforcement lead"),
    )
    office = models.ForeignKey(
        "core.Office",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotspot_alerts",
        verbose_name=_("office"),
    )
    #: why no lead could be created (e.g. no routing rule for the cell)
    lead_error = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-run_on", "-score", "cell_key"]
        verbose_name = _("hotspot alert")
        verbose_name_plural = _("hotspot alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["run_on", "level", "dimension", "cell_key"],
                name="hotspot_alert_once_per_run",
            )
        ]
        indexes = [models.Index(fields=["level", "dimension", "run_on"])]

    def __str__(self) -> str:
        return f"{self.run_on} {self.cell_key} ({self.change})"
