from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from complaints.models import Case, Status


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        labels = dict(Status.choices)
        context["status_counts"] = [
            {**row, "label": labels.get(row["status"], row["status"])}
            for row in Case.objects.values("status").annotate(n=Count("id")).order_by("status")
        ]
        context["roles"] = list(request.user.groups.values_list("name", flat=True))
    return render(request, "complaints/home.html", context)
