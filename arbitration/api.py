"""REST API for labs, inspections and appraisals, and the statutory
compensation calculator (/api/v1/). Thin: parse, call one service or
selector, render. Service errors become 400 (field messages), 403, 404 or 409."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from arbitration.compensation import statutory_compensation
from arbitration.models import Compensation, Inspection, Lab, Sample
from arbitration.selectors import (
    compensations_visible_to,
    inspections_visible_to,
    labs_covering,
    money_recovered,
)
from arbitration.serializers import (
    CalculatorInputSerializer,
    CompensationInputSerializer,
    CompensationSerializer,
    CustodyInputSerializer,
    InspectionApplySerializer,
    InspectionDetailSerializer,
    InspectionListSerializer,
    InspectionTransitionSerializer,
    LabSerializer,
    PaymentInputSerializer,
    RecoveredSerializer,
    SuggestionSerializer,
)
from arbitration.services import (
    compensation_record,
    inspection_apply,
    inspection_transition,
    payment_record,
    receipt_confirm,
    sample_custody_record,
)
from complaints.api import CasePagination, ServiceErrorsMixin
from complaints.models import Case
from complaints.selectors import cases_visible_to, parse_id
from complaints.serializers import ConflictSerializer, ErrorSerializer
from core.models import Clock, ProductCategory

RESERVED = ("reason_code", "note", "expected_version", "params")


class ArbitrationErrorsMixin(ServiceErrorsMixin):
    def handle_exception(self, exc: Exception) -> Response:
        missing = (
            Inspection.DoesNotExist,
            Sample.DoesNotExist,
            Case.DoesNotExist,
            Compensation.DoesNotExist,
        )
        if isinstance(exc, missing):
            exc = Http404()
        return super().handle_exception(exc)


def _detail_queryset(user: Any) -> QuerySet[Inspection]:
    return (
        inspections_visible_to(user=user)
        .select_related("case")
        .prefetch_related(
            "items",
            "samples__custody",
            Prefetch("clocks", queryset=Clock.objects.order_by("started_on", "id")),
        )
    )


class LabListAPI(ArbitrationErrorsMixin, generics.ListAPIView):
    """Active labs and appraisal bodies; with `category`, only those whose
    scope covers it (a scope entry covers its subcategories)."""

    serializer_class = LabSerializer
    pagination_class = CasePagination

    def get_queryset(self) -> QuerySet[Lab]:
        params = self.request.query_params
        raw = params.get("category", "")
        kind = params.get("kind", "")
        kind = kind if kind in Lab.Kind.values else ""
        if raw:
            pk = parse_id(raw)
            category = (
                ProductCategory.objects.filter(pk=pk).first()
                if pk is not None
                else ProductCategory.objects.filter(code=raw[:60]).first()
            )
            qs = labs_covering(category=category, kind=kind or None)
        else:
            qs = Lab.objects.filter(active=True).order_by("name")
            if kind:
                qs = qs.filter(kind=kind)
        return qs.prefetch_related("scope")

    @extend_schema(
        parameters=[
            OpenApiParameter("category", OpenApiTypes.STR, description="category code or id"),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=list(Lab.Kind.values)),
        ],
        summary="Labs and appraisal bodies, optionally those that cover a category",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class InspectionListAPI(ArbitrationErrorsMixin, generics.ListAPIView):
    """Inspections and appraisals of the user's offices; POST applies for one."""

    serializer_class = InspectionListSerializer
    pagination_class = CasePagination

    def get_queryset(self) -> QuerySet[Inspection]:
        qs = inspections_visible_to(user=self.request.user).select_related("case")
        case = parse_id(self.request.query_params.get("case"))
        if case is not None:
            qs = qs.filter(case_id=case)
        return qs.order_by("-created_at", "-id")

    @extend_schema(
        parameters=[OpenApiParameter("case", OpenApiTypes.INT)],
        summary="Inspections and appraisals visible to the user",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=InspectionApplySerializer,
        responses={201: InspectionDetailSerializer, 400: OpenApiTypes.OBJECT, 403: ErrorSerializer,
                   404: ErrorSerializer},
        summary="Record an application for inspection or appraisal; mediation pauses",
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        serializer = InspectionApplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        if not cases_visible_to(user=request.user).filter(pk=values["case"]).exists():
            raise Http404
        inspection = inspection_apply(
            case_id=values["case"],
            kind=values["kind"],
            applicant=values["applicant"],
            subject=values["subject"],
            note=values.get("note", ""),
            actor=request.user,
        )
        body = InspectionDetailSerializer(
            _detail_queryset(request.user).get(pk=inspection.pk), context={"request": request}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class InspectionDetailAPI(ArbitrationErrorsMixin, generics.RetrieveAPIView):
    """One inspection with its items, samples and custody, clocks and the
    transitions this user may take now."""

    serializer_class = InspectionDetailSerializer

    def get_queryset(self) -> QuerySet[Inspection]:
        return _detail_queryset(self.request.user)


def _transition_params(request: Request) -> dict[str, Any]:
    raw: Any = request.data
    if hasattr(raw, "getlist"):
        # Multipart or form: the inputs are the fields themselves.
        params: dict[str, Any] = {k: v for k, v in raw.items() if k not in RESERVED}
        params.update({k: v for k, v in request.FILES.items()})
        return params
    return {}


class InspectionTransitionAPI(ArbitrationErrorsMixin, APIView):
    """Takes one transition of the inspection's state machine
    (arbitration/lifecycle.py). 409 lists the allowed ones or reports a stale
    expected_version; 403 when the role or office may not; 400 with field
    messages for a wrong input, a lab outside its scope or an objection
    after the 15-day window."""

    @extend_schema(
        request={
            "application/json": InspectionTransitionSerializer,
            "multipart/form-data": OpenApiTypes.OBJECT,
        },
        responses={200: InspectionDetailSerializer, 400: OpenApiTypes.OBJECT,
                   403: ErrorSerializer, 404: ErrorSerializer, 409: ConflictSerializer},
        summary="Take a transition of the inspection or appraisal",
    )  # fmt: skip
    def post(self, request: Request, pk: int, name: str) -> Response:
        if not inspections_visible_to(user=request.user).filter(pk=pk).exists():
            raise Http404
        data: Any = request.data
        form_params = _transition_params(request)
        if hasattr(data, "getlist"):
            data = {k: data.get(k) for k in RESERVED if k in data and k != "params"}
        serializer = InspectionTransitionSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        inspection_transition(
            inspection_id=pk,
            name=name,
            actor=request.user,
            reason_code=values.get("reason_code", ""),
            note=values.get("note", ""),
            params=form_params or values.get("params") or {},
            expected_version=values.get("expected_version"),
        )
        inspection = _detail_queryset(request.user).get(pk=pk)
        return Response(InspectionDetailSerializer(inspection, context={"request": request}).data)


class SampleCustodyAPI(ArbitrationErrorsMixin, APIView):
    """A hand-over of a sealed sample, added to its custody log."""

    @extend_schema(
        request=CustodyInputSerializer,
        responses={201: InspectionDetailSerializer, 400: OpenApiTypes.OBJECT,
                   403: ErrorSerializer, 404: ErrorSerializer},
        summary="Record a hand-over of a sealed sample",
    )  # fmt: skip
    def post(self, request: Request, pk: int, sample_pk: int) -> Response:
        inspection = inspections_visible_to(user=request.user).filter(pk=pk).first()
        if inspection is None or not inspection.samples.filter(pk=sample_pk).exists():
            raise Http404
        serializer = CustodyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        sample_custody_record(
            sample_id=sample_pk,
            action=values["action"],
            holder=values["holder"],
            note=values.get("note", ""),
            actor=request.user,
        )
        body = InspectionDetailSerializer(
            _detail_queryset(request.user).get(pk=pk), context={"request": request}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class StatutoryCompensationAPI(ArbitrationErrorsMixin, APIView):
    """The statutory figure with its legal basis (docs/legal-basis.md §6): a
    suggestion for the mediator, never a decision."""

    @extend_schema(
        request=CalculatorInputSerializer,
        responses={200: SuggestionSerializer, 400: OpenApiTypes.OBJECT},
        summary="Statutory compensation suggestion (消费者权益保护法第五十五条, 食品安全法第一百四十八条)",  # noqa: E501
    )
    def post(self, request: Request) -> Response:
        serializer = CalculatorInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        suggestion = statutory_compensation(
            rule=values["rule"],
            price=values["price"],
            loss=values["loss"],
            label_flaw=values["label_flaw"],
            affects_safety=values["affects_safety"],
            misleads=values["misleads"],
        )
        return Response(SuggestionSerializer(suggestion.as_dict()).data)


# --- Compensation ---------------------------------------------------------------


def _compensations(user: Any) -> QuerySet[Compensation]:
    return compensations_visible_to(user=user).prefetch_related(
        "items", "payments", Prefetch("clocks", queryset=Clock.objects.order_by("started_on"))
    )


class CompensationListAPI(ArbitrationErrorsMixin, generics.ListAPIView):
    """Agreed compensations the user sees (a consumer: their own); POST
    records one with its items and payer, and starts its payment clock."""

    serializer_class = CompensationSerializer
    pagination_class = CasePagination

    def get_queryset(self) -> QuerySet[Compensation]:
        qs = _compensations(self.request.user)
        case = parse_id(self.request.query_params.get("case"))
        if case is not None:
            qs = qs.filter(case_id=case)
        return qs.order_by("-created_at", "-id")

    @extend_schema(
        parameters=[OpenApiParameter("case", OpenApiTypes.INT)],
        summary="Agreed compensations visible to the user",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=CompensationInputSerializer,
        responses={201: CompensationSerializer, 400: OpenApiTypes.OBJECT,
                   403: ErrorSerializer, 404: ErrorSerializer},
        summary="Record the agreed compensation of a case and who pays it",
    )  # fmt: skip
    def post(self, request: Request) -> Response:
        serializer = CompensationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        if not cases_visible_to(user=request.user).filter(pk=values["case"]).exists():
            raise Http404
        compensation = compensation_record(
            case_id=values["case"],
            payer_kind=values["payer_kind"],
            payer_name=values["payer_name"],
            insurer_policy_no=values.get("insurer_policy_no", ""),
            items=values["items"],
            actor=request.user,
        )
        body = CompensationSerializer(_compensations(request.user).get(pk=compensation.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class PaymentAPI(ArbitrationErrorsMixin, APIView):
    @extend_schema(
        request=PaymentInputSerializer,
        responses={201: CompensationSerializer, 400: OpenApiTypes.OBJECT,
                   403: ErrorSerializer, 404: ErrorSerializer},
        summary="Record a payment of agreed compensation",
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        if not _compensations(request.user).filter(pk=pk).exists():
            raise Http404
        serializer = PaymentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        payment_record(
            compensation_id=pk,
            amount=values["amount"],
            paid_on=values["paid_on"],
            method=values["method"],
            reference=values.get("reference", ""),
            actor=request.user,
        )
        body = CompensationSerializer(_compensations(request.user).get(pk=pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class ReceiptConfirmAPI(ArbitrationErrorsMixin, APIView):
    @extend_schema(
        request=None,
        responses={200: CompensationSerializer, 400: OpenApiTypes.OBJECT,
                   403: ErrorSerializer, 404: ErrorSerializer},
        summary="The consumer confirms receipt of the compensation",
    )  # fmt: skip
    def post(self, request: Request, pk: int) -> Response:
        if not _compensations(request.user).filter(pk=pk).exists():
            raise Http404
        receipt_confirm(compensation_id=pk, actor=request.user)
        return Response(CompensationSerializer(_compensations(request.user).get(pk=pk)).data)


class MoneyRecoveredAPI(ArbitrationErrorsMixin, APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
        ],
        responses={200: RecoveredSerializer(many=True), 400: OpenApiTypes.OBJECT},
        summary="Money recovered for consumers per office, for agreements in a period",
    )
    def get(self, request: Request) -> Response:
        errors: dict[str, list[str]] = {}
        days: dict[str, dt.date] = {}
        for name in ("start", "end"):
            raw = str(request.query_params.get(name, ""))
            try:
                parsed = dt.date.fromisoformat(raw) if len(raw) == 10 else None
            except ValueError:
                parsed = None
            if parsed is None:
                errors[name] = [str(_("Enter a date as YYYY-MM-DD."))]
            else:
                days[name] = parsed
        if not errors and days["end"] < days["start"]:
            errors["end"] = [str(_("The end comes before the start."))]
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        rows = money_recovered(user=request.user, start=days["start"], end=days["end"])
        return Response(RecoveredSerializer([vars(r) for r in rows], many=True).data)
