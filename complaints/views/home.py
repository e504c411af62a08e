from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from complaints.models import Case


def home(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {}
    if request.user.is_authenticated:
        context["status_counts"] = (
            Case.objects.values("status").annotate(n=Count("id")).order_by("status")
        )
        context["roles"] = list(request.user.groups.values_list("name", flat=True))
    return render(request, "complaints/home.html", context)
