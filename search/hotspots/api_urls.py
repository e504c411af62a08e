from django.urls import path

from search.hotspots import api

urlpatterns = [
    path("hotspots/", api.HotspotListApi.as_view(), name="hotspots-api"),
    path("hotspots/cases/", api.HotspotCasesApi.as_view(), name="hotspots-api-cases"),
]
