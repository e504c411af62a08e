from django.urls import path

from supervisors import views

app_name = "supervisors"

urlpatterns = [
    path("supervisors/apply/", views.apply, name="apply"),
    path("supervisors/me/", views.me, name="me"),
    path("supervisors/reports/new/", views.report_new, name="report-new"),
    path("supervisors/reports/<case_id:pk>/", views.report_detail, name="report-detail"),
    path(
        "supervisors/reports/<case_id:pk>/photos/<case_id:photo_id>/",
        views.report_photo,
        name="report-photo",
    ),
    path("supervisors/office/", views.office, name="office"),
    path(
        "businesses/<str:credit_code>/spot-checks/",
        views.business_spotchecks_page,
        name="business-spotchecks",
    ),
    # Before the action route, which would take "training" as an action.
    path(
        "supervisors/office/<case_id:pk>/training/",
        views.supervisor_training,
        name="supervisor-training",
    ),
    path(
        "supervisors/office/<case_id:pk>/<slug:name>/",
        views.supervisor_action,
        name="supervisor-action",
    ),
]
