"""REST API of the supervisors app (/api/v1/): enough for a supervisor's
phone app and an office's review screens. Thin: parse, call one service or
selector, render; service errors become 400 with field messages, 403 or 404."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.api import validation_error_body
from complaints.serializers import ErrorSerializer
from supervisors.lifecycle import SupervisorStatus
from supervisors.models import SpotCheck, Supervisor, SupervisorReport
from supervisors.selectors import (
    points_total,
    reports_visible_to,
    spotchecks_visible_to,
    supervisor_activity,
    supervisors_visible_to,
)
from supervisors.serializers import (
    ActivitySerializer,
    ApplicationInputSerializer,
    MeSerializer,
    ReportInputSerializer,
    ReportSerializer,
    ReportTransitionInputSerializer,
    SpotCheckSerializer,
    SupervisorSerializer,
    SupervisorTransitionInputSerializer,
    TrainingInputSerializer,
    TrainingSerializer,
)
from supervisors.services import (
    report_file,
    report_transition,
    supervisor_apply,
    supervisor_training_add,
    supervisor_transition,
)
from supervisors.services.registry import ApplicationData
from supervisors.services.reports import ReportData

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
TAGS = ["supervisors"]


class ServiceErrors:
    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ValidationError):
            return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, PermissionDenied):
            exc = DrfPermissionDenied(str(exc) or None)
        if isinstance(exc, Supervisor.DoesNotExist | SupervisorReport.DoesNotExist):
            exc = Http404()
        return super().handle_exception(exc)  # type: ignore[misc]


def _valid(serializer_class: Any, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        raise ValidationError(
            {k: [str(m) for m in v] if isinstance(v, list) else [str(v)]
             for k, v in serializer.errors.items()}
        )  # fmt: skip
    return dict(serializer.validated_data)


def _fields(request: Request) -> dict[str, Any]:
    """The request's values but the files (a form's values are single)."""
    data: Any = request.data
    items = data.dict() if hasattr(data, "dict") else dict(data)
    return {k: v for k, v in items.items() if k != "photos"}


def _visible(qs: Any, pk: int) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


class ApplicationAPI(ServiceErrors, APIView):
    @extend_schema(
        tags=TAGS,
        request=ApplicationInputSerializer,
        responses={201: SupervisorSerializer, **ERRORS},
        summary="Apply to become a quality supervisor (signed-in user)",
    )
    def post(self, request: Request) -> Response:
        data = _valid(ApplicationInputSerializer, request.data)
        supervisor = supervisor_apply(data=ApplicationData(**data), actor=request.user)
        return Response(SupervisorSerializer(supervisor).data, status=status.HTTP_201_CREATED)


class SupervisorListAPI(ServiceErrors, generics.ListAPIView[Supervisor]):
    serializer_class = SupervisorSerializer

    def get_queryset(self) -> Any:
        qs = supervisors_visible_to(user=self.request.user).prefetch_related("trainings")
        wanted = self.request.query_params.get("status")
        if wanted in SupervisorStatus.values:
            qs = qs.filter(status=wanted)
        return qs

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, enum=SupervisorStatus.values)],
        summary="Supervisors of the user's offices (a supervisor: their own record)",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SupervisorDetailAPI(ServiceErrors, APIView):
    @extend_schema(tags=TAGS, responses={200: SupervisorSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        supervisor = _visible(supervisors_visible_to(user=request.user), pk)
        return Response(SupervisorSerializer(supervisor).data)


class SupervisorTransitionAPI(ServiceErrors, APIView):
    @extend_schema(
        tags=TAGS,
        request=SupervisorTransitionInputSerializer,
        responses={200: SupervisorSerializer, **ERRORS},
        summary="appoint, reject, suspend, reinstate, dismiss or renew",
    )
    def post(self, request: Request, pk: int, name: str) -> Response:
        _visible(supervisors_visible_to(user=request.user), pk)
        data = _valid(SupervisorTransitionInputSerializer, request.data)
        supervisor = supervisor_transition(
            supervisor_id=pk,
            action=name,
            actor=request.user,
            reason=data.get("reason", ""),
            version=data.get("version"),
        )
        return Response(SupervisorSerializer(supervisor).data)


class TrainingAPI(ServiceErrors, APIView):
    @extend_schema(
        tags=TAGS,
        request=TrainingInputSerializer,
        responses={201: TrainingSerializer, **ERRORS},
        summary="Record a training the supervisor attended",
    )
    def post(self, request: Request, pk: int) -> Response:
        _visible(supervisors_visible_to(user=request.user), pk)
        data = _valid(TrainingInputSerializer, request.data)
        record = supervisor_training_add(supervisor_id=pk, actor=request.user, **data)
        return Response(TrainingSerializer(record).data, status=status.HTTP_201_CREATED)


class MeAPI(ServiceErrors, APIView):
    @extend_schema(
        tags=TAGS,
        responses={200: MeSerializer, **ERRORS},
        summary="The signed-in supervisor's record, points and reports",
    )
    def get(self, request: Request) -> Response:
        supervisor = Supervisor.objects.filter(user_id=request.user.pk or 0).first()
        if supervisor is None:
            raise Http404
        from supervisors.services.reports import filing_supervisor

        try:
            filing_supervisor(request.user)
            may_file = True
        except PermissionDenied:
            may_file = False
        reports = reports_visible_to(user=request.user).filter(supervisor=supervisor)
        payload = {
            "supervisor": supervisor,
            "points": points_total(supervisor),
            "may_file": may_file,
            "reports": list(reports.prefetch_related("points")),
        }
        return Response(MeSerializer(payload).data)


class ActivityAPI(ServiceErrors, APIView):
    @extend_schema(
        tags=TAGS,
        responses={200: ActivitySerializer(many=True), **ERRORS},
        summary="The office's supervisors: reports, outcomes, verified rate, points",
    )
    def get(self, request: Request) -> Response:
        if not request.user.has_perm("supervisors.review_supervisor"):
            raise DrfPermissionDenied()
        rows = supervisor_activity(user=request.user)
        return Response(ActivitySerializer(rows, many=True).data)


class ReportListAPI(ServiceErrors, generics.ListCreateAPIView[SupervisorReport]):
    serializer_class = ReportSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> Any:
        qs = reports_visible_to(user=self.request.user).prefetch_related("points")
        wanted = self.request.query_params.get("status")
        if wanted:
            qs = qs.filter(status=wanted[:20])
        return qs

    @extend_schema(tags=TAGS, summary="Reports: a supervisor's own, or the office's")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=TAGS,
        request={"multipart/form-data": ReportInputSerializer},
        responses={201: ReportSerializer, **ERRORS},
        summary="File a report (appointed supervisor within the term), with photos",
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        fields = _fields(request)
        data = _valid(ReportInputSerializer, fields)
        data.pop("photos", None)
        report = report_file(data=ReportData(**data), photos=photos, actor=request.user)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportDetailAPI(ServiceErrors, APIView):
    @extend_schema(tags=TAGS, responses={200: ReportSerializer, **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        report = _visible(reports_visible_to(user=request.user), pk)
        return Response(ReportSerializer(report).data)


class ReportTransitionAPI(ServiceErrors, APIView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS,
        request=ReportTransitionInputSerializer,
        responses={200: ReportSerializer, **ERRORS},
        summary="start_review, request_info, supplement, verify (new case or link_case), reject",
    )
    def post(self, request: Request, pk: int, name: str) -> Response:
        _visible(reports_visible_to(user=request.user), pk)
        photos = request.FILES.getlist("photos") if hasattr(request, "FILES") else []
        fields = _fields(request)
        data = _valid(ReportTransitionInputSerializer, fields)
        report = report_transition(
            report_id=pk,
            action=name,
            actor=request.user,
            reason=data.get("reason", ""),
            version=data.get("version"),
            link_case=data.get("link_case"),
            description=data.get("description", ""),
            photos=photos,
        )
        report = reports_visible_to(user=request.user).get(pk=report.pk)
        return Response(ReportSerializer(report).data)


class SpotCheckListAPI(ServiceErrors, generics.ListAPIView[SpotCheck]):
    serializer_class = SpotCheckSerializer

    def get_queryset(self) -> Any:
        qs = spotchecks_visible_to(user=self.request.user)
        params = self.request.query_params
        if code := params.get("credit_code", "").strip().upper()[:18]:
            qs = qs.filter(producer_credit_code=code)
        if name := params.get("business", "").strip()[:100]:
            qs = qs.filter(producer__contains=name) | qs.filter(seller__contains=name)
        if (result := params.get("result")) in ("conforming", "non_conforming"):
            qs = qs.filter(result=result)
        return qs

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("credit_code", OpenApiTypes.STR),
            OpenApiParameter("business", OpenApiTypes.STR),
            OpenApiParameter("result", OpenApiTypes.STR, enum=["conforming", "non_conforming"]),
        ],
        summary="Spot-check results, e.g. of one business (its record)",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)
