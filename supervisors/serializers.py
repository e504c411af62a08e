"""API shapes. Personal data leaves masked: a supervisor's ID number and
phone appear only as masks, to staff and to the supervisor alike."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from supervisors.lifecycle import REPORT_TRANSITIONS, SUPERVISOR_TRANSITIONS
from supervisors.models import ReportPhoto, SpotCheck, Supervisor, SupervisorReport, TrainingRecord
from supervisors.models.reports import Finding


class ApplicationInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=30)
    id_number = serializers.CharField(max_length=18)
    office = serializers.CharField(max_length=60, help_text="Office id or code")
    region = serializers.CharField(max_length=6, help_text="GB/T 2260 region code")
    categories = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=20, allow_empty=False
    )
    occupation = serializers.CharField(max_length=100, required=False, allow_blank=True)


class TrainingSerializer(serializers.ModelSerializer[TrainingRecord]):
    class Meta:
        model = TrainingRecord
        fields = ["id", "title", "held_on", "hours"]


class SupervisorSerializer(serializers.ModelSerializer[Supervisor]):
    status_label = serializers.CharField(source="get_status_display")
    id_number = serializers.CharField(source="id_number_masked")
    phone = serializers.CharField(source="phone_masked")
    office_name = serializers.CharField(source="office.display_name")
    region_name = serializers.CharField(source="region.display_name")
    categories: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    trainings = TrainingSerializer(many=True, read_only=True)

    class Meta:
        model = Supervisor
        fields = [
            "id", "version", "status", "status_label", "status_reason", "number", "name",
            "phone", "id_number", "occupation", "office", "office_name", "region",
            "region_name", "categories", "appointed_on", "term_ends_on", "trainings",
        ]  # fmt: skip
        read_only_fields = fields


class SupervisorTransitionInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, min_value=1)


class ReportTransitionInputSerializer(SupervisorTransitionInputSerializer):
    link_case = serializers.IntegerField(
        required=False, min_value=1, help_text="verify: link to this existing case"
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=9)


class TrainingInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0)


class PhotoSerializer(serializers.ModelSerializer[ReportPhoto]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ReportPhoto
        fields = ["id", "url", "width", "height", "size"]

    def get_url(self, obj: ReportPhoto) -> str:
        return reverse("supervisors:report-photo", args=[obj.report_id, obj.pk])


class ReportInputSerializer(serializers.Serializer[Any]):
    finding = serializers.ChoiceField(choices=Finding.choices)
    category = serializers.CharField(max_length=60)
    brand = serializers.CharField(max_length=100, required=False, allow_blank=True)
    product_model = serializers.CharField(max_length=100, required=False, allow_blank=True)
    seller_name = serializers.CharField(max_length=200)
    seller_credit_code = serializers.CharField(max_length=18, required=False, allow_blank=True)
    seller_address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    seller_region = serializers.CharField(max_length=6)
    online_shop = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    latitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    observed_at = serializers.DateTimeField()
    # Files, not ImageField: the service validates and re-encodes them, so
    # every refusal carries the same message.
    photos = serializers.ListField(child=serializers.FileField(), required=False, max_length=9)


class ReportSerializer(serializers.ModelSerializer[SupervisorReport]):
    status_label = serializers.CharField(source="get_status_display")
    finding_label = serializers.CharField(source="get_finding_display")
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.display_name")
    seller_region_name = serializers.CharField(source="seller_region.display_name")
    supervisor_number = serializers.CharField(source="supervisor.number")
    case_tracking_code = serializers.SerializerMethodField()
    photos = PhotoSerializer(many=True, read_only=True)
    points = serializers.SerializerMethodField()

    class Meta:
        model = SupervisorReport
        fields = [
            "id", "version", "status", "status_label", "status_reason", "finding",
            "finding_label", "category", "category_name", "brand", "product_model",
            "seller_name", "seller_credit_code", "seller_address", "seller_region",
            "seller_region_name", "online_shop", "description", "latitude", "longitude",
            "observed_at", "submitted_at", "supervisor", "supervisor_number", "case",
            "case_tracking_code", "photos", "points",
        ]  # fmt: skip
        read_only_fields = fields

    def get_case_tracking_code(self, obj: SupervisorReport) -> str:
        return obj.case.tracking_code if obj.case else ""

    def get_points(self, obj: SupervisorReport) -> int:
        return sum(p.points for p in obj.points.all())


class SpotCheckSerializer(serializers.ModelSerializer[SpotCheck]):
    result_label = serializers.CharField(source="get_result_display")
    category = serializers.CharField(source="category.code")
    region_name = serializers.CharField(source="region.display_name")

    class Meta:
        model = SpotCheck
        fields = [
            "id", "product", "category", "brand", "model_batch", "producer",
            "producer_credit_code", "seller", "region", "region_name", "items_tested",
            "result", "result_label", "non_conforming_items", "published_on",
        ]  # fmt: skip
        read_only_fields = fields


class ActivitySerializer(serializers.Serializer[Any]):
    supervisor = SupervisorSerializer()
    reports = serializers.IntegerField()
    verified = serializers.IntegerField()
    rejected = serializers.IntegerField()
    points = serializers.IntegerField()
    verified_rate = serializers.FloatField(allow_null=True)


class MeSerializer(serializers.Serializer[Any]):
    supervisor = SupervisorSerializer()
    points = serializers.IntegerField()
    may_file = serializers.BooleanField()
    reports = ReportSerializer(many=True)


SUPERVISOR_ACTIONS = [t.name for t in SUPERVISOR_TRANSITIONS if t.permission]
REPORT_ACTIONS = [t.name for t in REPORT_TRANSITIONS]
