"""A supervisor's reports: filing with photos, the review, and what a
verified report becomes (a report case, or a link to an existing case) with
the points it earns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Case, Channel
from complaints.selectors import cases_visible_to
from complaints.services import IntakeData, intake_create
from core.events import event_write
from core.models import ProductCategory, Region
from core.validators import validate_credit_code
from supervisors.lifecycle import PERM_FILE_REPORT, REPORT_BY_NAME, SupervisorStatus
from supervisors.models import (
    PointsEntry,
    PointsRule,
    ReportPhoto,
    Supervisor,
    SupervisorReport,
)
from supervisors.models.reports import Finding
from supervisors.photos import CleanPhoto, photos_clean
from supervisors.services.common import check_version, clean_reason, require_office

#: What was seen -> the problem type of the case it becomes (reference data).
FINDING_PROBLEM_TYPE = {
    Finding.FAKE_BRAND: "fake-brand",
    Finding.SUBSTANDARD: "substandard",
    Finding.NO_LABEL: "no-label",
    Finding.EXPIRED: "expired-spoiled",
    Finding.UNSAFE: "safety-hazard",
}
TEXT_LIMITS = {
    "brand": 100,
    "product_model": 100,
    "seller_name": 200,
    "seller_address": 300,
    "online_shop": 300,
    "description": 2000,
}


@dataclass
class ReportData:
    finding: str
    category: str
    seller_name: str
    seller_region: str
    observed_at: dt.datetime | str | None
    brand: str = ""
    product_model: str = ""
    seller_credit_code: str = ""
    seller_address: str = ""
    online_shop: str = ""
    description: str = ""
    latitude: Any = None
    longitude: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def filing_supervisor(actor: Any, *, today: dt.date | None = None) -> Supervisor:
    """The actor's supervisor record, if it may file today: appointed, and
    within its term (the beat job may not have run yet on the last day)."""
    supervisor = getattr(actor, "supervisor", None) if actor.is_authenticated else None
    if supervisor is None or not actor.has_perm(PERM_FILE_REPORT):
        raise PermissionDenied(_("Only an appointed quality supervisor may file reports."))
    today = today or timezone.localdate()
    if supervisor.status != SupervisorStatus.APPOINTED or (
        supervisor.term_ends_on is None or supervisor.term_ends_on < today
    ):
        raise PermissionDenied(
            _("Your term as a quality supervisor has ended; ask your office to renew it.")
        )
    return supervisor


def _coordinate(raw: Any, limit: int) -> Decimal | None:
    if raw in (None, ""):
        return None
    value = Decimal(str(raw))
    if not value.is_finite() or abs(value) > limit:
        raise InvalidOperation
    return value.quantize(Decimal("0.000001"))


def _clean(data: ReportData) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    out: dict[str, Any] = {}
    if data.finding not in Finding.values:
        errors["finding"] = _("Choose what you saw.")
    out["finding"] = data.finding
    for name, limit in TEXT_LIMITS.items():
        text = str(getattr(data, name) or "").strip()
        if len(text) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}
        out[name] = text
    if not out["seller_name"]:
        errors["seller_name"] = _("Enter the seller's name or shop.")
    code = (data.seller_credit_code or "").strip().upper()
    if code:
        try:
            validate_credit_code(code)
        except ValidationError as exc:
            errors["seller_credit_code"] = exc.messages
    out["seller_credit_code"] = code
    out["category"] = ProductCategory.objects.filter(code=str(data.category)[:60]).first()
    if out["category"] is None:
        errors["category"] = _("Choose the product category.")
    out["seller_region"] = Region.objects.filter(code=str(data.seller_region)[:6]).first()
    if out["seller_region"] is None:
        errors["seller_region"] = _("Choose the seller's region.")
    observed = data.observed_at
    if isinstance(observed, str):
        try:
            observed = dt.datetime.fromisoformat(observed)
        except ValueError:
            observed = None
            errors["observed_at"] = _("Enter when you saw it.")
    if observed is None and "observed_at" not in errors:
        errors["observed_at"] = _("Enter when you saw it.")
    if isinstance(observed, dt.datetime):
        if timezone.is_naive(observed):
            observed = timezone.make_aware(observed)
        if observed > timezone.now() + dt.timedelta(minutes=10):
            errors["observed_at"] = _("The time seen cannot be in the future.")
    out["observed_at"] = observed
    for name, limit in (("latitude", 90), ("longitude", 180)):
        try:
            out[name] = _coordinate(getattr(data, name), limit)
        except (InvalidOperation, ValueError):
            errors[name] = _("Not a valid location.")
    if (out.get("latitude") is None) != (out.get("longitude") is None) and not errors.keys() & {
        "latitude",
        "longitude",
    }:
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    if errors:
        raise ValidationError(errors)
    return out


def _store_photos(report: SupervisorReport, photos: list[CleanPhoto], written: list[str]) -> None:
    for photo in photos:
        row = ReportPhoto(
            report=report,
            width=photo.width,
            height=photo.height,
            size=photo.content.size,
            exif_latitude=photo.latitude,
            exif_longitude=photo.longitude,
        )
        row.file.save(photo.name, photo.content, save=False)
        written.append(str(row.file.name))
        row.save()


def _discard(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        default_storage.delete(name)


def report_file(
    *, data: ReportData, photos: list[UploadedFile] | None = None, actor: Any
) -> SupervisorReport:
    supervisor = filing_supervisor(actor)
    clean = _clean(data)
    cleaned_photos = photos_clean(list(photos or []))
    if clean["latitude"] is None:
        # No location from the browser: the first photo that carries one.
        located = next((p for p in cleaned_photos if p.latitude is not None), None)
        if located is not None:
            clean["latitude"], clean["longitude"] = located.latitude, located.longitude
    written: list[str] = []
    try:
        with transaction.atomic():
            Supervisor.objects.select_for_update().get(pk=supervisor.pk)
            report = SupervisorReport.objects.create(
                supervisor=supervisor, office_id=supervisor.office_id, **clean
            )
            _store_photos(report, cleaned_photos, written)
            event_write(
                owner=report,
                action="submitted",
                actor=actor,
                created=True,
                to_status=report.status,
                data={"photos": len(cleaned_photos), "finding": report.finding},
            )
    except BaseException:
        _discard(written)
        raise
    return report


def _case_for(report: SupervisorReport, actor: Any) -> Case:
    """The report case a verified report becomes (处理办法第九条: a report,
    filed through the supervisor channel, with its own verification clock)."""
    supervisor = report.supervisor
    lines = [
        _("Quality supervisor %(number)s reports: %(finding)s.")
        % {"number": supervisor.number, "finding": report.get_finding_display()},
        report.description,
        report.online_shop,
    ]
    data = IntakeData(
        kind="report",
        channel=Channel.SUPERVISOR,
        description="\n".join(line for line in lines if line)[:2000],
        business_name=report.seller_name,
        region=report.seller_region_id,
        category=report.category.code,
        problem_type=FINDING_PROBLEM_TYPE[Finding(report.finding)],
        received_at=report.submitted_at,
        complainant_name=supervisor.name,
        complainant_phone=supervisor.phone,
        business_credit_code=report.seller_credit_code,
        business_address=report.seller_address,
        brand=report.brand,
        product_model=report.product_model,
    )
    result = intake_create(data=data, actor=actor)
    assert result.report is not None
    return result.report


def _award(report: SupervisorReport, codes: list[str]) -> int:
    total = 0
    for rule in PointsRule.objects.filter(code__in=codes, active=True):
        entry, created = PointsEntry.objects.get_or_create(
            report=report,
            rule=rule,
            defaults={"supervisor_id": report.supervisor_id, "points": rule.points},
        )
        if created:
            total += entry.points
    return total


def report_transition(
    *,
    report_id: int,
    action: str,
    actor: Any,
    reason: str = "",
    version: int | None = None,
    link_case: int | None = None,
    description: str = "",
    photos: list[UploadedFile] | None = None,
) -> SupervisorReport:
    """One review step. `verify` opens a report case, or with `link_case`
    links the report to that existing case; `supplement` is the
    supervisor's answer to a question, with more text or photos."""
    step = REPORT_BY_NAME.get(action)
    if step is None:
        raise ValidationError({"action": _("Unknown action.")})
    reason = clean_reason(reason, needed=step.needs_reason)
    cleaned_photos = photos_clean(list(photos or [])) if action == "supplement" else []
    written: list[str] = []
    try:
        with transaction.atomic():
            report = (
                SupervisorReport.objects.select_for_update(of=("self",))
                .select_related("supervisor", "category")
                .get(pk=report_id)
            )
            if action == "supplement":
                supervisor = filing_supervisor(actor)
                if report.supervisor_id != supervisor.pk:
                    raise SupervisorReport.DoesNotExist
            else:
                require_office(actor, report.office_id, step.permission)
            check_version(report.version, version)
            if report.status not in step.source:
                raise ValidationError({"action": _("This step is not possible now.")})
            before = report.status
            fields = ["status", "status_reason"]
            data: dict[str, Any] = {}
            if action == "start_review":
                report.start_review(reviewer=actor)
                fields.append("reviewer")
            elif step.needs_reason:
                getattr(report, action)(reason=reason)
            elif action == "supplement":
                report.supplement()
                text = (description or "").strip()
                if text:
                    report.description = f"{report.description}\n{text}".strip()[:2000]
                    fields.append("description")
                _store_photos(report, cleaned_photos, written)
                data["photos"] = len(cleaned_photos)
            else:
                report.verify()
                codes = ["report_verified"]
                if link_case is not None:
                    case = cases_visible_to(user=actor).filter(pk=link_case).first()
                    if case is None:
                        raise ValidationError(
                            {"link_case": _("That case does not exist or is not visible to you.")}
                        )
                    data["linked_case"] = case.pk
                else:
                    case = _case_for(report, actor)
                    data["new_case"] = case.pk
                    codes.append("new_case")
                report.case = case
                fields.append("case")
                data["points"] = _award(report, codes)
            event_write(
                owner=report,
                action=action,
                actor=actor,
                fields=fields,
                from_status=before,
                to_status=report.status,
                note=reason,
                data=data,
            )
    except BaseException:
        _discard(written)
        raise
    return report
