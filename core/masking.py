"""Masking of personal information (个人信息保护法第五十一条): phone and ID numbers never
appear whole in lists, exports, logs or the search index."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re

from django.conf import settings

# Mainland mobile numbers (optionally +86) and 18-character resident ID numbers.
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
_PHONE_RE = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(id_number: str) -> str:
    if len(id_number) < 8:
        return "*" * len(id_number)
    return f"{id_number[:6]}{'*' * (len(id_number) - 10)}{id_number[-4:]}"


def mask_text(text: str) -> str:
    """Mask every phone or ID number found in free text."""
    text = _ID_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
    return _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def complainant_hash(phone: str, id_number: str = "", name: str = "") -> str:
    """A keyed hash that counts distinct complainants without identifying them."""
    basis = id_number.upper() or re.sub(r"\D", "", phone) or name
    if not basis:
        return ""
    key = settings.COMPLAINANT_HASH_SALT.encode()
    return hmac.new(key, basis.encode(), hashlib.sha256).hexdigest()[:32]


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True
