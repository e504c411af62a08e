"""The supervisor registry: application, appointment with a numbered
two-year term, renewal, suspension, dismissal, training, and the term's end."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.events import event_write
from core.models import Office, ProductCategory, Region
from core.roles import Role
from core.validators import normalize_mainland_phone, validate_id_number
from supervisors.lifecycle import SUPERVISOR_BY_NAME, SupervisorStatus
from supervisors.models import Supervisor, TrainingRecord
from supervisors.models.supervisors import TERM_YEARS
from supervisors.services.common import check_version, clean_reason, require_office

#: The supervisor and the office are reminded this many days before a term ends.
REMINDER_DAYS = 30


@dataclass
class ApplicationData:
    name: str
    phone: str
    id_number: str
    office: int | str
    region: str
    categories: list[str] = field(default_factory=list)
    occupation: str = ""


def term_end(start: dt.date) -> dt.date:
    """The last day of a term starting on `start`."""
    try:
        end = start.replace(year=start.year + TERM_YEARS)
    except ValueError:  # 29 February
        end = start.replace(year=start.year + TERM_YEARS, day=28)
    return end - dt.timedelta(days=1)


def _clean_application(data: ApplicationData) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    out: dict[str, Any] = {}
    name = (data.name or "").strip()
    if not name or len(name) > 60:
        errors["name"] = _("Enter your name (at most 60 characters).")
    out["name"] = name
    try:
        out["phone"] = normalize_mainland_phone(data.phone or "")
    except ValidationError as exc:
        errors["phone"] = exc.messages
    id_number = (data.id_number or "").strip().upper()
    try:
        validate_id_number(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    out["id_number"] = id_number
    raw_office = str(data.office)[:60]
    office = (
        Office.objects.filter(pk=int(raw_office)).first() if raw_office.isdigit() else None
    ) or Office.objects.filter(code=raw_office).first()
    if office is None:
        errors["office"] = _("Choose the office you apply to.")
    out["office"] = office
    region = Region.objects.filter(code=str(data.region)[:6]).first()
    if region is None:
        errors["region"] = _("Choose the region you will watch.")
    out["region"] = region
    codes = [str(c)[:60] for c in data.categories][:20]
    categories = list(ProductCategory.objects.filter(code__in=codes))
    if not categories or len(categories) != len(set(codes)):
        errors["categories"] = _("Choose the product categories you will watch.")
    out["categories"] = categories
    out["occupation"] = (data.occupation or "").strip()[:100]
    if errors:
        raise ValidationError(errors)
    return out


def supervisor_apply(*, data: ApplicationData, actor: Any) -> Supervisor:
    """A signed-in person applies to an office to become a supervisor."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to apply."))
    clean = _clean_application(data)
    categories = clean.pop("categories")
    with transaction.atomic():
        existing = Supervisor.objects.select_for_update().filter(user=actor).first()
        if existing is not None:
            raise ValidationError({"user": _("You have already applied.")})
        supervisor = Supervisor.objects.create(user=actor, **clean)
        supervisor.categories.set(categories)
        event_write(
            owner=supervisor,
            action="applied",
            actor=actor,
            created=True,
            to_status=supervisor.status,
            data={"office": supervisor.office_id, "region": supervisor.region_id},
        )
    return supervisor


def _number(supervisor: Supervisor, day: dt.date) -> str:
    return f"JD{supervisor.region_id[:4]}-{day.year}-{supervisor.pk:05d}"


def supervisor_transition(
    *,
    supervisor_id: int,
    action: str,
    actor: Any,
    reason: str = "",
    version: int | None = None,
    today: dt.date | None = None,
) -> Supervisor:
    step = SUPERVISOR_BY_NAME.get(action)
    if step is None or not step.permission:
        raise ValidationError({"action": _("Unknown action.")})
    reason = clean_reason(reason, needed=step.needs_reason)
    today = today or timezone.localdate()
    with transaction.atomic():
        supervisor = Supervisor.objects.select_for_update().get(pk=supervisor_id)
        require_office(actor, supervisor.office_id, step.permission)
        check_version(supervisor.version, version)
        if supervisor.status not in step.source:
            raise ValidationError({"action": _("This step is not possible now.")})
        before = supervisor.status
        fields = ["status", "status_reason"]
        method = getattr(supervisor, action)
        if step.needs_reason:
            method(reason=reason)
        else:
            method()
        if action == "appoint":
            supervisor.number = _number(supervisor, today)
            supervisor.appointed_on = today
            supervisor.term_ends_on = term_end(today)
            fields += ["number", "appointed_on", "term_ends_on"]
        elif action == "renew":
            start = max(today, (supervisor.term_ends_on or today) + dt.timedelta(days=1))
            supervisor.term_ends_on = term_end(start)
            fields.append("term_ends_on")
        event_write(
            owner=supervisor,
            action=action,
            actor=actor,
            fields=fields,
            from_status=before,
            to_status=supervisor.status,
            note=reason,
            data={"term_ends_on": supervisor.term_ends_on},
        )
        _sync_role(supervisor)
    return supervisor


def _sync_role(supervisor: Supervisor) -> None:
    """Only an appointed supervisor holds the role that files reports."""
    group, _created = Group.objects.get_or_create(name=Role.SUPERVISOR.value)
    if supervisor.status == SupervisorStatus.APPOINTED:
        supervisor.user.groups.add(group)
    else:
        supervisor.user.groups.remove(group)


def supervisor_training_add(
    *, supervisor_id: int, title: str, held_on: Any, hours: Any, actor: Any
) -> TrainingRecord:
    errors: dict[str, Any] = {}
    title = (title or "").strip()
    if not title or len(title) > 200:
        errors["title"] = _("Enter the course (at most 200 characters).")
    if not isinstance(held_on, dt.date):
        try:
            held_on = dt.date.fromisoformat(str(held_on))
        except ValueError:
            errors["held_on"] = _("Enter the date as YYYY-MM-DD.")
    try:
        hours_value = Decimal(str(hours))
        if not hours_value.is_finite() or not Decimal("0") < hours_value < Decimal("1000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["hours"] = _("Enter the hours (more than 0).")
        hours_value = Decimal(0)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        supervisor = Supervisor.objects.select_for_update().get(pk=supervisor_id)
        require_office(actor, supervisor.office_id, SUPERVISOR_BY_NAME["appoint"].permission)
        record = TrainingRecord.objects.create(
            supervisor=supervisor,
            title=title,
            held_on=held_on,
            hours=hours_value.quantize(Decimal("0.1")),
            recorded_by=actor,
        )
        event_write(
            owner=supervisor,
            action="training_recorded",
            actor=actor,
            data={"training": record.pk, "title": title, "held_on": held_on},
        )
    return record


def supervisor_terms_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """The beat job: ends every term past its last day and reminds the
    supervisor (and the office head) once, REMINDER_DAYS before the end."""
    today = today or timezone.localdate()
    expired = reminded = 0
    due = Supervisor.objects.filter(status=SupervisorStatus.APPOINTED, term_ends_on__lt=today)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            supervisor = Supervisor.objects.select_for_update().get(pk=pk)
            if supervisor.status != SupervisorStatus.APPOINTED or not (
                supervisor.term_ends_on and supervisor.term_ends_on < today
            ):
                continue
            supervisor.expire()
            event_write(
                owner=supervisor,
                action="expire",
                fields=["status"],
                from_status=SupervisorStatus.APPOINTED,
                to_status=supervisor.status,
                data={"term_ends_on": supervisor.term_ends_on},
            )
            _sync_role(supervisor)
            expired += 1
    soon = Supervisor.objects.filter(
        status=SupervisorStatus.APPOINTED,
        term_ends_on__gte=today,
        term_ends_on__lte=today + dt.timedelta(days=REMINDER_DAYS),
    ).exclude(reminded_for=F("term_ends_on"))
    for pk in soon.values_list("pk", flat=True):
        with transaction.atomic():
            supervisor = (
                Supervisor.objects.select_for_update(of=("self",))
                .select_related("user", "office__head")
                .get(pk=pk)
            )
            if supervisor.reminded_for == supervisor.term_ends_on:
                continue
            supervisor.reminded_for = supervisor.term_ends_on
            event_write(
                owner=supervisor,
                action="term_reminder",
                fields=["reminded_for"],
                data={"term_ends_on": supervisor.term_ends_on},
            )
            recipients = [
                u.email for u in (supervisor.user, supervisor.office.head) if u and u.email
            ]
            if recipients:
                subject = _("Your supervisor term ends on %(day)s") % {
                    "day": supervisor.term_ends_on
                }
                body = _(
                    "The term of quality supervisor %(number)s ends on %(day)s. "
                    "Ask the office to renew it to keep filing reports."
                ) % {"number": supervisor.number, "day": supervisor.term_ends_on}
                transaction.on_commit(
                    partial(send_mail, subject, body, None, recipients, fail_silently=True)
                )
            reminded += 1
    return {"expired": expired, "reminded": reminded}
