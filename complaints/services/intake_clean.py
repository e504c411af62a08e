"""The one cleaning step of intake data: the console form, the API, the
import of historical work orders and online filing all call `intake_clean`,
so a value is accepted or rejected the same way whichever way it came in.
Every field message comes at once, so that the operator fixes the whole form
in one go (a 400 with field messages).

Limits come from the Case model's fields (CASE_TEXT_LIMITS); forms and
serializers only declare their fields and may read the limits for hints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, Channel
from complaints.selectors import cases_visible_to, parse_id
from complaints.services.evidence import CheckedFile, evidence_check
from core.models import Office, ProblemType, ProductCategory, Region, RuleSet
from core.routing import NoRoute, competent_office
from core.validators import (
    brand_key,
    normalize_mainland_phone,
    seller_key,
    validate_credit_code,
    validate_id_number,
)

KINDS = ("complaint", "report", "both")


def _model_text_limits() -> Mapping[str, int]:
    fields = Case._meta.get_fields()
    return MappingProxyType(
        {
            f.name: int(f.max_length)
            for f in fields
            if isinstance(f, models.CharField | models.TextField) and f.max_length
        }
    )


#: The length limit of every text field of a case, read from the model.
CASE_TEXT_LIMITS = _model_text_limits()
#: Free text the intake keeps as typed (trimmed), checked against its limit.
#: Phone, ID number and credit code are not here: their validators decide.
INTAKE_TEXT_FIELDS = (
    "work_order_no",
    "complainant_name",
    "complainant_address",
    "business_name",
    "business_address",
    "online_platform",
    "shop_id",
    "brand",
    "product_model",
    "batch",
    "purchase_channel",
    "description",
    "demands",
)
#: Fields every intake needs whatever its kind (forms mark them as required).
INTAKE_REQUIRED = (
    "kind",
    "channel",
    "business_name",
    "region",
    "category",
    "problem_type",
    "description",
)
QUANTITY_MIN, QUANTITY_MAX = 1, 1_000_000
PRICE_MAX = Decimal("1e10")


def intake_text(value: Any) -> str:
    """Free text as the intake stores it: trimmed, line breaks as LF. A
    browser sends a textarea's line breaks as CRLF while its maxlength counts
    each as one character; counting them as one here keeps the two agreeing."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


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
    # Whole number; the import hands over the file's text as it is.
    quantity: int | str = 1
    purchase_channel: str = ""
    demands: str = ""
    # Existing cases the operator marks as related (duplicate warnings).
    related_to: Sequence[int] = ()


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
class CleanIntake:
    fields: dict[str, Any]
    kinds: list[str]
    received_at: dt.datetime
    rule_set: RuleSet
    related: list[Case]
    files: list[CheckedFile]


def intake_clean(
    data: IntakeData,
    evidence: Sequence[UploadedFile],
    actor: Any,
    *,
    office: Office | None = None,
) -> CleanIntake:
    """Validates everything and collects every field message at once.
    `office` is an office already known (an imported work order's historical
    office): it replaces routing by category and region."""
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
    texts = {name: intake_text(getattr(data, name)) for name in INTAKE_TEXT_FIELDS}
    for name, value in texts.items():
        check(name, MaxLengthValidator(CASE_TEXT_LIMITS[name]), value)
    if data.kind not in KINDS:
        err("kind", _("Choose complaint, report or both."))
    kinds = {"complaint": ["complaint"], "report": ["report"], "both": ["complaint", "report"]}.get(
        data.kind, []
    )
    if data.channel not in Channel.values:
        err("channel", _("Choose a valid channel."))
    f["channel"] = data.channel
    order_no = texts["work_order_no"]
    if data.channel == Channel.HOTLINE_12345 and not order_no:
        err("work_order_no", _("A 12345 transfer needs its work-order number."))
    if (
        "work_order_no" not in errors
        and order_no
        and Case.objects.filter(work_order_no=order_no).exists()
    ):
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
    name = texts["complainant_name"]
    if not anonymous and not name:
        err("complainant_name", _("Enter the complainant's name."))
    f["complainant_name"] = name
    phone = ""
    if data.complainant_phone or not anonymous:
        phone = check("complainant_phone", normalize_mainland_phone, data.complainant_phone) or ""
    f["complainant_phone"] = phone
    id_number = (data.complainant_id_number or "").strip().upper()
    if id_number:
        check("complainant_id_number", validate_id_number, id_number)
    f["complainant_id_number"] = id_number
    f["complainant_address"] = texts["complainant_address"]
    f["consent_to_publication"] = bool(data.consent_to_publication)

    business = texts["business_name"]
    if not business:
        err("business_name", _("Enter the business's name."))
    f["business_name"] = business
    credit = (data.business_credit_code or "").strip().upper()
    if credit:
        check("business_credit_code", validate_credit_code, credit)
    f["business_credit_code"] = credit
    # The rest of the free text is kept as typed (trimmed).
    f.update({name: value for name, value in texts.items() if name not in f})
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
            if not price.is_finite() or price < 0 or price >= PRICE_MAX:
                raise InvalidOperation
            price = price.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            err("price", _("Enter the price paid in yuan (0 or more)."))
            price = None
    f["price"] = price
    try:
        quantity = int(str(data.quantity).strip()) if str(data.quantity).strip() else 1
    except (TypeError, ValueError):
        quantity = 0
    if not QUANTITY_MIN <= quantity <= QUANTITY_MAX:
        err("quantity", _("Enter a quantity of at least 1."))
    f["quantity"] = quantity

    description = texts["description"]
    if not description:
        err("description", _("Describe the problem."))
    f["description"] = description
    demands = texts["demands"]
    # A complaint states a claim and its facts (docs/legal-basis.md §1).
    if "complaint" in kinds and not demands:
        err("demands", _("A complaint needs the complainant's demands."))
    f["demands"] = demands

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

    if office is not None:
        f["office"] = office
    elif region is not None and category is not None:
        try:
            f["office"] = competent_office(category=category, region=region)
        except NoRoute:
            err("region", _("No office handles this category in this region."))
    if errors:
        raise ValidationError(errors)
    assert rule_set is not None
    return CleanIntake(f, kinds, received_at, rule_set, related, files)
