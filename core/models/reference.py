"""Reference data: regions (GB/T 2260), product categories, problem types,
offices and the routing rules that pick the competent office."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class BilingualName(models.Model):
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=160, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name


class Region(BilingualName):
    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("prefecture-level city")
        COUNTY = "county", _("county-level division")

    code = models.CharField(_("GB/T 2260 code"), max_length=6, primary_key=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def lineage(self) -> list[Region]:
        """This region and its ancestors, nearest first."""
        chain: list[Region] = []
        node: Region | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"


class ProductCategory(BilingualName):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Materialised "food/dairy" path: lets search and routing match a subtree
    # with one prefix test instead of walking parents.
    path = models.CharField(max_length=255, unique=True, editable=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["path"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = f"{self.parent.path}/{self.code}" if self.parent else self.code
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def lineage(self) -> list[ProductCategory]:
        chain: list[ProductCategory] = []
        node: ProductCategory | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class ProblemType(BilingualName):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    # Counterfeit-type problems feed the hotspot search (docs/legal-basis.md §8).
    counterfeit_signal = models.BooleanField(_("counterfeit signal"), default=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("problem type")
        verbose_name_plural = _("problem types")


class Office(BilingualName):
    class Kind(models.TextChoices):
        PROVINCE_AMR = "province_amr", _("provincial market regulation administration")
        CITY_AMR = "city_amr", _("city market regulation bureau")
        COUNTY_AMR = "county_amr", _("county market regulation bureau")
        HOTLINE = "hotline", _("12345 hotline centre")
        OTHER = "other", _("other department")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="offices")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_offices",
        verbose_name=_("office head"),
    )

    class Meta:
        ordering = ["region_id", "kind"]
        verbose_name = _("office")
        verbose_name_plural = _("offices")


class RoutingRule(models.Model):
    """Category × region → competent office. The most specific rule wins: the
    deepest matching region first, then the deepest matching category; a rule
    with no category matches every category."""

    category = models.ForeignKey(
        ProductCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="routing_rules")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "region"],
                name="routing_rule_unique_cell",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} × {self.region} → {self.office}"
