"""API representations of cases. Lists mask personal data (RULES.md §10);
input serializers only check shapes, the services check the rules."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from complaints.clocks import clock_state
from complaints.models import Case, Channel, Notice
from complaints.selectors import case_available_transitions
from complaints.services import IntakeData
from core.masking import mask_id_number, mask_phone
from core.models import Clock, Event


class IntakeInputSerializer(serializers.Serializer):
    # A string checked here rather than a choice field: the schema already
    # has an enum named after "kind" (the case kind).
    kind = serializers.CharField(help_text="complaint, report or both (a linked pair)")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB)
    work_order_no = serializers.CharField(required=False, allow_blank=True, max_length=40)
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    anonymous = serializers.BooleanField(required=False, default=False)
    complainant_name = serializers.CharField(required=False, allow_blank=True, max_length=60)
    complainant_phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    complainant_id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)
    complainant_address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    consent_to_publication = serializers.BooleanField(required=False, default=False)
    business_name = serializers.CharField(max_length=200)
    business_credit_code = serializers.CharField(required=False, allow_blank=True, max_length=18)
    business_address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    region = serializers.CharField(max_length=6, help_text="GB/T 2260 code")
    online_platform = serializers.CharField(required=False, allow_blank=True, max_length=60)
    shop_id = serializers.CharField(required=False, allow_blank=True, max_length=60)
    category = serializers.CharField(max_length=60, help_text="product category code")
    brand = serializers.CharField(required=False, allow_blank=True, max_length=100)
    product_model = serializers.CharField(required=False, allow_blank=True, max_length=100)
    batch = serializers.CharField(required=False, allow_blank=True, max_length=60)
    purchase_date = serializers.DateField(required=False, allow_null=True)
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    quantity = serializers.IntegerField(required=False, default=1, min_value=1)
    purchase_channel = serializers.CharField(required=False, allow_blank=True, max_length=60)
    problem_type = serializers.CharField(max_length=60, help_text="problem type code")
    description = serializers.CharField(max_length=10_000)
    demands = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    related_to = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, write_only=True
    )

    def validate_kind(self, value: str) -> str:
        if value not in ("complaint", "report", "both"):
            raise serializers.ValidationError(_("Choose complaint, report or both."))
        return value

    def to_intake_data(self) -> IntakeData:
        values = dict(self.validated_data)
        values.pop("evidence", None)
        return IntakeData(**values)


class TransitionInputSerializer(serializers.Serializer):
    reason_code = serializers.CharField(required=False, allow_blank=True, max_length=60)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    params = serializers.DictField(required=False, default=dict)
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class RefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


def _ref(obj: Any) -> dict[str, Any] | None:
    if obj is None:
        return None
    return {"code": getattr(obj, "code", str(obj.pk)), "name": str(obj)}


class ClockSerializer(serializers.ModelSerializer):
    # A plain string: an enum here would collide with the case kind's in the schema.
    kind = serializers.CharField(help_text="clock kind (ClockKind)")
    state = serializers.SerializerMethodField()

    class Meta:
        model = Clock
        fields = [
            "kind",
            "unit",
            "amount",
            "started_on",
            "due_on",
            "paused_on",
            "stopped_on",
            "provisional",
            "state",
        ]

    def get_state(self, clock: Clock) -> str:
        """running, paused, due_soon, overdue, met or met_late."""
        return clock_state(clock, today=timezone.localdate(), calendar=self.context.get("calendar"))


def _next_clock(case: Case) -> Clock | None:
    running = [c for c in case.clocks.all() if c.stopped_on is None and c.paused_on is None]
    return min(running, key=lambda c: c.due_on, default=None)


class CaseListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    complainant_phone = serializers.SerializerMethodField()
    office = serializers.SerializerMethodField()
    category = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()
    due_on = serializers.SerializerMethodField()
    due_provisional = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "tracking_code",
            "kind",
            "status",
            "status_label",
            "channel",
            "work_order_no",
            "received_at",
            "office",
            "category",
            "region",
            "business_name",
            "complainant_name",
            "complainant_phone",
            "due_on",
            "due_provisional",
            "overdue",
            "version",
            "updated_at",
        ]

    def get_complainant_phone(self, case: Case) -> str:
        return mask_phone(case.complainant_phone) if case.complainant_phone else ""

    @extend_schema_field(RefSerializer)
    def get_office(self, case: Case) -> dict[str, Any] | None:
        return _ref(case.office)

    @extend_schema_field(RefSerializer)
    def get_category(self, case: Case) -> dict[str, Any] | None:
        return _ref(case.category)

    @extend_schema_field(RefSerializer)
    def get_region(self, case: Case) -> dict[str, Any] | None:
        return _ref(case.region)

    def get_due_on(self, case: Case) -> str | None:
        clock = _next_clock(case)
        return clock.due_on.isoformat() if clock else None

    def get_due_provisional(self, case: Case) -> bool:
        clock = _next_clock(case)
        return bool(clock and clock.provisional)

    def get_overdue(self, case: Case) -> bool:
        clock = _next_clock(case)
        return bool(clock and clock.due_on < timezone.localdate())


class CaseDetailSerializer(CaseListSerializer):
    """The full case for someone allowed to see it: the phone whole (they
    call back), the ID number still masked (sensitive, RULES.md §10)."""

    complainant_id_number = serializers.SerializerMethodField()
    problem_type = serializers.SerializerMethodField()
    rule_set = serializers.CharField(source="rule_set.code")
    clocks = ClockSerializer(many=True, read_only=True)
    allowed_transitions = serializers.SerializerMethodField()
    related_cases: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "status_reason",
            "rule_set",
            "anonymous",
            "complainant_id_number",
            "complainant_address",
            "consent_to_publication",
            "business_credit_code",
            "business_address",
            "online_platform",
            "shop_id",
            "brand",
            "product_model",
            "batch",
            "purchase_date",
            "price",
            "quantity",
            "purchase_channel",
            "problem_type",
            "description",
            "demands",
            "linked_case",
            "related_cases",
            "merged_into",
            "handler",
            "mediator",
            "compensation_amount",
            "compensation_payer",
            "satisfaction",
            "closed_at",
            "clocks",
            "allowed_transitions",
        ]

    def get_complainant_phone(self, case: Case) -> str:
        return case.complainant_phone

    def get_complainant_id_number(self, case: Case) -> str:
        return mask_id_number(case.complainant_id_number) if case.complainant_id_number else ""

    @extend_schema_field(RefSerializer)
    def get_problem_type(self, case: Case) -> dict[str, Any] | None:
        return _ref(case.problem_type)

    def get_allowed_transitions(self, case: Case) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return case_available_transitions(case=case, user=request.user)


class DuplicateSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Case
        fields = ["id", "tracking_code", "kind", "status", "status_label", "received_at"]


class IntakeResultSerializer(serializers.Serializer):
    cases = CaseDetailSerializer(many=True)
    duplicates = DuplicateSerializer(many=True)


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "action",
            "from_status",
            "to_status",
            "reason_code",
            "note",
            "rule_set",
            "actor",
            "data",
            "created_at",
        ]

    def get_actor(self, event: Event) -> str:
        actor = event.actor
        if actor is None:
            return ""
        profile = getattr(actor, "staff_profile", None)
        return (profile.display_name if profile else "") or actor.get_username()


class PublicCaseEventSerializer(serializers.ModelSerializer):
    """What the complainant sees of the trail: no internal notes, staff
    names or parameters."""

    class Meta:
        model = Event
        fields = ["id", "action", "from_status", "to_status", "reason_code", "created_at"]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    status = serializers.CharField(required=False)
    allowed = serializers.ListField(child=serializers.CharField(), required=False)
    version = serializers.IntegerField(required=False)


class NoticeInputSerializer(serializers.Serializer):
    # A string checked below: the schema's "kind" enum is the case kind.
    kind = serializers.CharField(max_length=20, help_text=", ".join(Notice.Kind.values))
    via = serializers.ChoiceField(choices=Notice.Via.choices)
    sent_at = serializers.DateTimeField(required=False, allow_null=True)
    proof = serializers.CharField(required=False, allow_blank=True, max_length=255)

    def validate_kind(self, value: str) -> str:
        if value not in Notice.Kind.values:
            raise serializers.ValidationError(_("Choose a valid kind of notice."))
        return value


class NoticeSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(help_text=", ".join(Notice.Kind.values))

    class Meta:
        model = Notice
        fields = ["id", "kind", "via", "sent_at", "proof"]
