"""Every app's API under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("complaints.api_urls")),
    path("", include("arbitration.api_urls")),
    path("", include("search.hotspots.api_urls")),
    path("", include("search.api_urls")),
    path("", include("supervisors.api_urls")),
]
