"""Case API routes, mounted under /api/v1/ by config/api_urls.py."""

from django.urls import path, register_converter

from complaints import api


class IdConverter:
    """At most 18 digits: a longer id is a 404, not a bigint overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "case_id")

urlpatterns = [
    path("intakes/", api.IntakeCreateAPI.as_view(), name="api-intake-create"),
    path("cases/", api.CaseListAPI.as_view(), name="api-case-list"),
    path("cases/<case_id:pk>/", api.CaseDetailAPI.as_view(), name="api-case-detail"),
    path(
        "cases/<case_id:pk>/transitions/<slug:name>/",
        api.CaseTransitionAPI.as_view(),
        name="api-case-transition",
    ),
    path("cases/<case_id:pk>/events/", api.CaseEventListAPI.as_view(), name="api-case-events"),
    path("cases/<case_id:pk>/notices/", api.CaseNoticeAPI.as_view(), name="api-case-notices"),
    path(
        "cases/<case_id:pk>/extensions/",
        api.CaseExtensionAPI.as_view(),
        name="api-case-extensions",
    ),
]
