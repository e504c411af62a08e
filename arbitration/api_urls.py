"""Arbitration API routes, mounted under /api/v1/ by config/api_urls.py."""

from django.urls import path, register_converter

from arbitration import api
from complaints.api_urls import IdConverter

register_converter(IdConverter, "arb_id")

urlpatterns = [
    path("labs/", api.LabListAPI.as_view(), name="api-lab-list"),
    path("inspections/", api.InspectionListAPI.as_view(), name="api-inspection-list"),
    path(
        "inspections/<arb_id:pk>/", api.InspectionDetailAPI.as_view(), name="api-inspection-detail"
    ),
    path(
        "inspections/<arb_id:pk>/transitions/<slug:name>/",
        api.InspectionTransitionAPI.as_view(),
        name="api-inspection-transition",
    ),
    path(
        "inspections/<arb_id:pk>/samples/<arb_id:sample_pk>/custody/",
        api.SampleCustodyAPI.as_view(),
        name="api-sample-custody",
    ),
    path("compensations/", api.CompensationListAPI.as_view(), name="api-compensation-list"),
    path(
        "compensations/money-recovered/",
        api.MoneyRecoveredAPI.as_view(),
        name="api-money-recovered",
    ),
    path(
        "compensations/<arb_id:pk>/payments/",
        api.PaymentAPI.as_view(),
        name="api-compensation-payments",
    ),
    path(
        "compensations/<arb_id:pk>/confirm-receipt/",
        api.ReceiptConfirmAPI.as_view(),
        name="api-compensation-confirm",
    ),
    path(
        "compensation/statutory/",
        api.StatutoryCompensationAPI.as_view(),
        name="api-statutory-compensation",
    ),
]
