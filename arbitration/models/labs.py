"""Labs and appraisal bodies that may be commissioned (docs/legal-basis.md §5:
仲裁检验鉴定办法第三条、第四条; 检验检测机构资质认定管理办法)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import ProductCategory, Region


class Lab(models.Model):
    class Kind(models.TextChoices):
        LAB = "lab", _("inspection and testing lab")
        APPRAISAL_BODY = "appraisal_body", _("quality appraisal body")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LAB)
    # 检验检测机构资质认定 (CMA) certificate number; required to issue reports.
    cma_number = models.CharField(_("CMA certificate number"), max_length=40)
    cnas_number = models.CharField(_("CNAS accreditation number"), max_length=40, blank=True)
    accredited_until = models.DateField(_("accredited until"), null=True, blank=True)
    # A category in scope covers every category below it (ProductCategory.path).
    scope = models.ManyToManyField(
        ProductCategory, related_name="labs", verbose_name=_("scope of product categories")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="labs", verbose_name=_("region")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lab or appraisal body")
        verbose_name_plural = _("labs and appraisal bodies")
        constraints = [
            models.UniqueConstraint(fields=["cma_number"], name="lab_unique_cma_number"),
        ]

    def __str__(self) -> str:
        return self.name

    def covers(self, category: ProductCategory | None) -> bool:
        """Does the scope cover `category` (itself or an ancestor in scope)?"""
        if category is None:
            return False
        return self.scope.filter(path__in=category_ancestor_paths(category)).exists()


def category_ancestor_paths(category: ProductCategory) -> list[str]:
    """The paths of the category and of each ancestor, from its materialised
    path: "food/dairy" → ["food", "food/dairy"]."""
    parts = category.path.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
