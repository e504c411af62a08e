"""Console pages of the inspector: the list of inspections and appraisals of
the user's offices, and one inspection with its items, samples, custody,
clocks, trail and the actions the user may take now."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from arbitration import lifecycle
from arbitration.lifecycle import PERM_APPLY, InspectionKind, Status, Transition
from arbitration.models import FeePayer, Inspection, Lab, Party
from arbitration.selectors import inspections_visible_to, labs_covering
from arbitration.services import (
    inspection_apply,
    inspection_available_transitions,
    inspection_transition,
)
from complaints.selectors import cases_visible_to
from complaints.services import StaleVersionError, TransitionNotAllowedError
from core.models import Ground

PAGE_SIZE = 25
YES_NO = [("", "—"), ("true", _("yes")), ("false", _("no"))]

INPUT_LABELS: dict[str, Any] = {
    "lab": _("lab or appraisal body"),
    "items": _("test items, one per line: item | standard"),
    "mandatory_standard": _("mandatory national standard or law"),
    "agreed_standard": _("standard agreed by the parties"),
    "stated_quality": _("quality stated by the seller"),
    "sampling_method": _("sampling method"),
    "due_on": _("completion date"),
    "fee": _("fee (yuan)"),
    "fee_prepaid_by": _("fee prepaid by"),
    "fee_borne_by": _("fee finally borne by"),
    "samples": _("sealed samples, one per line: seal number | description"),
    "experts": _("expert group"),
    "onsite_checked_on": _("on-site check on"),
    "onsite_findings": _("on-site findings"),
    "party": _("party"),
    "report_no": _("report number"),
    "results": _("results, one per line: item number | result | yes or no"),
    "conforming": _("conforming overall"),
    "report_file": _("report file"),
}


def _require_staff(request: HttpRequest) -> None:
    if not request.user.has_perm("complaints.view_case"):
        raise PermissionDenied(_("Only staff may see inspections."))


def _field(name: str, spec: Transition, inspection: Inspection) -> forms.Field:
    label = INPUT_LABELS[name]
    required = name not in spec.optional
    if name == "lab":
        wanted = (
            Lab.Kind.LAB
            if inspection.kind == lifecycle.InspectionKind.INSPECTION
            else Lab.Kind.APPRAISAL_BODY
        )
        labs = labs_covering(category=inspection.case.category, kind=wanted)
        return forms.ModelChoiceField(labs, label=label, required=required)
    if name in ("items", "samples", "results", "experts", "onsite_findings"):
        return forms.CharField(label=label, required=required, widget=forms.Textarea({"rows": 3}))
    if name in ("due_on", "onsite_checked_on"):
        return forms.DateField(
            label=label, required=required, widget=forms.DateInput({"type": "date"})
        )
    if name in ("fee_prepaid_by", "fee_borne_by"):
        return forms.ChoiceField(
            choices=[("", "—"), *FeePayer.choices], label=label, required=required
        )
    if name == "party":
        return forms.ChoiceField(choices=[("", "—"), *Party.choices], label=label)
    if name == "conforming":
        return forms.ChoiceField(choices=YES_NO, label=label)
    if name == "report_file":
        return forms.FileField(label=label, required=False)
    if name == "fee":
        return forms.DecimalField(label=label, required=False, min_value=0, decimal_places=2)
    return forms.CharField(label=label, required=required, max_length=300)


def _action_form(
    spec: Transition, inspection: Inspection, data: Any = None, files: Any = None
) -> forms.Form:
    fields: dict[str, forms.Field] = {}
    if spec.ground_kind:
        grounds = Ground.objects.filter(rule_set_id=inspection.rule_set_id, kind=spec.ground_kind)
        fields["reason_code"] = forms.ChoiceField(
            choices=[("", "—"), *((g.code, g.label) for g in grounds)], label=_("reason")
        )
    for name in spec.inputs:
        fields[name] = _field(name, spec, inspection)
    fields["note"] = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea({"rows": 2}), max_length=2000
    )
    fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_class = type("ActionForm", (forms.Form,), dict(fields))
    form: forms.Form = form_class(
        data, files, prefix=spec.name, initial={"version": inspection.version}
    )
    return form


def _visible(request: HttpRequest, pk: int) -> Inspection:
    _require_staff(request)
    inspection = (
        inspections_visible_to(user=request.user)
        .select_related("case__category", "lab", "office", "rule_set")
        .filter(pk=pk)
        .first()
    )
    if inspection is None:
        raise Http404
    return inspection


class ApplyForm(forms.Form):
    tracking_code = forms.CharField(label=_("tracking code of the complaint"), max_length=20)
    kind = forms.ChoiceField(label=_("kind"), choices=InspectionKind.choices)
    applicant = forms.ChoiceField(label=_("applicant"), choices=Party.choices)
    subject = forms.CharField(
        label=_("product and dispute"), max_length=500, widget=forms.Textarea({"rows": 2})
    )


@login_required
@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request)


def _render_list(
    request: HttpRequest, *, form: ApplyForm | None = None, status_code: int = 200
) -> HttpResponse:
    _require_staff(request)
    qs = inspections_visible_to(user=request.user).select_related("case", "lab", "office")
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    may_apply = request.user.has_perm(PERM_APPLY)
    return render(
        request,
        "arbitration/console/inspection_list.html",
        {
            "page": page,
            "statuses": Status.choices,
            "status": status,
            "apply_form": (form or ApplyForm()) if may_apply else None,
        },
        status=status_code,
    )


@login_required
@require_POST
def inspection_apply_view(request: HttpRequest) -> HttpResponse:
    """A mediator records a party's application; the complaint's mediation
    clock pauses until the inspection or appraisal ends."""
    _require_staff(request)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form=form, status_code=400)
    case = (
        cases_visible_to(user=request.user)
        .filter(tracking_code=form.cleaned_data["tracking_code"].strip())
        .first()
    )
    if case is None:
        form.add_error("tracking_code", _("No complaint of your offices has this tracking code."))
        return _render_list(request, form=form, status_code=400)
    try:
        inspection = inspection_apply(
            case_id=case.pk,
            kind=form.cleaned_data["kind"],
            applicant=form.cleaned_data["applicant"],
            subject=form.cleaned_data["subject"],
            actor=request.user,
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not take this action."))
        return _render_list(request, form=form, status_code=403)
    except ValidationError as exc:
        for field, errs in _error_dict(exc).items():
            for err in errs:
                form.add_error(field if field in form.fields else None, err)
        return _render_list(request, form=form, status_code=400)
    messages.success(request, _("Application recorded; mediation is paused."))
    return redirect("arbitration:inspection-detail", pk=inspection.pk)


def _events(inspection: Inspection) -> list[Any]:
    events = list(inspection.events.select_related("actor").order_by("created_at", "id"))
    labels = dict(Status.choices)
    for event in events:
        event.label = lifecycle.label(event.action)
        event.from_label = labels.get(event.from_status, "")
        event.to_label = labels.get(event.to_status, "")
    return events


def _render(
    request: HttpRequest,
    inspection: Inspection,
    *,
    status: int = 200,
    bound: tuple[str, forms.Form] | None = None,
) -> HttpResponse:
    actions = []
    for name in inspection_available_transitions(inspection=inspection, user=request.user):
        spec = lifecycle.BY_NAME[name]
        form = bound[1] if bound and bound[0] == name else _action_form(spec, inspection)
        actions.append({"spec": spec, "form": form, "label": str(spec.label)})
    grounds = dict(
        Ground.objects.filter(rule_set_id=inspection.rule_set_id).values_list("code", "label")
    )
    context = {
        "inspection": inspection,
        "reason_label": grounds.get(inspection.status_reason, ""),
        "items": inspection.items.all(),
        "samples": inspection.samples.prefetch_related("custody"),
        "clocks": inspection.clocks.order_by("started_on", "id"),
        "events": _events(inspection),
        "actions": actions,
    }
    return render(request, "arbitration/console/inspection_detail.html", context, status=status)


@login_required
@require_GET
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _visible(request, pk))


def _error_dict(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


@login_required
@require_POST
def inspection_transition_view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    inspection = _visible(request, pk)
    spec = lifecycle.get(name)
    if spec is None:
        raise Http404
    prefix = f"{name}-"
    post = {k[len(prefix) :]: v for k, v in request.POST.items() if k.startswith(prefix)}
    files = {k[len(prefix) :]: v for k, v in request.FILES.items() if k.startswith(prefix)}
    version = str(post.get("version", ""))
    params: dict[str, Any] = {k: post[k] for k in spec.inputs if k in post}
    params.update({k: files[k] for k in spec.inputs if k in files})
    try:
        updated = inspection_transition(
            inspection_id=inspection.pk,
            name=name,
            actor=request.user,
            reason_code=str(post.get("reason_code", "")),
            note=str(post.get("note", "")),
            params=params,
            expected_version=int(version) if version.isdigit() else None,
        )
    except TransitionNotAllowedError:
        messages.error(
            request,
            _("This action is no longer possible; the inspection is now “%(status)s”.")
            % {"status": inspection.get_status_display()},
        )
        return _render(request, _visible(request, pk), status=409)
    except StaleVersionError:
        messages.error(
            request,
            _("Someone else changed this inspection meanwhile. Check the page and try again."),
        )
        return _render(request, _visible(request, pk), status=409)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not take this action."))
        return _render(request, inspection, status=403)
    except ValidationError as exc:
        form = _action_form(spec, inspection, request.POST, request.FILES)
        # The service's messages only: the form is a view of its inputs, and
        # its own checks would repeat them in other words.
        form._errors = ErrorDict()  # type: ignore[attr-defined]
        form.cleaned_data = {}
        for field, errs in _error_dict(exc).items():
            for err in errs:
                form.add_error(field if field in form.fields else None, err)
        messages.error(request, _("Please correct the highlighted fields."))
        return _render(request, inspection, status=400, bound=(name, form))
    messages.success(
        request,
        _("%(action)s: the inspection is now “%(status)s”.")
        % {"action": spec.label, "status": updated.get_status_display()},
    )
    return redirect("arbitration:inspection-detail", pk=updated.pk)
