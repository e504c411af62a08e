"""The operator's one-screen intake and its as-you-type lookups (caller
history, business lookup, counties of a city, duplicate warnings).

Lookups that carry a phone number are POSTs: personal data never goes into a
URL, where access logs would keep it (个人信息保护法第五十一条)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from complaints.forms import IntakeForm, county_choices
from complaints.models import Case
from complaints.selectors import (
    business_lookup,
    caller_history,
    cases_visible_to,
    duplicate_candidates,
)
from complaints.services import (
    IntakeData,
    StaleVersionError,
    TransitionNotAllowedError,
    case_merge,
    intake_create,
)
from complaints.services.intake_clean import intake_clean
from core.models import ProductCategory, Region
from core.validators import normalize_mainland_phone, seller_key

PERM_REGISTER = "complaints.register_case"
HISTORY_LIMIT = 10
SESSION_LAST_INTAKE = "last_intake_case_ids"

# Service field names that the form shows under another name.
SERVICE_FIELD_TO_FORM = {"related_to": "link_cases", "received_at": None}


def _require_register(request: HttpRequest) -> None:
    if not request.user.has_perm(PERM_REGISTER):
        raise PermissionDenied(_("Only hotline operators and case handlers may register cases."))


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _intake_form_attrs(form: IntakeForm) -> None:
    """Keyboard-first: the phone has the focus, the main fields have access
    keys, and the lookups fire while the operator types."""
    from django.urls import reverse

    f = form.fields
    attrs: dict[str, dict[str, str]] = {
        "complainant_phone": {
            "type": "tel",
            "autofocus": "autofocus",
            "accesskey": "p",
            "autocomplete": "off",
            "inputmode": "tel",
            "hx-post": reverse("complaints:lookup-caller"),
            "hx-trigger": "input changed delay:400ms, change",
            "hx-target": "#caller-history",
            "hx-sync": "this:replace",
        },
        "complainant_name": {"accesskey": "m", "autocomplete": "off"},
        "business_name": {
            "accesskey": "b",
            "autocomplete": "off",
            "hx-post": reverse("complaints:lookup-business"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#business-results",
            "hx-include": "#id_business_credit_code",
            "hx-sync": "this:replace",
        },
        "business_credit_code": {
            "autocomplete": "off",
            "hx-post": reverse("complaints:lookup-business"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#business-results",
            "hx-include": "#id_business_name",
            "hx-sync": "this:replace",
        },
        "city": {
            "accesskey": "r",
            "hx-get": reverse("complaints:lookup-counties"),
            "hx-trigger": "change",
            "hx-target": "#id_region",
        },
        "category": {"accesskey": "c"},
        "problem_type": {"accesskey": "t"},
        "description": {"accesskey": "d"},
        "evidence": {"accesskey": "e", "accept": "image/*,application/pdf,video/mp4,audio/*"},
    }
    for name, extra in attrs.items():
        f[name].widget.attrs.update(extra)
    for name, field in f.items():
        if field.required or field.widget.attrs.get("required"):
            field.widget.attrs.setdefault("aria-required", "true")
        if form.is_bound and name in form.errors:
            field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["aria-describedby"] = f"id_{name}_errors"


def _intake_data(cleaned: dict[str, Any]) -> IntakeData:
    # Fields the form rejected are missing from `cleaned`; they go in empty.
    region: Region | None = cleaned.get("region")
    category: ProductCategory | None = cleaned.get("category")
    problem_type = cleaned.get("problem_type")
    return IntakeData(
        kind=cleaned.get("kind") or "",
        channel=cleaned.get("channel") or "",
        work_order_no=cleaned.get("work_order_no") or "",
        anonymous=bool(cleaned.get("anonymous")),
        complainant_name=cleaned.get("complainant_name") or "",
        complainant_phone=cleaned.get("complainant_phone") or "",
        complainant_id_number=cleaned.get("complainant_id_number") or "",
        complainant_address=cleaned.get("complainant_address") or "",
        consent_to_publication=bool(cleaned.get("consent_to_publication")),
        business_name=cleaned.get("business_name") or "",
        business_credit_code=cleaned.get("business_credit_code") or "",
        business_address=cleaned.get("business_address") or "",
        region=region.code if region else "",
        online_platform=cleaned.get("online_platform") or "",
        shop_id=cleaned.get("shop_id") or "",
        category=category.code if category else "",
        brand=cleaned.get("brand") or "",
        product_model=cleaned.get("product_model") or "",
        batch=cleaned.get("batch") or "",
        purchase_date=cleaned.get("purchase_date"),
        price=cleaned.get("price"),
        quantity=1 if cleaned.get("quantity") is None else cleaned["quantity"],
        purchase_channel=cleaned.get("purchase_channel") or "",
        problem_type=problem_type.code if problem_type else "",
        description=cleaned.get("description") or "",
        demands=cleaned.get("demands") or "",
        related_to=[c.pk for c in cleaned.get("link_cases") or ()],
    )


def _add_service_errors(form: IntakeForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = SERVICE_FIELD_TO_FORM.get(name, name)
        if target is not None and target not in form.fields:
            target = None
        for error in errors:
            form.add_error(target, error)


def _add_cleaning_errors(form: IntakeForm, actor: Any) -> None:
    """The form's own checks failed before the cleaning step ran: run it on
    what the form could read, so that every field's message shows at once
    rather than one round of errors after another."""
    try:
        intake_clean(_intake_data(form.cleaned_data), [], actor)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            return
        for name, errors in exc.error_dict.items():
            target = SERVICE_FIELD_TO_FORM.get(name, name)
            if target in form.fields and target not in form.errors:
                for error in errors:
                    form.add_error(target, error)


def _render_intake(request: HttpRequest, form: IntakeForm, *, status: int = 200) -> HttpResponse:
    if status == 400 and _wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    _intake_form_attrs(form)
    context: dict[str, Any] = {"form": form}
    if form.is_bound:
        context.update(_duplicate_context(request, form.data))
        phone = form.data.get("complainant_phone", "")
        context.update(_history_context(request, phone))
    return render(request, "complaints/console/intake.html", context, status=status)


def _home_city(user: Any) -> str:
    """Most calls concern the operator's own city: it is picked in advance."""
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return ""
    region: Region = profile.office.region
    if region.level == Region.Level.PROVINCE:
        return ""
    return region.city_code


@login_required
@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    visible = cases_visible_to(user=request.user)
    if request.method == "GET":
        initial = {"city": _home_city(request.user)}
        return _render_intake(request, IntakeForm(initial=initial, visible_cases=visible))
    form = IntakeForm(request.POST, request.FILES, visible_cases=visible)
    if not form.is_valid():
        _add_cleaning_errors(form, request.user)
        return _render_intake(request, form, status=400)
    try:
        result = intake_create(
            data=_intake_data(form.cleaned_data),
            evidence=form.cleaned_data.get("evidence") or [],
            actor=request.user,
        )
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return _render_intake(request, form, status=400)
    merge_target: Case | None = form.cleaned_data.get("merge_into")
    if merge_target is not None and result.report is not None:
        try:
            case_merge(case_id=result.report.pk, into_id=merge_target.pk, actor=request.user)
        except (PermissionDenied, ValidationError, TransitionNotAllowedError, StaleVersionError):
            messages.warning(
                request,
                _(
                    "The report was registered and linked, but merging needs a case handler: "
                    "ask one to merge it into %(code)s."
                )
                % {"code": merge_target.tracking_code},
            )
    ids = [c.pk for c in result.cases]
    request.session[SESSION_LAST_INTAKE] = ids
    if _wants_json(request):
        return JsonResponse(
            {"cases": [{"id": c.pk, "tracking_code": c.tracking_code} for c in result.cases]},
            status=201,
        )
    return redirect("complaints:intake-done")


@login_required
@require_GET
def intake_done(request: HttpRequest) -> HttpResponse:
    """The tracking codes to read back; only the intake this session just made."""
    _require_register(request)
    ids = request.session.get(SESSION_LAST_INTAKE) or []
    cases = list(
        cases_visible_to(user=request.user)
        .filter(pk__in=ids)
        .select_related("office")
        .prefetch_related("clocks")
        .order_by("kind")
    )
    if not cases:
        return redirect("complaints:intake")
    for case in cases:
        case.open_clocks = [c for c in case.clocks.all() if c.stopped_on is None]  # type: ignore[attr-defined]
    return render(request, "complaints/console/intake_done.html", {"cases": cases})


def _history_context(request: HttpRequest, phone: str) -> dict[str, Any]:
    try:
        normalize_mainland_phone(phone)
    except ValidationError:
        return {"history_checked": False}
    visible = cases_visible_to(user=request.user)
    history = caller_history(phone=phone).filter(pk__in=visible.values("pk"))
    return {
        "history_checked": True,
        "history": list(history[:HISTORY_LIMIT]),
        "history_total": history.count(),
    }


@login_required
@require_POST
def lookup_caller(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    context = _history_context(request, request.POST.get("complainant_phone", ""))
    return render(request, "complaints/console/_caller_history.html", context)


@login_required
@require_POST
def lookup_business(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    name = request.POST.get("business_name", "").strip()
    code = request.POST.get("business_credit_code", "").strip()
    query = code if len(code) >= 2 else name
    results = business_lookup(query=query, user=request.user)
    for row in results:
        region = str(row.get("region") or "")
        row["city"] = region[:4] + "00" if len(region) == 6 else ""
    return render(
        request,
        "complaints/console/_business_results.html",
        {"businesses": results, "business_checked": len(query) >= 2},
    )


@login_required
@require_GET
def lookup_counties(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    city = request.GET.get("city", "")
    if city and not Region.objects.filter(code=city, level=Region.Level.CITY).exists():
        return HttpResponse(status=400)
    return render(
        request, "complaints/console/_county_options.html", {"counties": county_choices(city)}
    )


def _duplicate_context(request: HttpRequest, data: Any) -> dict[str, Any]:
    phone = ""
    try:
        raw = data.get("complainant_phone", "")
        phone = normalize_mainland_phone(raw) if raw else ""
    except ValidationError:
        phone = ""
    name = (data.get("business_name") or "").strip()
    code = (data.get("business_credit_code") or "").strip().upper()
    key = (
        seller_key(
            name=name,
            credit_code=code,
            platform=data.get("online_platform", ""),
            shop_id=data.get("shop_id", ""),
        )
        if (name or code)
        else ""
    )
    category_raw = str(data.get("category") or "")
    category = (
        ProductCategory.objects.filter(pk=category_raw).first() if category_raw.isdigit() else None
    )
    duplicates = list(
        duplicate_candidates(phone=phone, seller_key=key, category=category).filter(
            pk__in=cases_visible_to(user=request.user).values("pk")
        )[:10]
    )
    linked = (
        {int(v) for v in data.getlist("link_cases") if str(v).isdigit()}
        if hasattr(data, "getlist")
        else set()
    )
    merged_raw = str(data.get("merge_into") or "")
    return {
        "duplicates": duplicates,
        "linked": linked,
        "merged": int(merged_raw) if merged_raw.isdigit() else None,
        "any_report": any(c.kind == "report" for c in duplicates),
    }


@login_required
@require_POST
def lookup_duplicates(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    return render(
        request, "complaints/console/_duplicates.html", _duplicate_context(request, request.POST)
    )
