"""Every write to an inspection or appraisal (docs/legal-basis.md §5).

Each service locks the inspection row, checks the version, the office scope
and the permission the declaration names (arbitration/lifecycle.py), runs
the django-fsm transition, moves its clocks and records one event through
core.events. The complaint's mediation clock is paused while an inspection
runs: applying takes the case's `request_inspection` transition and the
last inspection to end takes `resume_mediation`, both through the case
service, so that the case's trail and clocks show the pause.

Locks are taken inspection first, case second, everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import has_transition_perm

from arbitration import lifecycle
from arbitration.lifecycle import PERM_APPLY, ClockKind, InspectionKind, Status
from arbitration.models import CustodyEntry, Inspection, InspectionItem, Party, Sample
from arbitration.services.inputs import transition_inputs
from complaints.lifecycle import CaseKind
from complaints.lifecycle import Status as CaseStatus
from complaints.models import Case
from complaints.services import StaleVersionError, TransitionNotAllowedError, case_transition
from core.clocks.engine import clocks_apply, owner_clocks
from core.events import event_write
from core.models import Ground
from core.scope import office_scope

Params = Mapping[str, Any]
NOTE_MAX = 2000
SUBJECT_MAX = 500


def _check_text(name: str, value: str, limit: int) -> None:
    if "\x00" in value:
        raise ValidationError({name: _("This value contains invalid characters.")})
    if len(value) > limit:
        raise ValidationError({name: _("Keep this under %(limit)d characters.") % {"limit": limit}})


def inspection_apply(
    *,
    case_id: int,
    kind: str,
    applicant: str,
    subject: str,
    actor: Any,
    note: str = "",
) -> Inspection:
    """Records an application for inspection or appraisal of a complaint in
    mediation (仲裁检验鉴定办法第八条) and pauses its mediation clock."""
    errors: dict[str, Any] = {}
    if kind not in InspectionKind.values:
        errors["kind"] = [_("Choose inspection or appraisal.")]
    if applicant not in Party.values:
        errors["applicant"] = [_("Choose one of the listed options.")]
    subject = (subject or "").strip()
    if not subject:
        errors["subject"] = [_("Describe the product and what is disputed.")]
    for name, value, limit in (("subject", subject, SUBJECT_MAX), ("note", note, NOTE_MAX)):
        try:
            _check_text(name, value, limit)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.message_dict[name])
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).get(pk=case_id)
        if not office_scope(actor).covers_office(case.office_id):
            raise PermissionDenied(_("This case belongs to another office."))
        if not actor.has_perm(PERM_APPLY):
            raise PermissionDenied(_("Your role may not take this action."))
        if case.kind != CaseKind.COMPLAINT or case.status not in (
            CaseStatus.MEDIATING,
            CaseStatus.INSPECTION_PENDING,
        ):
            raise ValidationError(
                _(
                    "An inspection or appraisal can be applied for only while the "
                    "complaint is in mediation."
                )
            )
        inspection = Inspection.objects.create(
            case=case,
            kind=kind,
            rule_set_id=case.rule_set_id,
            office_id=case.office_id,
            applicant=applicant,
            subject=subject,
            applied_by=actor,
        )
        event_write(
            owner=inspection,
            action="applied",
            actor=actor,
            created=True,
            to_status=Status.APPLIED,
            note=note,
            data={"case": case.pk, "kind": kind, "applicant": applicant},
        )
        if case.status == CaseStatus.MEDIATING:
            case_transition(case_id=case.pk, name="request_inspection", actor=actor)
    return inspection


def _validate_reason(inspection: Inspection, kind: str | None, reason_code: str) -> None:
    if kind is None:
        return
    if not reason_code:
        raise ValidationError({"reason_code": _("This action needs a reason code.")})
    if not Ground.objects.filter(
        rule_set_id=inspection.rule_set_id, kind=kind, code=reason_code
    ).exists():
        raise ValidationError(
            {"reason_code": _("This reason code is not a ground of the case's rule set.")}
        )


def inspection_permitted(*, inspection: Inspection, name: str, user: Any) -> bool:
    return office_scope(user).covers_office(inspection.office_id) and bool(
        has_transition_perm(getattr(inspection, name), user)
    )


def inspection_available_transitions(*, inspection: Inspection, user: Any) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [
        t.name
        for t in inspection.get_available_status_transitions()  # type: ignore[attr-defined]
        if inspection_permitted(inspection=inspection, name=t.name, user=user)
    ]


def _objection_window(inspection: Inspection) -> Any:
    return (
        owner_clocks(inspection)
        .filter(kind=ClockKind.OBJECTION)
        .order_by("-started_on", "-id")
        .first()
    )


def _check_window(inspection: Inspection, name: str) -> None:
    """仲裁检验鉴定办法第十七条: an objection within 15 days of the report; the
    report is final only once those days have passed."""
    if name not in ("object", "finalize"):
        return
    window = _objection_window(inspection)
    today = timezone.localdate()
    if window is None:
        return
    if name == "object" and today > window.due_on:
        raise ValidationError(
            _("The 15-day objection window closed on %(date)s; the objection is refused.")
            % {"date": window.due_on.isoformat()}
        )
    if name == "finalize" and today <= window.due_on:
        raise ValidationError(
            _("The objection window runs until %(date)s; the report becomes final after it.")
            % {"date": window.due_on.isoformat()}
        )


def inspection_transition(
    *,
    inspection_id: int,
    name: str,
    actor: Any,
    reason_code: str = "",
    note: str = "",
    params: Params | None = None,
    expected_version: int | None = None,
) -> Inspection:
    params = params or {}
    _check_text("note", note, NOTE_MAX)
    _check_text("reason_code", reason_code, 60)
    with transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update(of=("self",))
            .select_related("case__category")
            .get(pk=inspection_id)
        )
        if expected_version is not None and expected_version != inspection.version:
            raise StaleVersionError(expected_version, inspection.version)
        if not office_scope(actor).covers_office(inspection.office_id):
            raise PermissionDenied(_("This inspection belongs to another office."))
        spec = lifecycle.get(name)
        state_allowed = {
            t.name
            for t in inspection.get_available_status_transitions()  # type: ignore[attr-defined]
        }
        if spec is None or name not in state_allowed:
            raise TransitionNotAllowedError(
                name,
                inspection.status,
                inspection_available_transitions(inspection=inspection, user=actor),
            )
        if not inspection_permitted(inspection=inspection, name=name, user=actor):
            raise PermissionDenied(_("Your role may not take this action."))
        _validate_reason(inspection, spec.ground_kind, reason_code)
        kwargs = transition_inputs(spec, inspection, params)
        _check_window(inspection, name)
        if kwargs.get("conforming") and any(
            r["conforming"] is False for r in kwargs.get("results") or ()
        ):
            raise ValidationError(
                {"conforming": _("A report with a non-conforming item cannot conform overall.")}
            )
        today = timezone.localdate()

        items = kwargs.pop("items", None)
        samples = kwargs.pop("samples", None)
        results = kwargs.pop("results", None)
        call = dict(kwargs)
        if spec.ground_kind is not None:
            call["reason_code"] = reason_code
        if name == "issue_report":
            call["issued_on"] = today
        from_status = inspection.status
        getattr(inspection, name)(**call)
        fields = {"status", *spec.fields}
        if "report_file" in fields and not inspection.report_file:
            fields.discard("report_file")

        data: dict[str, Any] = {k: v for k, v in kwargs.items() if k != "report_file"}
        if items is not None:
            created = InspectionItem.objects.bulk_create(
                InspectionItem(inspection=inspection, sort_order=n, **row)
                for n, row in enumerate(items)
            )
            data["items"] = [{"id": i.pk, **row} for i, row in zip(created, items, strict=True)]
        if samples is not None:
            _seal(inspection, samples, actor=actor, on=today)
            data["samples"] = samples
        if results is not None:
            _record_results(inspection, results)
            data["results"] = results
        clocks = clocks_apply(owner=inspection, effects=spec.clocks, on=today)
        if clocks:
            data["clocks"] = sorted({c.kind for c in clocks})
        event_write(
            owner=inspection,
            action=name,
            actor=actor,
            fields=fields,
            from_status=from_status,
            to_status=inspection.status,
            reason_code=reason_code if spec.ground_kind else "",
            note=note,
            data=data,
        )
        if spec.ends:
            _resume_mediation(inspection, actor=actor)
    return inspection


def _seal(inspection: Inspection, samples: list[dict[str, str]], *, actor: Any, on: Any) -> None:
    holder = str(getattr(getattr(actor, "staff_profile", None), "office", "") or actor)
    now = timezone.now()
    for row in samples:
        sample = Sample.objects.create(
            inspection=inspection,
            sample_id=row["sample_id"],
            description=row.get("description", ""),
            sealed_on=on,
        )
        CustodyEntry.objects.create(
            sample=sample,
            action=CustodyEntry.Action.SEALED,
            holder=holder[:120],
            at=now,
            recorded_by=actor,
        )


def _record_results(inspection: Inspection, results: list[dict[str, Any]]) -> None:
    by_id = {r["item"]: r for r in results}
    items = list(inspection.items.filter(pk__in=by_id))
    for item in items:
        item.result = by_id[item.pk]["result"]
        item.conforming = by_id[item.pk]["conforming"]
    InspectionItem.objects.bulk_update(items, ["result", "conforming"])


def _resume_mediation(inspection: Inspection, *, actor: Any) -> None:
    """The last open inspection of the case has ended: mediation resumes."""
    others_open = (
        Inspection.objects.filter(case_id=inspection.case_id, status__in=lifecycle.OPEN_STATES)
        .exclude(pk=inspection.pk)
        .exists()
    )
    if others_open:
        return
    status = Case.objects.filter(pk=inspection.case_id).values_list("status", flat=True).first()
    if status == CaseStatus.INSPECTION_PENDING:
        case_transition(case_id=inspection.case_id, name="resume_mediation", actor=actor)


def sample_custody_record(
    *,
    sample_id: int,
    action: str,
    holder: str,
    actor: Any,
    note: str = "",
) -> CustodyEntry:
    """One hand-over of a sealed sample, recorded on the inspection's trail."""
    if action not in CustodyEntry.Action.values or action == CustodyEntry.Action.SEALED:
        raise ValidationError({"action": _("Choose one of the listed options.")})
    holder = (holder or "").strip()
    if not holder:
        raise ValidationError({"holder": _("Say who holds the sample now.")})
    _check_text("holder", holder, 120)
    _check_text("note", note, 300)
    with transaction.atomic():
        sample = Sample.objects.select_related("inspection").get(pk=sample_id)
        inspection = Inspection.objects.select_for_update(of=("self",)).get(pk=sample.inspection_id)
        if not office_scope(actor).covers_office(inspection.office_id):
            raise PermissionDenied(_("This inspection belongs to another office."))
        if not actor.has_perm(lifecycle.PERM_WORK):
            raise PermissionDenied(_("Your role may not take this action."))
        if inspection.is_final:
            raise ValidationError(_("The inspection has ended."))
        entry = CustodyEntry.objects.create(
            sample=sample,
            action=action,
            holder=holder,
            at=timezone.now(),
            note=note,
            recorded_by=actor,
        )
        event_write(
            owner=inspection,
            action="custody",
            actor=actor,
            note=note,
            data={"sample": sample.sample_id, "custody": action, "holder": holder},
        )
    return entry
