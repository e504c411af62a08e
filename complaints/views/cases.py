"""The handler queue, the case page with its timeline and actions, and
evidence downloads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Min, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from complaints import lifecycle
from complaints.clocks import WorkCalendar, clock_state
from complaints.forms import QueueFilterForm, TransitionForm
from complaints.models import Case, CaseKind, Evidence, Status
from complaints.selectors import case_available_transitions, case_list, cases_visible_to
from complaints.services import (
    StaleVersionError,
    TransitionNotAllowedError,
    case_transition,
)
from complaints.services.extensions import extendable_clocks
from complaints.views.labels import (
    CLOCK_STATE_LABELS,
    masked_phone,
    transition_label,
)
from core.masking import mask_id_number
from core.models import Clock, Ground

PAGE_SIZE = 25
# Clock states that call for attention, most urgent first.
URGENCY = ["overdue", "due_soon", "paused", "running"]


def _require_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("complaints.view_case"):
        raise PermissionDenied(_("Only staff may see cases."))


@dataclass
class ClockView:
    clock: Clock
    state: str

    @property
    def label(self) -> str:
        return str(CLOCK_STATE_LABELS.get(self.state, self.state))


@dataclass
class CaseRow:
    case: Case
    phone: str
    clocks: list[ClockView] = field(default_factory=list)

    @property
    def next_clock(self) -> ClockView | None:
        """The open clock due first, the one a handler must watch."""
        open_clocks = [c for c in self.clocks if c.clock.stopped_on is None]
        return min(open_clocks, key=lambda c: c.clock.due_on, default=None)

    @property
    def urgency(self) -> str:
        states = {c.state for c in self.clocks}
        return next((s for s in URGENCY if s in states), "")

    @property
    def provisional(self) -> bool:
        return any(c.clock.provisional and c.clock.stopped_on is None for c in self.clocks)


def _clock_views(case: Case, *, today: dt.date, calendar: WorkCalendar) -> list[ClockView]:
    return [
        ClockView(clock, clock_state(clock, today=today, calendar=calendar))
        for clock in case.clocks.all()
    ]


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = QueueFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    order = "due"
    status_code = 200
    if form.is_bound:
        if form.is_valid():
            filters = queue_filters(form.cleaned_data)
            order = form.cleaned_data.get("order") or order
        else:
            status_code = 400
    try:
        cases = case_list(user=request.user, filters=filters)
    except ValidationError as exc:
        for fname, errs in _error_dict(exc).items():
            form.add_error(fname if fname in form.fields else None, errs)
        cases, status_code = case_list(user=request.user, filters={}), 400
    if order == "due":
        # The handler's worklist: the open deadline that falls first comes first.
        cases = cases.annotate(
            next_due=Min("clocks__due_on", filter=Q(clocks__stopped_on__isnull=True))
        ).order_by(F("next_due").asc(nulls_last=True), "-received_at")
    cases = cases.select_related("handler").prefetch_related("clocks")
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    calendar = WorkCalendar.load()
    rows = [
        CaseRow(
            case=case,
            phone=masked_phone(case.complainant_phone),
            clocks=_clock_views(case, today=today, calendar=calendar),
        )
        for case in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/console/queue.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
        status=status_code,
    )


def queue_filters(cleaned: dict[str, Any]) -> dict[str, Any]:
    """The filter form's values in the shape `case_list` takes."""
    filters: dict[str, Any] = {}
    for key in ("q", "status", "kind", "due_before"):
        if cleaned.get(key):
            filters[key] = cleaned[key]
    if cleaned.get("office"):
        filters["office"] = cleaned["office"].pk
    if cleaned.get("category"):
        filters["category"] = cleaned["category"].pk
    if cleaned.get("deadline") in ("overdue", "due_soon"):
        filters[cleaned["deadline"]] = True
    return filters


def visible_case(request: HttpRequest, pk: int) -> Case:
    """The case if this user may see it. Another office's case is a 404
    like a missing one: the answer must not tell which ids exist."""
    _require_staff(request)
    case = (
        cases_visible_to(user=request.user)
        .select_related(
            "office", "category", "problem_type", "region", "rule_set", "handler", "mediator"
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def handles_case(user: Any, case: Case) -> bool:
    """Whoever works the case sees the complainant's data in full (个人信息保护法第五十一条)."""
    return bool(user.pk) and user.pk in (case.handler_id, case.mediator_id)


@dataclass
class ActionView:
    name: str
    label: str
    form: TransitionForm
    inputs: tuple[str, ...]
    needs_reason: bool
    danger: bool
    confirm: str


def _actions(request: HttpRequest, case: Case, bound: dict[str, Any] | None) -> list[ActionView]:
    actions: list[ActionView] = []
    names = case_available_transitions(case=case, user=request.user)
    for name in names:
        spec = lifecycle.get(name)
        if spec is None:
            continue
        ground_kind = spec.ground_kind
        grounds = (
            Ground.objects.filter(rule_set_id=case.rule_set_id, kind=ground_kind)
            if ground_kind
            else Ground.objects.none()
        )
        mediators = originals = None
        inputs = spec.inputs
        if "mediator" in inputs:
            mediators = (
                get_user_model()
                .objects.filter(is_active=True, staff_profile__office_id=case.office_id)
                .filter(groups__permissions__codename="mediate_case")
                .distinct()
                .order_by("username")
            )
        if "original" in inputs:
            originals = (
                cases_visible_to(user=request.user)
                .filter(kind=CaseKind.REPORT)
                .exclude(pk=case.pk)
                .exclude(status=Status.MERGED)
                .order_by("-received_at")[:50]
            )
        data = bound.get("data") if bound and bound.get("name") == name else None
        form = TransitionForm(
            data,
            grounds=grounds,
            mediators=mediators,
            originals=originals,
            prefix=name,
            initial={"version": case.version},
        )
        if data is not None:
            for fname, errs in (bound or {}).get("errors", {}).items():
                target = fname if fname in form.fields else None
                for err in errs:
                    form.add_error(target, err)
        actions.append(
            ActionView(
                name=name,
                label=str(spec.label),
                form=form,
                inputs=inputs,
                needs_reason=ground_kind is not None,
                danger=spec.danger,
                confirm=str(spec.confirm or ""),
            )
        )
    return actions


def _events(case: Case) -> list[Any]:
    events = list(case.events.select_related("actor").order_by("created_at", "id"))
    labels = dict(Status.choices)
    for event in events:
        event.label = transition_label(event.action)
        event.from_label = labels.get(event.from_status, event.from_status)
        event.to_label = labels.get(event.to_status, event.to_status)
    return events


def _render_case(
    request: HttpRequest, case: Case, *, status: int = 200, bound: dict[str, Any] | None = None
) -> HttpResponse:
    full = handles_case(request.user, case)
    today = timezone.localdate()
    calendar = WorkCalendar.load()
    context = {
        "case": case,
        "handles": full,
        "phone": case.complainant_phone if full else masked_phone(case.complainant_phone),
        "id_number": (
            case.complainant_id_number if full else mask_id_number(case.complainant_id_number)
        ),
        "address": case.complainant_address
        if full
        else ("***" if case.complainant_address else ""),
        "clocks": _clock_views(case, today=today, calendar=calendar),
        "events": _events(case),
        "notices": case.notices.all(),
        "evidence": case.evidence.all(),
        "actions": _actions(request, case, bound),
        "extendable": extendable_clocks(case=case, user=request.user),
    }
    return render(request, "complaints/console/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_case(request, visible_case(request, pk))


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@login_required
@require_POST
def case_transition_view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    case = visible_case(request, pk)
    prefix = f"{name}-"
    post: dict[str, str] = {
        k[len(prefix) :]: str(v) for k, v in request.POST.items() if k.startswith(prefix)
    }
    version_raw = post.get("version", "")
    expected = int(version_raw) if version_raw.isdigit() else None
    spec = lifecycle.get(name)
    inputs = spec.inputs if spec is not None else ()
    params = {k: post[k] for k in inputs if k in post}
    try:
        updated = case_transition(
            case_id=case.pk,
            name=name,
            actor=request.user,
            reason_code=post.get("reason_code", ""),
            note=post.get("note", ""),
            params=params,
            expected_version=expected,
        )
    except TransitionNotAllowedError as exc:
        allowed = ", ".join(str(transition_label(n)) for n in exc.allowed) or "—"
        messages.error(
            request,
            _(
                "This action is no longer possible; the case is now “%(status)s”. "
                "Allowed: %(allowed)s"
            )
            % {"status": case.get_status_display(), "allowed": allowed},
        )
        return _render_case(request, visible_case(request, pk), status=409)
    except StaleVersionError:
        messages.error(
            request, _("Someone else changed this case meanwhile. Check the page and try again.")
        )
        return _render_case(request, visible_case(request, pk), status=409)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not take this action."))
        return _render_case(request, case, status=403)
    except ValidationError as exc:
        errors = _error_dict(exc)
        messages.error(request, _("Please correct the highlighted fields."))
        return _render_case(
            request, case, status=400, bound={"name": name, "data": post, "errors": errors}
        )
    messages.success(
        request,
        _("%(action)s: the case is now “%(status)s”.")
        % {"action": transition_label(name), "status": updated.get_status_display()},
    )
    return redirect("complaints:case-detail", pk=updated.pk)


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_id: int) -> FileResponse:
    case = visible_case(request, pk)
    evidence = Evidence.objects.filter(pk=evidence_id, case=case).first()
    if evidence is None or not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # Always a download with the sniffed type, so an uploaded file can never
    # run as a page of this site.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or (evidence.file.name or "").rsplit("/", 1)[-1],
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
