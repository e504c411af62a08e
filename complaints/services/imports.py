"""Import of historical work orders (docs/import-format.md).

`import_record_parse` turns one raw row (a JSON object or a CSV row) into an
ImportRecord or raises a ValidationError with field messages; `case_import`
writes one record: the case in its historical status, an "imported" audit
event, the clocks still running for an open status, and the search outbox
entry, all in one transaction. The work-order number makes it idempotent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from complaints import lifecycle
from complaints.clocks import WorkCalendar, clocks_on_intake, clocks_on_transition
from complaints.models import FINAL_STATES, Case, CaseKind, Channel, GroundKind, Status
from complaints.services.intake import new_tracking_code, rule_set_for
from core.events import event_write
from core.models import Ground, Office, ProblemType, ProductCategory, Region, RuleSet
from core.routing import NoRoute, competent_office
from core.validators import (
    brand_key,
    normalize_mainland_phone,
    seller_key,
    validate_credit_code,
    validate_id_number,
)

S = Status
COMPLAINT_STATUSES = frozenset(
    {
        S.REGISTERED,
        S.MATERIALS_REQUESTED,
        S.ACCEPTED,
        S.NOT_ACCEPTED,
        S.TRANSFERRED,
        S.RETURNED,
        S.MEDIATING,
        S.INSPECTION_PENDING,
        S.AGREEMENT_REACHED,
        S.MEDIATION_TERMINATED,
        S.FULFILMENT,
        S.FOLLOW_UP,
        S.CLOSED,
        S.WITHDRAWN,
    }
)
REPORT_STATUSES = frozenset(
    {
        S.REGISTERED,
        S.RETURNED,
        S.VERIFYING,
        S.CASE_OPENED,
        S.NOT_OPENED,
        S.INVESTIGATING,
        S.DECIDED,
        S.MERGED,
    }
)
#: The reason-code list a status's `status_reason` must come from.
STATUS_GROUND_KIND: dict[str, str] = {
    S.NOT_ACCEPTED: GroundKind.NOT_ACCEPTED,
    S.MEDIATION_TERMINATED: GroundKind.MEDIATION_TERMINATED,
    S.TRANSFERRED: GroundKind.TRANSFER,
    S.RETURNED: GroundKind.RETURN,
    S.NOT_OPENED: GroundKind.REPORT_NOT_OPENED,
}

PAYERS = ("seller", "producer", "insurer", "other")
TEXT_LIMITS: dict[str, int] = {
    "complainant_name": 60,
    "complainant_address": 200,
    "business_name": 200,
    "business_address": 200,
    "online_platform": 60,
    "shop_id": 60,
    "brand": 100,
    "product_model": 100,
    "batch": 60,
    "purchase_channel": 60,
    "description": 10_000,
    "demands": 10_000,
    "status_reason": 60,
    "note": 2000,
}


@dataclass
class ImportRecord:
    work_order_no: str
    kind: str
    channel: str
    received_at: dt.datetime
    status: str
    status_changed_on: dt.date
    rule_set: RuleSet
    office: Office
    region: Region
    category: ProductCategory
    problem_type: ProblemType
    business_name: str
    description: str
    accepted_on: dt.date | None = None
    case_opened_on: dt.date | None = None
    status_reason: str = ""
    anonymous: bool = False
    complainant_name: str = ""
    complainant_phone: str = ""
    complainant_id_number: str = ""
    complainant_address: str = ""
    consent_to_publication: bool = False
    business_credit_code: str = ""
    business_address: str = ""
    online_platform: str = ""
    shop_id: str = ""
    brand: str = ""
    product_model: str = ""
    batch: str = ""
    purchase_date: dt.date | None = None
    price: Decimal | None = None
    quantity: int = 1
    purchase_channel: str = ""
    demands: str = ""
    compensation_amount: Decimal | None = None
    compensation_payer: str = ""
    satisfaction: int | None = None
    note: str = ""

    @property
    def received_on(self) -> dt.date:
        return timezone.localdate(self.received_at)


class _Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, name: str, message: Any) -> None:
        self.by_field.setdefault(name, []).append(str(message))

    def check(self, name: str, func: Callable[[Any], Any], value: Any) -> Any:
        try:
            return func(value)
        except ValidationError as exc:
            for message in exc.messages:
                self.add(name, message)
            return None


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _bool(raw: Mapping[str, Any], name: str, errors: _Errors) -> bool:
    value = raw.get(name)
    if value in (None, ""):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y", "是"}:
        return True
    if text in {"0", "false", "no", "n", "否"}:
        return False
    errors.add(name, _("Enter true or false."))
    return False


def _date(raw: Mapping[str, Any], name: str, errors: _Errors) -> dt.date | None:
    text = _text(raw, name)
    if not text:
        return None
    try:
        value = parse_date(text)
    except ValueError:
        value = None
    if value is None:
        errors.add(name, _("Enter a date as YYYY-MM-DD."))
    return value


def _datetime(raw: Mapping[str, Any], name: str, errors: _Errors) -> dt.datetime | None:
    text = _text(raw, name)
    if not text:
        errors.add(name, _("This field is required."))
        return None
    try:
        value = parse_datetime(text)
        if value is None:
            day = parse_date(text)
            value = dt.datetime.combine(day, dt.time(9, 0)) if day else None
    except ValueError:
        value = None
    if value is None:
        errors.add(name, _("Enter a date and time as YYYY-MM-DDTHH:MM (local time)."))
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _decimal(raw: Mapping[str, Any], name: str, errors: _Errors) -> Decimal | None:
    text = _text(raw, name)
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add(name, _("Enter an amount in yuan (0 or more)."))
        return None
    return value.quantize(Decimal("0.01"))


def _ref(model: Any, raw: Mapping[str, Any], name: str, errors: _Errors, **extra: Any) -> Any:
    code = _text(raw, name)
    if not code:
        errors.add(name, _("This field is required."))
        return None
    found = model.objects.filter(code=code, **extra).first()
    if found is None:
        errors.add(name, _("Unknown code “%(code)s”.") % {"code": code})
    return found


def import_record_parse(raw: Mapping[str, Any]) -> ImportRecord:
    """Validates one row; every field message at once in a ValidationError."""
    errors = _Errors()
    today = timezone.localdate()

    order_no = _text(raw, "work_order_no")
    if not order_no:
        errors.add("work_order_no", _("This field is required."))
    elif len(order_no) > 40:
        errors.add("work_order_no", _("The work-order number is too long."))
    kind = _text(raw, "kind") or CaseKind.COMPLAINT
    if kind not in CaseKind.values:
        errors.add("kind", _("Enter complaint or report."))
    channel = _text(raw, "channel") or Channel.HOTLINE_12345
    if channel not in Channel.values:
        errors.add("channel", _("Unknown channel “%(code)s”.") % {"code": channel})

    received_at = _datetime(raw, "received_at", errors)
    if received_at is not None and received_at > timezone.now():
        errors.add("received_at", _("The receipt time cannot be in the future."))
    received_on = timezone.localdate(received_at) if received_at else None
    rule_set = rule_set_for(received_on) if received_on else None
    if received_on is not None and rule_set is None:
        errors.add("received_at", _("No rule set was in force on the receipt date."))

    status = _text(raw, "status")
    allowed = COMPLAINT_STATUSES if kind == CaseKind.COMPLAINT else REPORT_STATUSES
    if status not in allowed:
        errors.add(
            "status",
            _("“%(status)s” is not a status of a %(kind)s.") % {"status": status, "kind": kind},
        )
    changed_on = _date(raw, "status_changed_on", errors) or received_on
    accepted_on = _date(raw, "accepted_on", errors)
    opened_on = _date(raw, "case_opened_on", errors)
    for name, day in (
        ("status_changed_on", changed_on),
        ("accepted_on", accepted_on),
        ("case_opened_on", opened_on),
    ):
        if day is None or received_on is None:
            continue
        if day < received_on:
            errors.add(name, _("This date lies before the receipt."))
        if day > today:
            errors.add(name, _("This date lies in the future."))
    if accepted_on and changed_on and accepted_on > changed_on:
        errors.add("accepted_on", _("The acceptance cannot come after the current status."))
    if opened_on and changed_on and opened_on > changed_on:
        errors.add("case_opened_on", _("The case opening cannot come after the current status."))

    texts = {name: _text(raw, name) for name in TEXT_LIMITS}
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            errors.add(name, _("Keep this under %(n)d characters.") % {"n": limit})
    if not texts["business_name"]:
        errors.add("business_name", _("Enter the business's name."))
    if not texts["description"]:
        errors.add("description", _("Describe the problem."))

    anonymous = _bool(raw, "anonymous", errors)
    if anonymous and kind != CaseKind.REPORT:
        errors.add("anonymous", _("A complaint cannot be anonymous; only a report can."))
    if not anonymous and not texts["complainant_name"]:
        errors.add("complainant_name", _("Enter the complainant's name."))
    phone_raw = _text(raw, "complainant_phone")
    phone = ""
    if phone_raw or not anonymous:
        phone = errors.check("complainant_phone", normalize_mainland_phone, phone_raw) or ""
    id_number = _text(raw, "complainant_id_number").upper()
    if id_number:
        errors.check("complainant_id_number", validate_id_number, id_number)
    credit = _text(raw, "business_credit_code").upper()
    if credit:
        errors.check("business_credit_code", validate_credit_code, credit)

    region = _ref(Region, raw, "region", errors)
    category = _ref(ProductCategory, raw, "category", errors)
    problem = _ref(ProblemType, raw, "problem_type", errors)
    office: Office | None = None
    office_code = _text(raw, "office")
    if office_code:
        office = Office.objects.filter(code=office_code).first()
        if office is None:
            errors.add("office", _("Unknown code “%(code)s”.") % {"code": office_code})
    elif region is not None and category is not None:
        try:
            office = competent_office(category=category, region=region)
        except NoRoute:
            errors.add("office", _("No office handles this category in this region."))

    reason = texts["status_reason"]
    ground_kind = STATUS_GROUND_KIND.get(status)
    if reason and rule_set is not None:
        if ground_kind is None:
            errors.add("status_reason", _("This status takes no reason code."))
        elif not Ground.objects.filter(rule_set=rule_set, kind=ground_kind, code=reason).exists():
            errors.add(
                "status_reason", _("This reason code is not a ground of the case's rule set.")
            )

    purchase_date = _date(raw, "purchase_date", errors)
    if purchase_date and received_on and purchase_date > received_on:
        errors.add("purchase_date", _("The purchase date cannot be after the receipt."))
    price = _decimal(raw, "price", errors)
    amount = _decimal(raw, "compensation_amount", errors)
    payer = _text(raw, "compensation_payer")
    if payer and payer not in PAYERS:
        errors.add("compensation_payer", _("Enter seller, producer, insurer or other."))
    quantity = 1
    if _text(raw, "quantity"):
        try:
            quantity = int(_text(raw, "quantity"))
        except ValueError:
            quantity = 0
        if not 1 <= quantity <= 1_000_000:
            errors.add("quantity", _("Enter a quantity of at least 1."))
    satisfaction: int | None = None
    if _text(raw, "satisfaction"):
        text = _text(raw, "satisfaction")
        satisfaction = int(text) if text.isdigit() else 0
        if not 1 <= satisfaction <= 5:
            errors.add("satisfaction", _("Satisfaction is a number from 1 to 5."))
    consent = _bool(raw, "consent_to_publication", errors)
    unknown = sorted(set(raw) - KNOWN_COLUMNS)
    if unknown:
        errors.add("__all__", _("Unknown columns: %(names)s") % {"names": ", ".join(unknown)})

    if errors.by_field:
        raise ValidationError(errors.by_field)
    assert received_at is not None and changed_on is not None and rule_set is not None
    assert office is not None and region is not None and category is not None
    assert problem is not None
    return ImportRecord(
        work_order_no=order_no,
        kind=kind,
        channel=channel,
        received_at=received_at,
        status=status,
        status_changed_on=changed_on,
        accepted_on=accepted_on,
        case_opened_on=opened_on,
        rule_set=rule_set,
        office=office,
        region=region,
        category=category,
        problem_type=problem,
        anonymous=anonymous,
        complainant_phone=phone,
        complainant_id_number=id_number,
        business_credit_code=credit,
        consent_to_publication=consent,
        purchase_date=purchase_date,
        price=price,
        quantity=quantity,
        compensation_amount=amount,
        compensation_payer=payer,
        satisfaction=satisfaction,
        **texts,
    )


KNOWN_COLUMNS = frozenset(
    {
        "work_order_no",
        "kind",
        "channel",
        "received_at",
        "status",
        "status_changed_on",
        "accepted_on",
        "case_opened_on",
        "office",
        "region",
        "category",
        "problem_type",
        "anonymous",
        "complainant_phone",
        "complainant_id_number",
        "business_credit_code",
        "consent_to_publication",
        "purchase_date",
        "price",
        "quantity",
        "compensation_amount",
        "compensation_payer",
        "satisfaction",
        *TEXT_LIMITS,
    }
)


def replay_steps(record: ImportRecord) -> list[tuple[str, dt.date]]:
    """The transitions that led from registration to the record's open
    status, from the lifecycle declaration, each dated by the record date it
    declares (acceptance, case opening…) or else by the status date; the
    import replays their clock effects so that the clocks still running are
    exactly those the live state machine would have left running."""
    if record.status in FINAL_STATES:
        return []
    path = lifecycle.path_to(record.kind, record.status) or ()
    steps = []
    for spec in path:
        day = getattr(record, spec.replay_on, None) if spec.replay_on else None
        steps.append((spec.name, day or record.status_changed_on))
    return steps


def case_import(*, record: ImportRecord, actor: Any) -> Case | None:
    """Creates the case of one historical work order; None when a case with
    this work-order number exists already (a re-run imports nothing twice)."""
    if Case.objects.filter(work_order_no=record.work_order_no).exists():
        return None
    final = record.status in FINAL_STATES
    changed_at = timezone.make_aware(dt.datetime.combine(record.status_changed_on, dt.time(12)))
    try:
        with transaction.atomic():
            case = Case.objects.create(
                kind=record.kind,
                tracking_code=new_tracking_code(record.kind),
                status=record.status,
                status_reason=record.status_reason,
                channel=record.channel,
                work_order_no=record.work_order_no,
                received_at=record.received_at,
                rule_set=record.rule_set,
                office=record.office,
                registered_by=actor if getattr(actor, "is_authenticated", False) else None,
                anonymous=record.anonymous,
                complainant_name=record.complainant_name,
                complainant_phone=record.complainant_phone,
                complainant_id_number=record.complainant_id_number,
                complainant_address=record.complainant_address,
                consent_to_publication=record.consent_to_publication,
                business_name=record.business_name,
                business_credit_code=record.business_credit_code,
                business_address=record.business_address,
                region=record.region,
                online_platform=record.online_platform,
                shop_id=record.shop_id,
                seller_key=seller_key(
                    name=record.business_name,
                    credit_code=record.business_credit_code,
                    platform=record.online_platform,
                    shop_id=record.shop_id,
                ),
                category=record.category,
                brand=record.brand,
                brand_key=brand_key(record.brand),
                product_model=record.product_model,
                batch=record.batch,
                purchase_date=record.purchase_date,
                price=record.price,
                quantity=record.quantity,
                purchase_channel=record.purchase_channel,
                problem_type=record.problem_type,
                description=record.description,
                demands=record.demands,
                compensation_amount=record.compensation_amount,
                compensation_payer=record.compensation_payer,
                satisfaction=record.satisfaction,
                closed_at=changed_at if final else None,
            )
            steps = replay_steps(record)
            if not final:
                calendar = WorkCalendar.load()
                clocks_on_intake(case=case, on=record.received_on, calendar=calendar)
                for name, day in steps:
                    clocks_on_transition(case=case, action=name, on=day, calendar=calendar)
            event_write(
                owner=case,
                action="imported",
                actor=actor,
                created=True,
                from_status="",
                to_status=case.status,
                reason_code=record.status_reason,
                note=record.note,
                data={
                    "work_order_no": record.work_order_no,
                    "received_at": record.received_at,
                    "status_changed_on": record.status_changed_on,
                    "replayed": [[name, day] for name, day in steps],
                },
            )
    except IntegrityError:
        # Another import of the same file got there first.
        if Case.objects.filter(work_order_no=record.work_order_no).exists():
            return None
        raise
    return case
