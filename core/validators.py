"""Validators and normalisers for intake data: mainland phone numbers, resident
ID numbers (GB 11643, ISO 7064 MOD 11-2), unified social credit codes
(GB 32100-2015) and the seller / brand keys that duplicate detection and the
hotspot search group on (docs/legal-basis.md §8)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Phone numbers -------------------------------------------------------------

_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}
_PHONE_TYPES = _MOBILE_TYPES | {phonenumbers.PhoneNumberType.FIXED_LINE}


def normalize_mainland_phone(raw: str) -> str:
    """A mainland mobile or landline number in E.164 (`+8613812345678`,
    `+8673184567890`); anything else is a ValidationError."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(_("Enter a phone number."), code="required")
    if len(text) > 30:
        raise ValidationError(_("Enter a valid mainland China phone number."), code="invalid")
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Enter a valid mainland China phone number."), code="invalid"
        ) from None
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _PHONE_TYPES
    ):
        raise ValidationError(_("Enter a valid mainland China phone number."), code="invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- Resident ID numbers (GB 11643-1999) ---------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


def id_number_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def validate_id_number(value: str) -> None:
    """An 18-character resident ID: 17 digits, a valid birth date, and the
    check character. A lower-case x is accepted as X."""
    text = (value or "").strip().upper()
    if not _ID_RE.match(text):
        raise ValidationError(
            _("An ID number has 17 digits followed by a digit or X."), code="invalid"
        )
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise ValidationError(
            _("The ID number contains an invalid birth date."), code="invalid"
        ) from None
    if birth.year < 1900 or birth > dt.date.today():
        raise ValidationError(_("The ID number contains an invalid birth date."), code="invalid")
    if id_number_check_char(text[:17]) != text[17]:
        raise ValidationError(_("The ID number's check character is wrong."), code="checksum")


# --- Unified social credit codes (GB 32100-2015) -------------------------------

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(rf"^[{CREDIT_CODE_CHARS}]{{2}}[0-9]{{6}}[{CREDIT_CODE_CHARS}]{{10}}$")


def credit_code_check_char(first17: str) -> str:
    total = sum(
        CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """18 characters from the GB 32100 alphabet (no I, O, S, V, Z), a 6-digit
    administrative division code in positions 3-8, and the check character."""
    text = (value or "").strip().upper()
    if not _CREDIT_RE.match(text):
        raise ValidationError(
            _("A unified social credit code has 18 characters (digits and capital letters)."),
            code="invalid",
        )
    if credit_code_check_char(text[:17]) != text[17]:
        raise ValidationError(
            _("The unified social credit code's check character is wrong."), code="checksum"
        )


# --- Seller and brand keys (docs/legal-basis.md §8) ----------------------------

# Longest first: only one suffix is stripped, and "有限公司" must not leave "有限责任".
_COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "分公司",
    "公司",
    "集团",
    "colimited",
    "coltd",
    "limited",
    "ltd",
    "inc",
    "corp",
)
_KEY_MAX = 255


def normalize_name(text: str) -> str:
    """NFKC, lower case, without punctuation, symbols or spaces, so that
    "长沙·某某（食品）有限公司" and "长沙某某食品" compare equal."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "PSZC")


def _strip_company_suffix(name: str) -> str:
    for suffix in _COMPANY_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def _bounded(key: str, limit: int) -> str:
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: limit - 17]}#{digest}"


def seller_key(
    *, name: str = "", credit_code: str = "", platform: str = "", shop_id: str = ""
) -> str:
    """The credit code when known, else normalised name + platform + shop id."""
    code = (credit_code or "").strip().upper()
    if code:
        return f"uscc:{code}"
    base = _strip_company_suffix(normalize_name(name))
    key = f"name:{base}"
    if platform or shop_id:
        key += f"|{normalize_name(platform)}|{normalize_name(shop_id)}"
    return _bounded(key, _KEY_MAX)


def brand_key(brand: str) -> str:
    return _bounded(_strip_company_suffix(normalize_name(brand)), 100)
