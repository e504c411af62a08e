"""Search API routes, mounted under /api/v1/ by config/api_urls.py."""

from django.urls import path

from search import api

urlpatterns = [
    path("search/cases/", api.CaseSearchAPI.as_view(), name="api-search-cases"),
    path("search/cases/export.csv", api.CaseExportAPI.as_view(), name="api-search-export"),
]
