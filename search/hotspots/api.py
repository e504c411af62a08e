"""GET /api/v1/hotspots/ (ranked cells, patterns, and optionally the trend,
map and emerging terms) and GET /api/v1/hotspots/cases/ (drill-down)."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import asdict
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.models import Region
from core.scope import NOWHERE, office_scope
from search.hotspots import selectors
from search.hotspots.engine import SEARCH_UNAVAILABLE
from search.hotspots.params import HotspotQuery
from search.hotspots.serializers import CellParamsSerializer, HotspotParamsSerializer

logger = logging.getLogger(__name__)

PERM_VIEW_HOTSPOTS = "complaints.view_hotspots"


class CanViewHotspots(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm(PERM_VIEW_HOTSPOTS))


def scoped(query: HotspotQuery, user: Any) -> HotspotQuery:
    """The enforcement search's office scope (core.scope), carried by the
    query into every aggregation and the drill-down: without
    view_all_offices a user sees the area of their own office only."""
    scope = office_scope(user)
    if not scope.search_region:
        return query
    if scope.search_region == NOWHERE:
        raise PermissionDenied(_("Your account belongs to no office."))
    if query.region:
        region = Region.objects.filter(code=query.region).first()
        if region is None or not scope.covers_region([r.code for r in region.lineage()]):
            raise ValidationError({"region": [_("This region is outside your office's area.")]})
    return dataclasses.replace(query, scope_region=scope.search_region)


class SearchUnavailableMixin:
    """A search node that is down or failing is a 503, not a 500."""

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, SEARCH_UNAVAILABLE):
            logger.warning("hotspot query failed: %s", type(exc).__name__)
            return Response(
                {"detail": str(_("The search engine is not available; try again shortly."))},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return super().handle_exception(exc)  # type: ignore[misc]


class HotspotListApi(SearchUnavailableMixin, APIView):
    permission_classes = [IsAuthenticated, CanViewHotspots]

    @extend_schema(
        parameters=[HotspotParamsSerializer],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        params = HotspotParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = scoped(params.to_query(), request.user)
        include = params.validated_data.get("include") or []
        return Response(selectors.hotspot_payload(query, include=include))


class HotspotCasesApi(SearchUnavailableMixin, APIView):
    permission_classes = [IsAuthenticated, CanViewHotspots]

    @extend_schema(
        parameters=[CellParamsSerializer],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 503: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        params = CellParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        query = scoped(params.to_query(), request.user)
        cases = selectors.cell_cases(
            query, cell=params.validated_data["cell"], size=params.validated_data["size"]
        )
        return Response(
            {"cell": params.validated_data["cell"], "cases": [asdict(c) for c in cases]}
        )
