from django.urls import path

from complaints.views import cases, extensions, intake, tracking

app_name = "complaints"

urlpatterns = [
    path("console/intake/", intake.intake, name="intake"),
    path("console/intake/done/", intake.intake_done, name="intake-done"),
    path("console/lookup/caller/", intake.lookup_caller, name="lookup-caller"),
    path("console/lookup/business/", intake.lookup_business, name="lookup-business"),
    path("console/lookup/counties/", intake.lookup_counties, name="lookup-counties"),
    path("console/lookup/duplicates/", intake.lookup_duplicates, name="lookup-duplicates"),
    path("console/cases/", cases.queue, name="queue"),
    path("console/cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path(
        "console/cases/<int:pk>/transitions/<slug:name>/",
        cases.case_transition_view,
        name="case-transition",
    ),
    path(
        "console/cases/<int:pk>/extensions/",
        extensions.case_extension_view,
        name="case-extension",
    ),
    path(
        "console/cases/<int:pk>/evidence/<int:evidence_id>/",
        cases.evidence_download,
        name="evidence-download",
    ),
    path("track/", tracking.track_form, name="track"),
    path("track/<str:tracking_code>/", tracking.track_status, name="track-status"),
]
