"""The enforcement search page (/search/): the same parameters as the API,
facets as toggles, HTMX swaps the results on every change."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from search.api import PERM_SEARCH
from search.backends import engine_errors
from search.backends.base import FACET_FIELDS
from search.params import SearchParamsSerializer, search_scope
from search.selectors import page_payload, search_backend

FACET_ORDER = ("source", "kind", "status", "problem_type", "category", "region", "brand", "seller")


def _toggle(params: QueryDict, name: str, value: str) -> str:
    query = params.copy()
    query.pop("cursor", None)
    values = [v for raw in query.getlist(name) for v in raw.split(",") if v]
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    query.setlist(name, values)
    return query.urlencode()


@login_required
@permission_required(PERM_SEARCH, raise_exception=True)
def search_page(request: HttpRequest) -> HttpResponse:
    params = SearchParamsSerializer.from_query_dict(request.GET)
    context: dict[str, Any] = {"params": request.GET, "errors": {}, "page": None}
    if params.is_valid():
        try:
            page = search_backend().search(params.to_query(scope_region=search_scope(request.user)))
        except engine_errors():
            context["unavailable"] = True
        else:
            payload = page_payload(page)
            selected = {name: set(params.validated_data.get(name) or ()) for name in FACET_FIELDS}
            payload["facet_groups"] = [
                {
                    "name": name,
                    "buckets": [
                        {
                            **bucket,
                            "selected": bucket["key"] in selected[name],
                            "toggle": _toggle(request.GET, name, bucket["key"]),
                        }
                        for bucket in payload["facets"].get(name, [])
                    ],
                }
                for name in FACET_ORDER
            ]
            if page.next_cursor:
                following = request.GET.copy()
                following["cursor"] = page.next_cursor
                payload["next_query"] = following.urlencode()
            first = request.GET.copy()
            first.pop("cursor", None)
            payload["first_query"] = first.urlencode()
            export = first.copy()
            for key in ("size", "facets", "highlight"):
                export.pop(key, None)
            payload["export_url"] = f"{reverse('api-search-export')}?{export.urlencode()}"
            context["page"] = payload
    else:
        context["errors"] = params.errors
    template = "search/_results.html" if getattr(request, "htmx", False) else "search/search.html"
    return render(request, template, context)
