"""Results of supervision spot-checks (监督抽查) as published in the
regulators' notices (产品质量法第十五条；产品质量监督抽查管理暂行办法第三十六条)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ProductCategory, Region


class SpotCheckResult(models.TextChoices):
    CONFORMING = "conforming", _("conforming")
    NON_CONFORMING = "non_conforming", _("non-conforming")


class SpotCheck(models.Model):
    #: Digest of the result's identifying columns: a re-import finds its row.
    import_key = models.CharField(max_length=64, unique=True)
    version = models.PositiveIntegerField(default=1)
    product = models.CharField(_("product"), max_length=200)
    category = models.ForeignKey(
        ProductCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    brand_key = models.CharField(max_length=100, blank=True)
    model_batch = models.CharField(_("model and batch"), max_length=200, blank=True)
    producer = models.CharField(_("producer"), max_length=200)
    producer_credit_code = models.CharField(
        _("producer's credit code"), max_length=18, blank=True, db_index=True
    )
    seller = models.CharField(_("seller"), max_length=200, blank=True)
    seller_key = models.CharField(max_length=255, blank=True, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    items_tested = models.CharField(_("items tested"), max_length=1000, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=SpotCheckResult.choices)
    non_conforming_items = models.CharField(_("non-conforming items"), max_length=1000, blank=True)
    published_on = models.DateField(_("published on"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("spot-check result")
        verbose_name_plural = _("spot-check results")
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.product} · {self.producer}"
