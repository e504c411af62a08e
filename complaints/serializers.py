"""API representations of cases. Lists mask personal data (docs/legal-basis.md
§10); input serializers only check shapes, the services check the rules and
limits."""

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
from complaints.services.intake_clean import CASE_TEXT_LIMITS, INTAKE_TEXT_FIELDS
from core.masking import mask_id_number, mask_phone
from core.models import Clock, Event
from core.scope import is_staff_member


def _text(*, required: bool = False, help_text: str = "", name: str = "") -> serializers.CharField:
    """A text field of the intake: its limit and rules are the cleaning
    step's, so that the API answers as the console and the import do; the
    model's limit is only stated for the schema's readers."""
    limit = CASE_TEXT_LIMITS.get(name) if name in INTAKE_TEXT_FIELDS else None
    hint = f"at most {limit} characters" if limit else ""
    return serializers.CharField(
        required=required,
        allow_blank=True,
        default=serializers.empty if required else "",
        help_text="; ".join(p for p in (help_text, hint) if p),
    )


class IntakeInputSerializer(serializers.Serializer):
    """The shape of an intake; what it may contain is decided by the intake
    cleaning step (complaints/services/intake_clean.py), the one the console
    form and the import use too."""

    # A string checked by the cleaning step rather than a choice field: the
    # schema already has an enum named after "kind" (the case kind).
    kind = _text(required=True, help_text="complaint, report or both (a linked pair)")
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.WEB)
    work_order_no = _text(name="work_order_no")
    received_at = serializers.DateTimeField(required=False, allow_null=True)
    anonymous = serializers.BooleanField(required=False, default=False)
    complainant_name = _text(name="complainant_name")
    complainant_phone = _text()
    complainant_id_number = _text()
    complainant_address = _text(name="complainant_address")
    consent_to_publication = serializers.BooleanField(required=False, default=False)
    business_name = _text(required=True, name="business_name")
    business_credit_code = _text()
    business_address = _text(name="business_address")
    region = _text(required=True, help_text="GB/T 2260 code")
    online_platform = _text(name="online_platform")
    shop_id = _text(name="shop_id")
    category = _text(required=True, help_text="product category code")
    brand = _text(name="brand")
    product_model = _text(name="product_model")
    batch = _text(name="batch")
    purchase_date = serializers.DateField(required=False, allow_null=True)
    price = serializers.DecimalField(
        max_digits=None, decimal_places=None, required=False, allow_null=True
    )
    quantity = serializers.IntegerField(required=False, default=1)
    purchase_channel = _text(name="purchase_channel")
    problem_type = _text(required=True, help_text="problem type code")
    description = _text(required=True, name="description")
    demands = _text(name="demands")
    related_to = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, write_only=True
    )

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


#: Who works the case: for staff, never in a consumer's answer.
STAFF_ONLY_FIELDS = ("handler", "mediator")


class CaseDetailSerializer(CaseListSerializer):
    """The full case for someone allowed to see it: the phone whole (they
    call back), the ID number still masked (sensitive: 个人信息保护法第二十八条).
    A consumer reading their own case gets it without the staff who work it."""

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

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and not is_staff_member(request.user):
            for name in STAFF_ONLY_FIELDS:
                fields.pop(name, None)
        return fields

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


class ExtensionInputSerializer(serializers.Serializer):
    clock = serializers.CharField(max_length=40, help_text="kind of the running clock to extend")
    reason = serializers.CharField(max_length=500)
    expected_version = serializers.IntegerField(required=False, min_value=1)
