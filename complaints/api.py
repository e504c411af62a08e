"""REST API for cases (/api/v1/). Thin: parse, call one service or selector,
render. Service errors become 400 (field messages), 403, 404 or 409."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.models import Case
from complaints.selectors import case_list, cases_visible_to
from complaints.serializers import (
    CaseDetailSerializer,
    CaseEventSerializer,
    CaseListSerializer,
    ConflictSerializer,
    ErrorSerializer,
    ExtensionInputSerializer,
    IntakeInputSerializer,
    IntakeResultSerializer,
    NoticeInputSerializer,
    NoticeSerializer,
    PublicCaseEventSerializer,
    TransitionInputSerializer,
)
from complaints.services import (
    StaleVersionError,
    TransitionNotAllowedError,
    case_clock_extend,
    case_notice_record,
    case_transition,
    intake_create,
)
from core.models import Clock


def validation_error_body(exc: ValidationError) -> dict[str, Any]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


class ServiceErrorsMixin:
    """Maps the services' exceptions onto HTTP answers."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ValidationError):
            return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
        if isinstance(exc, TransitionNotAllowedError):
            return Response(
                {
                    "detail": str(_("This action is not possible in the case's current state.")),
                    "status": exc.status,
                    "allowed": exc.allowed,
                },
                status=status.HTTP_409_CONFLICT,
            )
        if isinstance(exc, StaleVersionError):
            return Response(
                {
                    "detail": str(_("The case changed meanwhile; reload it and try again.")),
                    "version": exc.current,
                },
                status=status.HTTP_409_CONFLICT,
            )
        if isinstance(exc, Case.DoesNotExist):
            exc = Http404()
        return super().handle_exception(exc)  # type: ignore[misc]


def _with_clocks(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.prefetch_related(Prefetch("clocks", queryset=Clock.objects.order_by("due_on")))


LIST_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, description="status, or a comma-separated list"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=["complaint", "report"]),
    OpenApiParameter("office", OpenApiTypes.INT),
    OpenApiParameter("category", OpenApiTypes.STR, description="code; includes subcategories"),
    OpenApiParameter("region", OpenApiTypes.STR, description="GB/T 2260 code at any level"),
    OpenApiParameter("due_before", OpenApiTypes.DATE),
    OpenApiParameter("due_after", OpenApiTypes.DATE),
    OpenApiParameter("overdue", OpenApiTypes.BOOL),
    OpenApiParameter("due_soon", OpenApiTypes.BOOL),
    OpenApiParameter("q", OpenApiTypes.STR, description="tracking code or work-order number"),
]


class CasePagination(LimitOffsetPagination):
    """limit and offset as DRF reads them, except that a value that is no
    count is a 400 on its field rather than the default in silence."""

    max_limit = 200
    # Past this an offset only overflows the database's bigint.
    max_offset = 10**9

    def _count(self, request: Request, name: str, *, minimum: int, default: int) -> int:
        raw = request.query_params.get(name)
        if raw in (None, ""):
            return default
        try:
            return int(serializers.IntegerField(min_value=minimum).run_validation(raw))
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({name: exc.detail}) from None

    def get_limit(self, request: Request) -> int:
        limit = self._count(
            request, self.limit_query_param, minimum=1, default=self.default_limit or 1
        )
        return min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        return min(
            self._count(request, self.offset_query_param, minimum=0, default=0), self.max_offset
        )


class IntakeCreateAPI(ServiceErrorsMixin, APIView):
    """Registers a call or filing; the answer carries the tracking code(s)
    and any possible duplicates the operator should look at."""

    @extend_schema(
        request={
            "application/json": IntakeInputSerializer,
            "multipart/form-data": IntakeInputSerializer,
        },
        responses={201: IntakeResultSerializer, 400: OpenApiTypes.OBJECT, 403: ErrorSerializer},
        summary="Register an intake: a complaint, a report, or both (linked)",
    )
    def post(self, request: Request) -> Response:
        raw: Any = request.data
        data: Any = raw
        if hasattr(raw, "getlist"):
            # Multipart: evidence comes as repeated file fields.
            data = {k: v for k, v in raw.items() if k not in ("evidence", "related_to")}
            data["related_to"] = raw.getlist("related_to")
            data["evidence"] = request.FILES.getlist("evidence")
        serializer = IntakeInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        evidence = serializer.validated_data.get("evidence", [])
        result = intake_create(
            data=serializer.to_intake_data(), evidence=evidence, actor=request.user
        )
        cases = list(_with_clocks(Case.objects.filter(pk__in=[c.pk for c in result.cases])))
        body = IntakeResultSerializer(
            {"cases": cases, "duplicates": result.duplicates}, context={"request": request}
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class CaseListAPI(ServiceErrorsMixin, generics.ListAPIView):
    """Cases the user may see, newest first; phone numbers are masked."""

    serializer_class = CaseListSerializer
    pagination_class = CasePagination

    def get_queryset(self) -> QuerySet[Case]:
        return _with_clocks(case_list(user=self.request.user, filters=self.request.query_params))

    @extend_schema(parameters=LIST_PARAMETERS, summary="Cases visible to the user, filtered")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class CaseDetailAPI(ServiceErrorsMixin, generics.RetrieveAPIView):
    """One case with its clocks and the transitions this user may take now."""

    serializer_class = CaseDetailSerializer

    def get_queryset(self) -> QuerySet[Case]:
        return _with_clocks(
            cases_visible_to(user=self.request.user).select_related(
                "office", "category", "region", "problem_type", "rule_set"
            )
        )


class CaseTransitionAPI(ServiceErrorsMixin, APIView):
    """Takes one transition. 409 lists the allowed ones (or reports a stale
    expected_version); 403 when the role or office may not; 400 with field
    messages for a missing or wrong reason code or parameter."""

    @extend_schema(
        request=TransitionInputSerializer,
        responses={
            200: CaseDetailSerializer,
            400: OpenApiTypes.OBJECT,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ConflictSerializer,
        },
        summary="Take a transition of the case's state machine",
    )
    def post(self, request: Request, pk: int, name: str) -> Response:
        if not cases_visible_to(user=request.user).filter(pk=pk).exists():
            raise Http404
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        case_transition(
            case_id=pk,
            name=name,
            actor=request.user,
            reason_code=values.get("reason_code", ""),
            note=values.get("note", ""),
            params=values.get("params") or {},
            expected_version=values.get("expected_version"),
        )
        case = _with_clocks(Case.objects.select_related("rule_set")).get(pk=pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)


class CaseEventListAPI(ServiceErrorsMixin, generics.ListAPIView):
    """The case's audit trail, oldest first."""

    serializer_class = CaseEventSerializer
    pagination_class = None

    def get_serializer_class(self) -> Any:
        if getattr(self.request.user, "staff_profile", None) is None:
            return PublicCaseEventSerializer
        return CaseEventSerializer

    def get_queryset(self) -> QuerySet[Any]:
        case = cases_visible_to(user=self.request.user).filter(pk=self.kwargs["pk"]).first()
        if case is None:
            raise Http404
        return case.events.select_related("actor__staff_profile").order_by("created_at", "id")


class CaseNoticeAPI(ServiceErrorsMixin, APIView):
    """Notices sent to the parties, each with its channel and proof."""

    def _case(self, request: Request, pk: int) -> Case:
        case = cases_visible_to(user=request.user).filter(pk=pk).first()
        if case is None:
            raise Http404
        return case

    @extend_schema(responses={200: NoticeSerializer(many=True)}, summary="Notices of the case")
    def get(self, request: Request, pk: int) -> Response:
        case = self._case(request, pk)
        return Response(NoticeSerializer(case.notices.order_by("sent_at", "id"), many=True).data)

    @extend_schema(
        request=NoticeInputSerializer,
        responses={201: NoticeSerializer, 400: OpenApiTypes.OBJECT, 403: ErrorSerializer},
        summary="Log a notice sent to a party",
    )
    def post(self, request: Request, pk: int) -> Response:
        self._case(request, pk)
        serializer = NoticeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        notice = case_notice_record(
            case_id=pk,
            kind=values["kind"],
            via=values["via"],
            sent_at=values.get("sent_at"),
            proof=values.get("proof", ""),
            actor=request.user,
        )
        return Response(NoticeSerializer(notice).data, status=status.HTTP_201_CREATED)


class CaseExtensionAPI(ServiceErrorsMixin, APIView):
    """An approved extension of one of the case's deadlines."""

    @extend_schema(
        request=ExtensionInputSerializer,
        responses={
            200: CaseDetailSerializer,
            400: OpenApiTypes.OBJECT,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ConflictSerializer,
        },
        summary="Extend a running deadline, approved by the office head",
    )
    def post(self, request: Request, pk: int) -> Response:
        if not cases_visible_to(user=request.user).filter(pk=pk).exists():
            raise Http404
        serializer = ExtensionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.validated_data
        case_clock_extend(
            case_id=pk,
            clock=values["clock"],
            reason=values["reason"],
            actor=request.user,
            expected_version=values.get("expected_version"),
        )
        case = _with_clocks(Case.objects.select_related("rule_set")).get(pk=pk)
        return Response(CaseDetailSerializer(case, context={"request": request}).data)
