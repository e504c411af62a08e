"""The start page: the user's roles and the cases they see, by status."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from complaints.models import Status
from complaints.selectors import cases_visible_to


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        labels = dict(Status.choices)
        context["status_counts"] = [
            {**row, "label": labels.get(row["status"], row["status"])}
            for row in cases_visible_to(user=request.user)
            .values("status")
            .annotate(n=Count("id"))
            .order_by("status")
        ]
        context["roles"] = list(request.user.groups.values_list("name", flat=True))
    return render(request, "complaints/home.html", context)
