from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchAlias(models.Model):
    """The database engine's counterpart of an index alias: which set of
    documents (`index_name`) searches read. Reindexing fills a new set and
    switches this row in one transaction."""

    name = models.CharField(max_length=120, primary_key=True)
    index_name = models.CharField(max_length=160)

    class Meta:
        verbose_name = "search alias"
        verbose_name_plural = "search aliases"

    def __str__(self) -> str:
        return f"{self.name} → {self.index_name}"


class SearchDocument(models.Model):
    """One search document for the database engine: the document JSON as the
    other engines hold it, plus the columns its filters, facets and hotspot
    cells read. `tsv` (PostgreSQL) and `tokens` carry the same cjk tokens
    the other engines index (search/textmatch.py)."""

    # NULL, not "", where the document lacks a field: facets, cells and
    # distinct counts then skip it exactly as the other engines skip a
    # missing field.
    index_name = models.CharField(max_length=160)
    doc_id = models.BigIntegerField()
    version = models.PositiveBigIntegerField()
    body = models.JSONField()
    received_ms = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    source = models.CharField(max_length=30)
    status = models.CharField(max_length=30)
    week = models.CharField(max_length=10)
    region_province = models.CharField(max_length=6, null=True)  # noqa: DJ001
    region_city = models.CharField(max_length=6, null=True)  # noqa: DJ001
    region_county = models.CharField(max_length=6, null=True)  # noqa: DJ001
    category = models.CharField(max_length=60)
    # "/food/food-dairy/": a subtree is a substring test.
    category_path = models.CharField(max_length=300)
    brand_key = models.CharField(max_length=255, null=True)  # noqa: DJ001
    seller_key = models.CharField(max_length=255, null=True)  # noqa: DJ001
    problem_type = models.CharField(max_length=60)
    counterfeit = models.BooleanField(default=False)
    complainant_hash = models.CharField(max_length=64, null=True)  # noqa: DJ001
    weight = models.FloatField()
    tokens = models.TextField(blank=True)
    tsv = SearchVectorField(null=True)
    cell_county_category_brand = models.CharField(max_length=400, null=True)  # noqa: DJ001
    cell_county_category_seller = models.CharField(max_length=400, null=True)  # noqa: DJ001
    cell_city_category_brand = models.CharField(max_length=400, null=True)  # noqa: DJ001
    cell_city_category_seller = models.CharField(max_length=400, null=True)  # noqa: DJ001
    cell_province_category_brand = models.CharField(max_length=400, null=True)  # noqa: DJ001
    cell_province_category_seller = models.CharField(max_length=400, null=True)  # noqa: DJ001
    cell_county_category = models.CharField(max_length=200, null=True)  # noqa: DJ001
    cell_city_category = models.CharField(max_length=200, null=True)  # noqa: DJ001

    class Meta:
        verbose_name = "search document"
        verbose_name_plural = "search documents"
        constraints = [
            models.UniqueConstraint(fields=["index_name", "doc_id"], name="search_doc_unique")
        ]
        indexes = [
            models.Index(fields=["index_name", "received_ms", "doc_id"]),
            models.Index(fields=["index_name", "cell_county_category_seller"]),
            models.Index(fields=["index_name", "cell_county_category_brand"]),
            models.Index(fields=["index_name", "cell_city_category"]),
        ]

    def __str__(self) -> str:
        return f"{self.index_name}#{self.doc_id} v{self.version}"
