"""Case API routes, mounted under /api/v1/ by config/api_urls.py."""

from django.urls import path

from complaints import api

urlpatterns = [
    path("intakes/", api.IntakeCreateAPI.as_view(), name="api-intake-create"),
    path("cases/", api.CaseListAPI.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", api.CaseDetailAPI.as_view(), name="api-case-detail"),
    path(
        "cases/<int:pk>/transitions/<slug:name>/",
        api.CaseTransitionAPI.as_view(),
        name="api-case-transition",
    ),
    path("cases/<int:pk>/events/", api.CaseEventListAPI.as_view(), name="api-case-events"),
]
