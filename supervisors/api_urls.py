"""Supervisor API routes, mounted under /api/v1/ by config/api_urls.py."""

from django.urls import path

from supervisors import api

urlpatterns = [
    path(
        "supervisors/applications/",
        api.ApplicationAPI.as_view(),
        name="api-supervisor-apply",
    ),
    path("supervisors/", api.SupervisorListAPI.as_view(), name="api-supervisor-list"),
    path("supervisors/me/", api.MeAPI.as_view(), name="api-supervisor-me"),
    path(
        "supervisors/activity/",
        api.ActivityAPI.as_view(),
        name="api-supervisor-activity",
    ),
    path(
        "supervisors/<case_id:pk>/",
        api.SupervisorDetailAPI.as_view(),
        name="api-supervisor-detail",
    ),
    path(
        "supervisors/<case_id:pk>/transitions/<slug:name>/",
        api.SupervisorTransitionAPI.as_view(),
        name="api-supervisor-transition",
    ),
    path(
        "supervisors/<case_id:pk>/trainings/",
        api.TrainingAPI.as_view(),
        name="api-supervisor-trainings",
    ),
    path("supervisor-reports/", api.ReportListAPI.as_view(), name="api-supervisor-report-list"),
    path(
        "supervisor-reports/<case_id:pk>/",
        api.ReportDetailAPI.as_view(),
        name="api-supervisor-report-detail",
    ),
    path(
        "supervisor-reports/<case_id:pk>/transitions/<slug:name>/",
        api.ReportTransitionAPI.as_view(),
        name="api-supervisor-report-transition",
    ),
    path("spot-checks/", api.SpotCheckListAPI.as_view(), name="api-spot-check-list"),
]
