"""Parsing of the inputs an inspection transition declares
(arbitration/lifecycle.py): one parser per input, turning request parameters
(JSON lists from the API, one line per entry from the console's text boxes)
into clean values, or a ValidationError with field messages."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from arbitration.lifecycle import InspectionKind, Transition
from arbitration.models import FeePayer, Inspection, Lab, Party, QualityBasis
from complaints.selectors import parse_id

Params = Mapping[str, Any]
TEXT_MAX = 300
LONG_TEXT_MAX = 4000
MAX_ENTRIES = 50
REPORT_TYPES = ("application/pdf", "image/jpeg", "image/png")


def _text(params: Params, name: str, *, limit: int = TEXT_MAX, required: bool = True) -> str:
    value = params.get(name)
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise ValidationError({name: _("This value contains invalid characters.")})
    if required and not text:
        raise ValidationError({name: _("This field is required.")})
    if len(text) > limit:
        raise ValidationError({name: _("Keep this under %(limit)d characters.") % {"limit": limit}})
    return text


def _choice(params: Params, name: str, choices: Any, *, required: bool = True) -> str:
    value = _text(params, name, limit=40, required=required)
    if value and value not in choices.values:
        raise ValidationError({name: _("Choose one of the listed options.")})
    return value


def _date(params: Params, name: str) -> dt.date:
    value = params.get(name)
    if isinstance(value, dt.date):
        return value
    text = _text(params, name, limit=10)
    parsed = None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            parsed = parse_date(text)
        except ValueError:  # well-formed but impossible, e.g. 30 February
            parsed = None
    if parsed is None:
        raise ValidationError({name: _("Enter a date as YYYY-MM-DD.")})
    return parsed


def _money(params: Params, name: str) -> Decimal | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        amount = Decimal(str(raw).strip())
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {name: _("Enter an amount in yuan, zero or more, such as 1200.00.")}
        ) from None
    return amount.quantize(Decimal("0.01"))


def _bool(params: Params, name: str) -> bool:
    raw = params.get(name)
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if raw is not None else ""
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise ValidationError({name: _("Answer yes or no.")})


def _rows(params: Params, name: str, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """A list of entries: JSON objects with `keys`, or lines of text with
    the values separated by "|"."""
    raw = params.get(name)
    if isinstance(raw, str):
        entries: list[Any] = [
            dict(zip(keys, (part.strip() for part in line.split("|")), strict=False))
            for line in raw.splitlines()
            if line.strip()
        ]
    elif isinstance(raw, list | tuple):
        entries = list(raw)
    elif raw is None:
        entries = []
    else:
        raise ValidationError({name: _("Give a list of entries.")})
    if len(entries) > MAX_ENTRIES:
        raise ValidationError({name: _("At most 50 entries.")})
    rows: list[dict[str, str]] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise ValidationError({name: _("Give a list of entries.")})
        row = {}
        for key in keys:
            value = entry.get(key)
            text = "" if value is None else str(value).strip()
            if "\x00" in text or len(text) > TEXT_MAX:
                raise ValidationError({name: _("An entry is too long or has invalid characters.")})
            row[key] = text
        rows.append(row)
    return rows


# --- One parser per declared input ------------------------------------------


def lab_for(inspection: Inspection, params: Params) -> Lab:
    """The lab or appraisal body: active, of the kind the work needs, still
    accredited, and with a scope that covers the case's product category
    (仲裁检验鉴定办法第三条: within its authorised scope)."""
    raw = params.get("lab")
    pk = parse_id(raw) if raw not in (None, "") else None
    if pk is None:
        raise ValidationError({"lab": _("Choose a lab.")})
    lab = Lab.objects.filter(pk=pk, active=True).first()
    if lab is None:
        raise ValidationError({"lab": _("Unknown lab.")})
    wanted = (
        Lab.Kind.LAB if inspection.kind == InspectionKind.INSPECTION else Lab.Kind.APPRAISAL_BODY
    )
    if lab.kind != wanted:
        raise ValidationError({"lab": _("Choose a %(kind)s.") % {"kind": Lab.Kind(wanted).label}})
    if lab.accredited_until is not None and lab.accredited_until < timezone.localdate():
        raise ValidationError({"lab": _("This lab's accreditation has expired.")})
    if not lab.covers(inspection.case.category):
        raise ValidationError(
            {"lab": _("This lab's scope does not cover the product category of the case.")}
        )
    return lab


def quality_basis(params: Params) -> tuple[str, str]:
    """仲裁检验鉴定办法第十一条: the mandatory national standard (or law and
    regulation) if there is one; failing it, the standard the parties agreed;
    failing that, the quality the seller or producer stated."""
    for name, basis in (
        ("mandatory_standard", QualityBasis.MANDATORY),
        ("agreed_standard", QualityBasis.AGREED),
        ("stated_quality", QualityBasis.STATED),
    ):
        detail = _text(params, name, required=False)
        if detail:
            return str(basis), detail
    raise ValidationError(
        {
            "mandatory_standard": _(
                "Give the mandatory standard, or failing it the agreed standard, "
                "or failing that the quality the seller stated."
            )
        }
    )


def _lab(inspection: Inspection, params: Params) -> dict[str, Any]:
    return {"lab": lab_for(inspection, params)}


def _items(inspection: Inspection, params: Params) -> dict[str, Any]:
    rows = _rows(params, "items", ("name", "standard"))
    if not rows or any(not r["name"] or not r["standard"] for r in rows):
        raise ValidationError(
            {"items": _("List each test item with its standard, one per line: item | standard.")}
        )
    return {"items": rows}


def _basis(inspection: Inspection, params: Params) -> dict[str, Any]:
    basis, detail = quality_basis(params)
    return {"quality_basis": basis, "quality_basis_detail": detail}


def _sampling_method(inspection: Inspection, params: Params) -> dict[str, Any]:
    return {"sampling_method": _text(params, "sampling_method")}


def _due_on(inspection: Inspection, params: Params) -> dict[str, Any]:
    due = _date(params, "due_on")
    if due < timezone.localdate():
        raise ValidationError({"due_on": _("The completion date cannot be in the past.")})
    return {"due_on": due}


def _fee(inspection: Inspection, params: Params) -> dict[str, Any]:
    return {"fee": _money(params, "fee")}


def _payer(name: str, *, required: bool) -> Callable[[Inspection, Params], dict[str, Any]]:
    def parse(inspection: Inspection, params: Params) -> dict[str, Any]:
        return {name: _choice(params, name, FeePayer, required=required)}

    return parse


def _samples(inspection: Inspection, params: Params) -> dict[str, Any]:
    rows = _rows(params, "samples", ("sample_id", "description"))
    ids = [r["sample_id"] for r in rows]
    if not rows or any(not i or len(i) > 60 for i in ids):
        raise ValidationError(
            {"samples": _("List each sealed sample, one per line: seal number | description.")}
        )
    if len(set(ids)) != len(ids):
        raise ValidationError({"samples": _("Each seal number may appear only once.")})
    return {"samples": rows}


def _experts(inspection: Inspection, params: Params) -> dict[str, Any]:
    return {"experts": _text(params, "experts", limit=LONG_TEXT_MAX)}


def _onsite_checked_on(inspection: Inspection, params: Params) -> dict[str, Any]:
    day = _date(params, "onsite_checked_on")
    if day > timezone.localdate():
        raise ValidationError({"onsite_checked_on": _("The date cannot be in the future.")})
    return {"onsite_checked_on": day}


def _onsite_findings(inspection: Inspection, params: Params) -> dict[str, Any]:
    return {"onsite_findings": _text(params, "onsite_findings", limit=LONG_TEXT_MAX)}


def _party(inspection: Inspection, params: Params) -> dict[str, Any]:
    return {"party": _choice(params, "party", Party)}


def _report_no(inspection: Inspection, params: Params) -> dict[str, Any]:
    return {"report_no": _text(params, "report_no", limit=60)}


def _conforming(inspection: Inspection, params: Params) -> dict[str, Any]:
    return {"conforming": _bool(params, "conforming")}


def _results(inspection: Inspection, params: Params) -> dict[str, Any]:
    rows = _rows(params, "results", ("item", "result", "conforming"))
    items = {i.pk: i for i in inspection.items.all()}
    parsed: list[dict[str, Any]] = []
    for row in rows:
        pk = parse_id(row["item"])
        if pk not in items:
            raise ValidationError(
                {"results": _("A result names a test item of another commission.")}
            )
        parsed.append(
            {
                "item": pk,
                "result": row["result"],
                "conforming": _bool({"results": row["conforming"]}, "results"),
            }
        )
    return {"results": parsed}


def _report_file(inspection: Inspection, params: Params) -> dict[str, Any]:
    upload = params.get("report_file")
    if upload in (None, ""):
        return {"report_file": None}
    if not hasattr(upload, "size") or not hasattr(upload, "name"):
        raise ValidationError({"report_file": _("Upload the report as a file.")})
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError({"report_file": _("The report file is too large.")})
    if getattr(upload, "content_type", "") not in REPORT_TYPES:
        raise ValidationError({"report_file": _("Upload the report as PDF, JPEG or PNG.")})
    return {"report_file": upload}


PARSERS: dict[str, Callable[[Inspection, Params], dict[str, Any]]] = {
    "lab": _lab,
    "items": _items,
    "mandatory_standard": _basis,
    "agreed_standard": lambda i, p: {},
    "stated_quality": lambda i, p: {},
    "sampling_method": _sampling_method,
    "due_on": _due_on,
    "fee": _fee,
    "fee_prepaid_by": _payer("fee_prepaid_by", required=True),
    "fee_borne_by": _payer("fee_borne_by", required=False),
    "samples": _samples,
    "experts": _experts,
    "onsite_checked_on": _onsite_checked_on,
    "onsite_findings": _onsite_findings,
    "party": _party,
    "report_no": _report_no,
    "conforming": _conforming,
    "results": _results,
    "report_file": _report_file,
}


def transition_inputs(spec: Transition, inspection: Inspection, params: Params) -> dict[str, Any]:
    """Every declared input parsed; all field messages at once."""
    kwargs: dict[str, Any] = {}
    errors: dict[str, list[Any]] = {}
    for name in spec.inputs:
        try:
            kwargs.update(PARSERS[name](inspection, params))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return kwargs
