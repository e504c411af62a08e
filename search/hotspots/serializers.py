"""Query parameters of the hotspot API and page; every bad value is a 400
with a message on its field."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.models import ProblemType, ProductCategory, Region
from search.documents import SOURCES
from search.hotspots.params import Dimension, HotspotQuery, Level, Thresholds, local_today

INCLUDE_PARTS = ("trend", "map", "terms")


class HotspotParamsSerializer(serializers.Serializer):
    end = serializers.DateField(required=False, help_text=_("last day of the window"))
    window = serializers.IntegerField(
        required=False, min_value=1, max_value=366, help_text=_("window length in days")
    )
    level = serializers.ChoiceField(choices=[lv.value for lv in Level], default=Level.COUNTY)
    dimension = serializers.ChoiceField(
        choices=[d.value for d in Dimension], default=Dimension.SELLER
    )
    min_distinct_complainants = serializers.IntegerField(
        required=False, min_value=1, max_value=10_000
    )
    baseline_weeks = serializers.IntegerField(required=False, min_value=1, max_value=104)
    growth_factor = serializers.FloatField(required=False, min_value=1.0, max_value=1000.0)
    min_signals = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
    brand_min_sellers = serializers.IntegerField(required=False, min_value=1, max_value=10_000)
    brand_min_counties = serializers.IntegerField(required=False, min_value=1, max_value=1000)
    category = serializers.CharField(required=False, allow_blank=True, max_length=60)
    region = serializers.CharField(required=False, allow_blank=True, max_length=6)
    problem_type = serializers.CharField(required=False, allow_blank=True, max_length=60)
    # DRF pops declared fields off the class, so this does not shadow Field.source.
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=SOURCES, required=False, allow_blank=True
    )
    counterfeit_only = serializers.BooleanField(default=True)
    min_count = serializers.IntegerField(default=1, min_value=1, max_value=1_000_000)
    patterns_only = serializers.BooleanField(default=True)
    limit = serializers.IntegerField(default=50, min_value=1, max_value=500)
    include = serializers.CharField(required=False, allow_blank=True, max_length=40)

    def validate_end(self, value: Any) -> Any:
        if value > local_today():
            raise serializers.ValidationError(_("The window cannot end in the future."))
        return value

    def validate_category(self, value: str) -> str:
        if value and not ProductCategory.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Unknown product category."))
        return value

    def validate_region(self, value: str) -> str:
        if value and not Region.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Unknown region code."))
        return value

    def validate_problem_type(self, value: str) -> str:
        if value and not ProblemType.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Unknown problem type."))
        return value

    def validate_include(self, value: str) -> list[str]:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        unknown = [p for p in parts if p not in INCLUDE_PARTS]
        if unknown:
            raise serializers.ValidationError(
                _("Choose from: %(parts)s.") % {"parts": ", ".join(INCLUDE_PARTS)}
            )
        return parts

    def to_query(self) -> HotspotQuery:
        data = self.validated_data
        base = Thresholds.from_settings()
        thresholds = Thresholds(
            min_distinct_complainants=data.get(
                "min_distinct_complainants", base.min_distinct_complainants
            ),
            baseline_weeks=data.get("baseline_weeks", base.baseline_weeks),
            growth_factor=float(data.get("growth_factor", base.growth_factor)),
            min_signals=data.get("min_signals", base.min_signals),
            brand_min_sellers=data.get("brand_min_sellers", base.brand_min_sellers),
            brand_min_counties=data.get("brand_min_counties", base.brand_min_counties),
        )
        return HotspotQuery(
            end=data.get("end") or local_today(),
            window_days=data.get("window") or settings.HOTSPOT_WINDOW_DAYS,
            level=Level(data["level"]),
            dimension=Dimension(data["dimension"]),
            thresholds=thresholds,
            category=data.get("category", ""),
            region=data.get("region", ""),
            problem_type=data.get("problem_type", ""),
            source=data.get("source", ""),
            counterfeit_only=data["counterfeit_only"],
            min_count=data["min_count"],
            patterns_only=data["patterns_only"],
            limit=data["limit"],
        )


class CellParamsSerializer(HotspotParamsSerializer):
    """Drill-down: the cases of one cell of the same query."""

    cell = serializers.CharField(max_length=400)
    size = serializers.IntegerField(default=50, min_value=1, max_value=500)

    def validate_cell(self, value: str) -> str:
        if value.count("|") < 2:
            raise serializers.ValidationError(_("A cell is region|category|brand or seller."))
        return value
