"""Pages: a supervisor's own (apply, file a report from a phone, their
reports and points) and an office's (its supervisors' activity, the review).
Thin: each POST calls one service and shows its field messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.models import Office, ProductCategory, Region
from core.scope import is_staff_member
from core.validators import validate_credit_code
from supervisors.lifecycle import (
    PERM_REVIEW_REPORT,
    PERM_REVIEW_SUPERVISOR,
    REPORT_TRANSITIONS,
    SUPERVISOR_TRANSITIONS,
    ReportStatus,
    SupervisorStatus,
)
from supervisors.models import ReportPhoto, Supervisor
from supervisors.models.reports import Finding
from supervisors.selectors import (
    business_spotchecks,
    points_total,
    reports_visible_to,
    supervisor_activity,
    supervisors_visible_to,
)
from supervisors.services import (
    report_file,
    report_transition,
    supervisor_apply,
    supervisor_training_add,
    supervisor_transition,
)
from supervisors.services.registry import ApplicationData
from supervisors.services.reports import ReportData, filing_supervisor


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def _choices() -> dict[str, Any]:
    return {
        "categories": ProductCategory.objects.filter(parent__isnull=False).order_by("path"),
        "regions": Region.objects.filter(code__startswith="43").order_by("code"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = ApplicationData(
            name=request.POST.get("name", ""),
            phone=request.POST.get("phone", ""),
            id_number=request.POST.get("id_number", ""),
            office=request.POST.get("office", ""),
            region=request.POST.get("region", ""),
            categories=request.POST.getlist("categories"),
            occupation=request.POST.get("occupation", ""),
        )
        try:
            supervisor_apply(data=data, actor=request.user)
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Your application has been sent to the office."))
            return redirect("supervisors:me")
    offices = Office.objects.filter(kind__in=["city_amr", "county_amr"]).order_by("region_id")
    return render(
        request,
        "supervisors/apply.html",
        {"errors": errors, "form": request.POST, "offices": offices, **_choices()},
    )


@login_required
def me(request: HttpRequest) -> HttpResponse:
    supervisor = Supervisor.objects.filter(user_id=request.user.pk or 0).first()
    if supervisor is None:
        return redirect("supervisors:apply")
    try:
        filing_supervisor(request.user)
        may_file = True
    except PermissionDenied:
        may_file = False
    reports = (
        reports_visible_to(user=request.user)
        .filter(supervisor=supervisor)
        .prefetch_related("points")
    )
    return render(
        request,
        "supervisors/me.html",
        {
            "supervisor": supervisor,
            "points": points_total(supervisor),
            "may_file": may_file,
            "reports": reports,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    try:
        supervisor = filing_supervisor(request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("supervisors:me")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        post = request.POST
        data = ReportData(
            finding=post.get("finding", ""),
            category=post.get("category", ""),
            seller_name=post.get("seller_name", ""),
            seller_region=post.get("seller_region", ""),
            observed_at=post.get("observed_at", "") or None,
            brand=post.get("brand", ""),
            product_model=post.get("product_model", ""),
            seller_credit_code=post.get("seller_credit_code", ""),
            seller_address=post.get("seller_address", ""),
            online_shop=post.get("online_shop", ""),
            description=post.get("description", ""),
            latitude=post.get("latitude") or None,
            longitude=post.get("longitude") or None,
        )
        try:
            report = report_file(
                data=data, photos=request.FILES.getlist("photos"), actor=request.user
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Report sent. The office will review it."))
            return redirect("supervisors:report-detail", report.pk)
    return render(
        request,
        "supervisors/report_new.html",
        {
            "errors": errors,
            "form": request.POST,
            "findings": Finding.choices,
            "supervisor": supervisor,
            "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            **_choices(),
        },
    )


def _actions(request: HttpRequest, report: Any) -> list[Any]:
    own = report.supervisor.user_id == request.user.pk
    may_review = request.user.has_perm(PERM_REVIEW_REPORT) and not own
    return [
        t
        for t in REPORT_TRANSITIONS
        if report.status in t.source and (may_review if t.name != "supplement" else own)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = reports_visible_to(user=request.user).filter(pk=pk).first()
    if report is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        link = request.POST.get("link_case", "").strip()
        try:
            report_transition(
                report_id=report.pk,
                action=action,
                actor=request.user,
                reason=request.POST.get("reason", ""),
                version=int(request.POST["version"])
                if request.POST.get("version", "").isdigit()
                else None,
                link_case=int(link) if link.isdigit() else None,
                description=request.POST.get("description", ""),
                photos=request.FILES.getlist("photos"),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        except PermissionDenied as exc:
            errors = {"__all__": [str(exc)]}
        else:
            messages.success(request, _("Saved."))
            return redirect("supervisors:report-detail", report.pk)
        report = reports_visible_to(user=request.user).get(pk=pk)
    return render(
        request,
        "supervisors/report_detail.html",
        {"report": report, "actions": _actions(request, report), "errors": errors},
    )


@login_required
def report_photo(request: HttpRequest, pk: int, photo_id: int) -> FileResponse:
    """A report's photo, to those who may see the report. The stored file
    is an image re-encoded from its pixels (supervisors/photos.py); it is
    still served sandboxed and never sniffed."""
    report = reports_visible_to(user=request.user).filter(pk=pk).first()
    photo = ReportPhoto.objects.filter(pk=photo_id, report=report).first() if report else None
    if photo is None or not photo.file:
        raise Http404
    try:
        handle = photo.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = str(photo.file.name)
    response = FileResponse(
        handle, content_type="image/png" if name.endswith(".png") else "image/jpeg"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _office_staff(request: HttpRequest) -> None:
    if not request.user.has_perm(PERM_REVIEW_SUPERVISOR):
        raise PermissionDenied


@login_required
def office(request: HttpRequest) -> HttpResponse:
    _office_staff(request)
    activity = supervisor_activity(user=request.user)
    pending: QuerySet[Any] = reports_visible_to(user=request.user).filter(
        status__in=[ReportStatus.SUBMITTED, ReportStatus.UNDER_REVIEW, ReportStatus.INFO_REQUESTED]
    )
    steps = {
        row.supervisor.pk: [
            t for t in SUPERVISOR_TRANSITIONS if t.permission and row.supervisor.status in t.source
        ]
        for row in activity
    }
    return render(
        request,
        "supervisors/office.html",
        {
            "rows": [(row, steps[row.supervisor.pk]) for row in activity],
            "pending": pending,
            "applied": SupervisorStatus.APPLIED,
        },
    )


@login_required
@require_POST
def supervisor_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    _office_staff(request)
    if not supervisors_visible_to(user=request.user).filter(pk=pk).exists():
        raise Http404
    try:
        supervisor_transition(
            supervisor_id=pk, action=name, actor=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        for field_messages in _errors(exc).values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, _("Saved."))
    return redirect("supervisors:office")


@login_required
@require_http_methods(["GET", "POST"])
def supervisor_training(request: HttpRequest, pk: int) -> HttpResponse:
    """An office records a course its supervisor attended, beside the
    supervisor's earlier training."""
    _office_staff(request)
    supervisor = supervisors_visible_to(user=request.user).filter(pk=pk).first()
    if supervisor is None:
        raise Http404
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            supervisor_training_add(
                supervisor_id=pk,
                title=request.POST.get("title", ""),
                held_on=request.POST.get("held_on", ""),
                hours=request.POST.get("hours", ""),
                actor=request.user,
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Training recorded."))
            return redirect("supervisors:supervisor-training", pk=pk)
    return render(
        request,
        "supervisors/training.html",
        {
            "supervisor": supervisor,
            "trainings": supervisor.trainings.all(),
            "errors": errors,
            "form": request.POST if request.method == "POST" else {},
            "today": timezone.localdate().isoformat(),
        },
        status=400 if errors else 200,
    )


@login_required
def business_spotchecks_page(request: HttpRequest, credit_code: str) -> HttpResponse:
    """A business's spot-check record: every published result of the
    business with this credit code, as producer or as seller."""
    if not is_staff_member(request.user):
        raise PermissionDenied
    try:
        validate_credit_code(credit_code)
    except ValidationError as exc:
        raise Http404 from exc
    results = business_spotchecks(user=request.user, credit_code=credit_code)
    return render(
        request,
        "supervisors/business_spotchecks.html",
        {"credit_code": credit_code, "results": results},
    )
