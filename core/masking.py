"""Masking of personal information (个人信息保护法第五十一条): phone and ID numbers never
appear whole in lists, exports, logs, mails, task messages or the search index.

Free text is matched on a folded copy of itself: every Unicode decimal digit
becomes its ASCII digit and full-width punctuation its ASCII form, one
character for one, so that the spans found in the copy are the spans of the
original. Numbers are recognised whatever separates their digits (spaces,
hyphens, dots, slashes, brackets), with or without the +86 / 0086 / 86
country code."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings

# A run of at most three separator characters between two digits.
_SEP = r"[\s\-./_()·•]{0,3}"
# Between the groups of an ID number people write at most one space or hyphen.
_ID_SEP = r"[ \-]?"
_COUNTRY_CODE = rf"(?:\(?(?:\+|00)\s?86\)?{_SEP}|86{_SEP})?"
_MOBILE = r"1" + _SEP + r"[3-9]" + "".join(_SEP + r"\d" for _ in range(9))
_PHONE_RE = re.compile(rf"(?<![\d+])(?P<cc>{_COUNTRY_CODE})(?P<number>{_MOBILE})(?!\d)")
# Resident ID numbers: 18 characters (GB 11643), or the 15 digits of the
# first generation, whose birth date (YYMMDD) keeps other 15-digit numbers out.
_ID18_RE = re.compile(
    rf"(?<!\d)(?P<head>\d{{6}}){_ID_SEP}(?P<birth>\d{{8}}){_ID_SEP}(?P<tail>\d{{3}}[\dXx])(?!\d)"
)
_ID15_RE = re.compile(
    rf"(?<!\d)(?P<head>\d{{6}}){_ID_SEP}"
    rf"(?P<birth>\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])){_ID_SEP}(?P<tail>\d{{3}})(?!\d)"
)
_NON_ASCII_DIGIT = re.compile(r"(?![0-9])\d")
_FOLD = str.maketrans(
    {
        "＋": "+",
        "－": "-",
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "﹣": "-",
        "．": ".",
        "／": "/",
        "（": "(",
        "）": ")",
        "\u3000": " ",
    }
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _fold(text: str) -> str:
    """The same text, as long as the original, with ASCII digits and punctuation."""
    if text.isascii():
        return text
    text = _NON_ASCII_DIGIT.sub(lambda m: str(unicodedata.digit(m.group())), text)
    return text.translate(_FOLD)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", _fold(text))


def mask_phone(phone: str) -> str:
    digits = _digits(phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(id_number: str) -> str:
    """The region code and the last characters stay; the birth date never does."""
    if len(id_number) < 8:
        return "*" * len(id_number)
    if len(id_number) == 15:
        return f"{id_number[:6]}******{id_number[-3:]}"
    return f"{id_number[:6]}{'*' * (len(id_number) - 10)}{id_number[-4:]}"


def _replace(
    text: str, folded: str, pattern: re.Pattern[str], masked: Callable[[re.Match[str]], str]
) -> tuple[str, str]:
    """Replaces each match found in `folded` in both strings, keeping their
    lengths equal to each other."""
    out: list[str] = []
    out_folded: list[str] = []
    last = 0
    for match in pattern.finditer(folded):
        replacement = masked(match)
        out.append(text[last : match.start()])
        out_folded.append(folded[last : match.start()])
        out.append(replacement)
        out_folded.append(replacement)
        last = match.end()
    if not out:
        return text, folded
    out.append(text[last:])
    out_folded.append(folded[last:])
    return "".join(out), "".join(out_folded)


def _masked_id18(match: re.Match[str]) -> str:
    return f"{match['head']}********{match['tail'][-4:]}"


def _masked_id15(match: re.Match[str]) -> str:
    return f"{match['head']}******{match['tail']}"


def _masked_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match["number"])
    return f"{match['cc']}{digits[:3]}****{digits[-4:]}"


def mask_text(text: str) -> str:
    """Mask every phone or ID number found in free text."""
    if not text:
        return text
    folded = _fold(text)
    for pattern, masked in (
        (_ID18_RE, _masked_id18),
        (_ID15_RE, _masked_id15),
        (_PHONE_RE, _masked_phone),
    ):
        text, folded = _replace(text, folded, pattern, masked)
    return text


def mask_log_text(text: str) -> str:
    """mask_text, and also inside percent- or form-encoded text, as a query
    string is written into an access log. A line that hid a number in its
    encoding is written decoded and masked (control characters re-encoded,
    so that it stays one line)."""
    text = mask_text(text)
    decoded = text
    found = False
    # A login redirect's `next` carries the query string encoded twice.
    for _ in range(3):
        if "%" not in decoded and "+" not in decoded:
            break
        decoded = unquote_plus(decoded, errors="replace")
        masked = mask_text(decoded)
        if masked != decoded:
            found = True
            decoded = masked
    if not found:
        return text
    return _CONTROL.sub(lambda m: f"%{ord(m.group()):02X}", decoded)


def mask_value(value: Any) -> Any:
    """mask_text over every string of a JSON-like value (dicts, lists, tuples)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(mask_value(item) for item in value)
    return value


def complainant_hash(phone: str, id_number: str = "", name: str = "") -> str:
    """A keyed hash that counts distinct complainants without identifying them."""
    basis = id_number.upper() or re.sub(r"\D", "", phone) or name
    if not basis:
        return ""
    key = settings.COMPLAINANT_HASH_SALT.encode()
    return hmac.new(key, basis.encode(), hashlib.sha256).hexdigest()[:32]


def _mask_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is logging's own error to report
        return
    masked = mask_log_text(message)
    if masked != message:
        record.msg = masked
        record.args = ()


class MaskPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _mask_record(record)
        return True


class MaskingFormatter(logging.Formatter):
    """Masks the whole formatted line, the traceback of an exception included."""

    def __init__(self, *args: Any, inner: logging.Formatter | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record) if self.inner is not None else super().format(record)
        return mask_log_text(line)


def mask_handler_output(handler: logging.Handler) -> None:
    """Wraps a handler's formatter so that everything it writes is masked
    (for handlers set up outside the project's LOGGING, such as a Celery
    worker's)."""
    if not isinstance(handler.formatter, MaskingFormatter):
        handler.setFormatter(MaskingFormatter(inner=handler.formatter or logging.Formatter()))


_factory_installed = False


def install_log_record_masking() -> None:
    """Masks the message of every log record when it is made, so that no
    handler, whoever configured it, sees a whole phone or ID number."""
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _mask_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True
