from django.urls import path

from arbitration import views

app_name = "arbitration"

urlpatterns = [
    path("console/inspections/", views.inspection_list, name="inspection-list"),
    path("console/inspections/apply/", views.inspection_apply_view, name="inspection-apply"),
    path("console/inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path(
        "console/inspections/<int:pk>/transitions/<slug:name>/",
        views.inspection_transition_view,
        name="inspection-transition",
    ),
]
