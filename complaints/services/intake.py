"""Intake: one call or filing becomes a complaint, a report, or a linked pair
(RULES.md §2; Order 121 art. 9), each routed, pinned to its rule set, with its
own clocks, audit event and search outbox entry."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import (
    Case,
    CaseEvent,
    CaseKind,
    Channel,
    ProblemType,
    ProductCategory,
    Region,
    RuleSet,
)
from complaints.routing import NoRoute, competent_office
from complaints.selectors import cases_visible_to, duplicate_candidates, parse_id
from complaints.services.evidence import CheckedFile, evidence_check, evidence_store
from complaints.validators import (
    brand_key,
    normalize_mainland_phone,
    seller_key,
    validate_credit_code,
    validate_id_number,
)
from search.services import search_outbox_enqueue

KINDS = ("complaint", "report", "both")
# Crockford-style alphabet: no I, L, O or U, so codes read back over the phone.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PERM_REGISTER = "complaints.register_case"


@dataclass
class IntakeData:
    kind: str
    channel: str
    description: str
    business_name: str
    region: str
    category: str
    problem_type: str
    work_order_no: str = ""
    received_at: dt.datetime | None = None
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
    price: Decimal | str | None = None
    quantity: int = 1
    purchase_channel: str = ""
    demands: str = ""
    # Existing cases the operator marks as related (duplicate warnings).
    related_to: Sequence[int] = ()


@dataclass
class IntakeResult:
    complaint: Case | None
    report: Case | None
    cases: list[Case]
    duplicates: list[Case] = field(default_factory=list)


def new_tracking_code(kind: str) -> str:
    """C-XXXX-XXXX-XXXX: 60 random bits, unguessable yet easy to read back."""
    prefix = "C" if kind == CaseKind.COMPLAINT else "R"
    while True:
        body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
        code = f"{prefix}-{body[:4]}-{body[4:8]}-{body[8:]}"
        if not Case.objects.filter(tracking_code=code).exists():
            return code


def rule_set_for(day: dt.date) -> RuleSet | None:
    """The rule set in force on a (local) date: the latest one in effect."""
    return RuleSet.objects.filter(effective_from__lte=day).order_by("-effective_from").first()


def _lookup(model: Any, value: Any, *, by: str = "code") -> Any:
    text = str(value or "").strip()
    if not text:
        return None
    found = model.objects.filter(**{by: text}).first()
    pk = parse_id(text)
    if found is None and pk is not None and by != "pk":
        found = model.objects.filter(pk=pk).first()
    return found


@dataclass
class _Clean:
    fields: dict[str, Any]
    kinds: list[str]
    received_at: dt.datetime
    rule_set: RuleSet
    related: list[Case]
    files: list[CheckedFile]


def _clean(data: IntakeData, evidence: Sequence[UploadedFile], actor: Any) -> _Clean:
    """Validates everything and collects every field message at once."""
    errors: dict[str, list[Any]] = {}

    def err(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(message)

    def check(name: str, func: Any, value: Any) -> Any:
        try:
            return func(value)
        except ValidationError as exc:
            for message in exc.messages:
                err(name, message)
            return None

    for attr, value in vars(data).items():
        if isinstance(value, str) and "\x00" in value:
            # PostgreSQL cannot store or compare text with NUL characters.
            err(attr, _("This value contains invalid characters."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    f: dict[str, Any] = {}
    if data.kind not in KINDS:
        err("kind", _("Choose complaint, report or both."))
    kinds = {"complaint": ["complaint"], "report": ["report"], "both": ["complaint", "report"]}.get(
        data.kind, []
    )
    if data.channel not in Channel.values:
        err("channel", _("Choose a valid channel."))
    f["channel"] = data.channel
    order_no = (data.work_order_no or "").strip()
    if data.channel == Channel.HOTLINE_12345 and not order_no:
        err("work_order_no", _("A 12345 transfer needs its work-order number."))
    if len(order_no) > 40:
        err("work_order_no", _("The work-order number is too long."))
    elif order_no and Case.objects.filter(work_order_no=order_no).exists():
        err("work_order_no", _("A case with this work-order number already exists."))
    f["work_order_no"] = order_no or None

    received_at = data.received_at or now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > now + dt.timedelta(minutes=5):
        err("received_at", _("The receipt time cannot be in the future."))
    rule_set = rule_set_for(timezone.localdate(received_at))
    if rule_set is None:
        err("received_at", _("No rule set was in force on the receipt date."))
    f["received_at"] = received_at

    anonymous = bool(data.anonymous)
    if anonymous and "complaint" in kinds:
        err("anonymous", _("A complaint cannot be anonymous; only a report can."))
    f["anonymous"] = anonymous
    name = (data.complainant_name or "").strip()
    if not anonymous and not name:
        err("complainant_name", _("Enter the complainant's name."))
    if len(name) > 60:
        err("complainant_name", _("The name is too long."))
    f["complainant_name"] = name
    phone = ""
    if data.complainant_phone or not anonymous:
        phone = check("complainant_phone", normalize_mainland_phone, data.complainant_phone) or ""
    f["complainant_phone"] = phone
    id_number = (data.complainant_id_number or "").strip().upper()
    if id_number:
        check("complainant_id_number", validate_id_number, id_number)
    f["complainant_id_number"] = id_number
    f["complainant_address"] = (data.complainant_address or "").strip()[:200]
    f["consent_to_publication"] = bool(data.consent_to_publication)

    business = (data.business_name or "").strip()
    if not business:
        err("business_name", _("Enter the business's name."))
    if len(business) > 200:
        err("business_name", _("The business name is too long."))
    f["business_name"] = business
    credit = (data.business_credit_code or "").strip().upper()
    if credit:
        check("business_credit_code", validate_credit_code, credit)
    f["business_credit_code"] = credit
    for attr, limit in (
        ("business_address", 200),
        ("online_platform", 60),
        ("shop_id", 60),
        ("brand", 100),
        ("product_model", 100),
        ("batch", 60),
        ("purchase_channel", 60),
    ):
        value = (getattr(data, attr) or "").strip()
        if len(value) > limit:
            err(attr, _("Keep this under %(n)d characters.") % {"n": limit})
        f[attr] = value
    f["seller_key"] = seller_key(
        name=business, credit_code=credit, platform=f["online_platform"], shop_id=f["shop_id"]
    )
    f["brand_key"] = brand_key(f["brand"])

    region = _lookup(Region, data.region, by="code")
    if region is None:
        err("region", _("Choose a region."))
    f["region"] = region
    category = _lookup(ProductCategory, data.category)
    if category is None:
        err("category", _("Choose a product category."))
    f["category"] = category
    problem = _lookup(ProblemType, data.problem_type)
    if problem is None:
        err("problem_type", _("Choose a problem type."))
    f["problem_type"] = problem

    if data.purchase_date and data.purchase_date > timezone.localdate(received_at):
        err("purchase_date", _("The purchase date cannot be after the receipt."))
    f["purchase_date"] = data.purchase_date
    price: Decimal | None = None
    if data.price not in (None, ""):
        try:
            price = Decimal(str(data.price))
            if not price.is_finite() or price < 0 or price >= Decimal("1e10"):
                raise InvalidOperation
            price = price.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            err("price", _("Enter the price paid in yuan (0 or more)."))
            price = None
    f["price"] = price
    try:
        quantity = int(data.quantity)
    except (TypeError, ValueError):
        quantity = 0
    if not 1 <= quantity <= 1_000_000:
        err("quantity", _("Enter a quantity of at least 1."))
    f["quantity"] = quantity

    description = (data.description or "").strip()
    if not description:
        err("description", _("Describe the problem."))
    elif len(description) > 10_000:
        err("description", _("Keep the description under 10000 characters."))
    f["description"] = description
    demands = (data.demands or "").strip()
    # A complaint asks for something (RULES.md §2: a claim and facts).
    if "complaint" in kinds and not demands:
        err("demands", _("A complaint needs the complainant's demands."))
    f["demands"] = demands[:10_000]

    related: list[Case] = []
    if data.related_to:
        visible = cases_visible_to(user=actor)
        ids = {parse_id(i) for i in data.related_to}
        related = list(visible.filter(pk__in=[i for i in ids if i is not None]))
        if len(related) != len(ids):
            err("related_to", _("Some related cases do not exist or are not visible to you."))

    files: list[CheckedFile] = []
    try:
        files = evidence_check(evidence)
    except ValidationError as exc:
        for message in exc.message_dict.get("evidence", exc.messages):
            err("evidence", message)

    if region is not None and category is not None:
        try:
            f["office"] = competent_office(category=category, region=region)
        except NoRoute:
            err("region", _("No office handles this category in this region."))
    if errors:
        raise ValidationError(errors)
    assert rule_set is not None
    return _Clean(f, kinds, received_at, rule_set, related, files)


def intake_create(
    *, data: IntakeData, evidence: Sequence[UploadedFile] = (), actor: Any
) -> IntakeResult:
    """Registers an intake. Staff need the register permission; anyone else
    files online as a consumer and owns the resulting cases."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to file a complaint."))
    is_staff_user = getattr(actor, "staff_profile", None) is not None
    consumer = None
    if not actor.has_perm(PERM_REGISTER):
        if is_staff_user:
            raise PermissionDenied(_("Your role may not register cases."))
        # Consumers file online, for themselves.
        data.channel = Channel.WEB
        data.work_order_no = ""
        data.received_at = None
        data.related_to = ()
        consumer = actor
    clean = _clean(data, evidence, actor)
    try:
        return _create(clean, actor=actor, consumer=consumer)
    except IntegrityError:
        # Two operators registering the same work order at once: the unique
        # constraint decides, the loser gets the same message as a late caller.
        if (
            clean.fields["work_order_no"]
            and Case.objects.filter(work_order_no=clean.fields["work_order_no"]).exists()
        ):
            raise ValidationError(
                {"work_order_no": _("A case with this work-order number already exists.")}
            ) from None
        raise


def _create(clean: _Clean, *, actor: Any, consumer: Any) -> IntakeResult:
    from complaints.clocks import clocks_on_intake

    receipt_day = timezone.localdate(clean.received_at)
    with transaction.atomic():
        duplicates = list(
            duplicate_candidates(
                phone=clean.fields["complainant_phone"],
                seller_key=clean.fields["seller_key"],
                category=clean.fields["category"],
                received_at=clean.received_at,
            ).filter(pk__in=cases_visible_to(user=actor).values("pk"))[:20]
        )
        cases: list[Case] = []
        for kind in clean.kinds:
            fields = dict(clean.fields)
            if kind == CaseKind.REPORT and len(clean.kinds) == 2:
                # The work order stays on the complaint; the report links to it.
                fields["work_order_no"] = None
            case = Case.objects.create(
                kind=kind,
                tracking_code=new_tracking_code(kind),
                rule_set=clean.rule_set,
                registered_by=actor if consumer is None else None,
                consumer=consumer,
                **fields,
            )
            cases.append(case)
        if len(cases) == 2:
            complaint, report = cases
            complaint.linked_case = report
            complaint.save(update_fields=["linked_case"])
            report.linked_case = complaint
            report.save(update_fields=["linked_case"])
        for case in cases:
            if clean.related:
                case.related_cases.add(*clean.related)
            CaseEvent.objects.create(
                case=case,
                actor=actor,
                action="registered",
                from_status="",
                to_status=case.status,
                rule_set=clean.rule_set.code,
                data={
                    "channel": case.channel,
                    "office": case.office_id,
                    "linked_case": case.linked_case_id,
                    "related_cases": [c.pk for c in clean.related],
                },
            )
            clocks_on_intake(case=case, on=receipt_day)
            search_outbox_enqueue(model="complaints.case", object_id=case.pk, version=case.version)
        if clean.files:
            evidence_store(cases=cases, files=clean.files, actor=actor)
    by_kind = {c.kind: c for c in cases}
    return IntakeResult(
        complaint=by_kind.get(CaseKind.COMPLAINT),
        report=by_kind.get(CaseKind.REPORT),
        cases=cases,
        duplicates=duplicates,
    )
