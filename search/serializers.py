"""Response shapes of the search API, for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class SearchHitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    #: A case's tracking code; empty for a supervisor's report or spot-check.
    tracking_code = serializers.CharField(allow_blank=True)
    #: What to show for the hit: the tracking code, or the source and number.
    reference = serializers.CharField()
    #: The page the hit opens on (case, supervisor's report, spot-check).
    url = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    # DRF moves declared fields off the class; mypy sees Field.source.
    source = serializers.CharField()  # type: ignore[assignment]
    source_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField()
    region_city = serializers.CharField()
    region_county = serializers.CharField()
    region_label = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    brand = serializers.CharField()
    brand_key = serializers.CharField()
    seller_key = serializers.CharField()
    seller_name = serializers.CharField()
    #: The business's spot-check record, when the business has a credit code.
    business_url = serializers.CharField()
    problem_type = serializers.CharField()
    problem_type_label = serializers.CharField()
    counterfeit = serializers.BooleanField()
    text = serializers.CharField(help_text="Description, product, brand and business; masked.")
    highlight = serializers.ListField(
        child=serializers.CharField(), help_text="HTML-escaped fragments with <mark> tags."
    )


class FacetBucketSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    count = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]


class SearchPageSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    results = SearchHitSerializer(many=True)
    facets = serializers.DictField(
        child=FacetBucketSerializer(many=True),
        help_text="Per facet, counts that ignore the facet's own filter.",
    )
    next_cursor = serializers.CharField(allow_null=True)
    next = serializers.URLField(allow_null=True)
