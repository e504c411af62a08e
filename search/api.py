"""Enforcement search API (issue 5, item 4): one page with facets,
highlights and a search_after cursor, and a capped streaming CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from search.backends import engine_errors
from search.params import SearchParamsSerializer, search_scope
from search.selectors import (
    EXPORT_COLUMNS,
    export_row,
    facet_labels,
    page_payload,
    search_backend,
)
from search.serializers import SearchPageSerializer

PERM_SEARCH = "complaints.view_hotspots"


def export_max_rows() -> int:
    return int(settings.SEARCH_EXPORT_MAX_ROWS)


class CanSearchCases(BasePermission):
    message = _("Your role may not search cases.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.has_perm(PERM_SEARCH))


def _unavailable() -> Response:
    return Response(
        {"detail": _("The search engine is not available right now; try again shortly.")},
        status=503,
    )


class CaseSearchAPI(APIView):
    """GET /api/v1/search/cases/?q=&region=&category=&brand=&seller=&problem_type=
    &source=&status=&kind=&counterfeit=&received_from=&received_to=&size=&cursor="""

    permission_classes = [IsAuthenticated, CanSearchCases]

    @extend_schema(
        parameters=[SearchParamsSerializer],
        responses={
            200: SearchPageSerializer,
            400: OpenApiResponse(description="field messages"),
            503: OpenApiResponse(description="the search engine is unavailable"),
        },
    )
    def get(self, request: Request) -> Response:
        params = SearchParamsSerializer.from_query_dict(request.query_params)
        params.is_valid(raise_exception=True)
        try:
            page = search_backend().search(params.to_query(scope_region=search_scope(request.user)))
        except engine_errors():
            return _unavailable()
        payload = page_payload(page)
        payload["next"] = None
        if page.next_cursor:
            query = request.query_params.copy()
            query["cursor"] = page.next_cursor
            payload["next"] = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        return Response(payload)


class _Echo:
    def write(self, value: str) -> str:
        return value


class CaseExportAPI(APIView):
    """The matching cases as CSV, newest first, at most SEARCH_EXPORT_MAX_ROWS
    rows (the X-Total-Count and X-Export-Capped headers tell when more
    matched). Masked: no complainant data, phone and ID numbers in the text
    masked (the documents hold nothing else)."""

    permission_classes = [IsAuthenticated, CanSearchCases]

    @extend_schema(
        parameters=[SearchParamsSerializer],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="field messages"),
            503: OpenApiResponse(description="the search engine is unavailable"),
        },
    )
    def get(self, request: Request) -> Any:
        params = SearchParamsSerializer.from_query_dict(request.query_params)
        params.is_valid(raise_exception=True)
        query = params.to_query(
            facets=False,
            highlight=False,
            size=1,
            search_after=None,
            scope_region=search_scope(request.user),
        )
        backend = search_backend()
        cap = export_max_rows()
        try:
            total = backend.search(query).total
        except engine_errors():
            return _unavailable()
        labels = facet_labels()
        writer = csv.writer(_Echo())

        def rows() -> Iterator[str]:
            yield "\ufeff"  # spreadsheet programs then read the file as UTF-8
            yield writer.writerow([str(label) for _key, label in EXPORT_COLUMNS])
            for hit in backend.scan(query, limit=cap):
                yield writer.writerow(export_row(hit, labels))

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
        response["X-Total-Count"] = str(total)
        response["X-Export-Capped"] = "1" if total > cap else "0"
        return response
