"""API shapes of labs, inspections and the statutory calculator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from arbitration import lifecycle
from arbitration.compensation import rules
from arbitration.models import (
    Compensation,
    CustodyEntry,
    Inspection,
    InspectionItem,
    ItemKind,
    Lab,
    Party,
    PayerKind,
    Payment,
    Sample,
)
from core.models import Clock


class LabSerializer(serializers.ModelSerializer):
    scope: Any = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Lab
        fields = [
            "id", "name", "kind", "cma_number", "cnas_number", "accredited_until", "scope",
            "region", "address", "contact_person", "contact_phone", "contact_email", "active",
        ]  # fmt: skip


class InspectionItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionItem
        fields = ["id", "name", "standard", "result", "conforming"]


class CustodySerializer(serializers.ModelSerializer):
    class Meta:
        model = CustodyEntry
        fields = ["id", "action", "holder", "at", "note"]


class SampleSerializer(serializers.ModelSerializer):
    custody = CustodySerializer(many=True, read_only=True)

    class Meta:
        model = Sample
        fields = ["id", "sample_id", "description", "sealed_on", "custody"]


class InspectionClockSerializer(serializers.ModelSerializer):
    kind = serializers.CharField()
    label = serializers.CharField(source="get_kind_display")  # type: ignore[assignment]

    class Meta:
        model = Clock
        fields = ["kind", "label", "unit", "amount", "started_on", "due_on", "stopped_on"]


class InspectionListSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    case_tracking_code = serializers.CharField(source="case.tracking_code", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id", "case", "case_tracking_code", "kind", "kind_label", "status", "status_label",
            "office", "lab", "applicant", "due_on", "conforming", "version", "created_at",
        ]  # fmt: skip


class InspectionDetailSerializer(InspectionListSerializer):
    items = InspectionItemSerializer(many=True, read_only=True)
    samples = SampleSerializer(many=True, read_only=True)
    clocks = InspectionClockSerializer(many=True, read_only=True)
    allowed = serializers.SerializerMethodField()
    report_file = serializers.SerializerMethodField()

    class Meta(InspectionListSerializer.Meta):
        fields = [
            *InspectionListSerializer.Meta.fields,
            "subject", "status_reason", "quality_basis", "quality_basis_detail",
            "sampling_method", "fee", "fee_prepaid_by", "fee_borne_by", "experts",
            "onsite_checked_on", "onsite_findings", "non_cooperating_party", "report_no",
            "report_issued_on", "report_file", "objecting_party", "retest_round",
            "items", "samples", "clocks", "allowed",
        ]  # fmt: skip

    def get_allowed(self, obj: Inspection) -> list[str]:
        from arbitration.services import inspection_available_transitions

        request = self.context.get("request")
        user = getattr(request, "user", None)
        return inspection_available_transitions(inspection=obj, user=user)

    def get_report_file(self, obj: Inspection) -> bool:
        """Whether a report file is on record (files are not served by the API)."""
        return bool(obj.report_file)


class InspectionApplySerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=lifecycle.InspectionKind.choices)
    applicant = serializers.ChoiceField(choices=Party.choices)
    subject = serializers.CharField(max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class InspectionTransitionSerializer(serializers.Serializer):
    reason_code = serializers.CharField(required=False, allow_blank=True, max_length=60)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    params = serializers.DictField(
        required=False,
        default=dict,
        help_text=(
            "The transition's inputs: lab, items [{name, standard}], mandatory_standard, "
            "agreed_standard, stated_quality, sampling_method, due_on, fee, fee_prepaid_by, "
            "samples [{sample_id, description}], experts, onsite_checked_on, onsite_findings, "
            "party, report_no, results [{item, result, conforming}], conforming, fee_borne_by. "
            "A report file is sent as multipart with the inputs as form fields."
        ),
    )
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class CustodyInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=[c for c in CustodyEntry.Action.choices if c[0] != CustodyEntry.Action.SEALED]
    )
    holder = serializers.CharField(max_length=120)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class CalculatorInputSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=[(r.code, r.citation) for r in rules().values()])
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    loss = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        default=Decimal("0"),
    )
    label_flaw = serializers.BooleanField(required=False, default=False)
    affects_safety = serializers.BooleanField(required=False, default=False)
    misleads = serializers.BooleanField(required=False, default=False)


class SuggestionSerializer(serializers.Serializer):
    rule = serializers.CharField()
    basis = serializers.CharField(help_text="statute and article")
    label = serializers.CharField()  # type: ignore[assignment]
    refund = serializers.DecimalField(max_digits=14, decimal_places=2)
    damages = serializers.DecimalField(max_digits=14, decimal_places=2)
    punitive = serializers.DecimalField(max_digits=14, decimal_places=2)
    punitive_is_maximum = serializers.BooleanField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    floor = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    floor_applied = serializers.BooleanField()
    exempt = serializers.BooleanField()


class CompensationItemSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    basis = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="statute, as the calculator cites it",
    )


class CompensationInputSerializer(serializers.Serializer):
    case = serializers.IntegerField(min_value=1)
    payer_kind = serializers.ChoiceField(choices=PayerKind.choices)
    payer_name = serializers.CharField(max_length=200)
    insurer_policy_no = serializers.CharField(required=False, allow_blank=True, max_length=60)
    items = CompensationItemSerializer(many=True)


class PaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    paid_on = serializers.DateField()
    method = serializers.CharField(max_length=60)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)


class PaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "amount", "paid_on", "method", "reference"]


class CompensationSerializer(serializers.ModelSerializer):
    items = CompensationItemSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    clocks = InspectionClockSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Compensation
        fields = [
            "id", "case", "status", "status_label", "payer_kind", "payer_name",
            "insurer_policy_no", "total", "paid", "items", "payments", "clocks",
            "confirmed_at", "version",
        ]  # fmt: skip


class RecoveredSerializer(serializers.Serializer):
    office_id = serializers.IntegerField()
    office = serializers.CharField()
    cases = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=16, decimal_places=2)
