"""Evidence files: size limit, content sniffed from the magic bytes (the
client's content type and file name are never trusted), random stored names.
Files are served only as downloads by the views."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, Evidence

MAX_FILES = 20


@dataclass(frozen=True)
class SniffedType:
    content_type: str
    extension: str


def sniff(head: bytes) -> SniffedType | None:
    """The type of a file from its first bytes, from a small allow-list."""
    if head.startswith(b"\xff\xd8\xff"):
        return SniffedType("image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return SniffedType("image/png", "png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return SniffedType("image/webp", "webp")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return SniffedType("audio/wav", "wav")
    if head.startswith(b"%PDF-"):
        return SniffedType("application/pdf", "pdf")
    if head[4:8] == b"ftyp":
        return SniffedType("video/mp4", "mp4")
    if head.startswith(b"ID3") or (
        len(head) > 1 and head[0] == 0xFF and head[1] in (0xFB, 0xF3, 0xF2)
    ):
        return SniffedType("audio/mpeg", "mp3")
    return None


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    kind: SniffedType
    size: int


def evidence_check(files: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Validates every file before anything is written."""
    if len(files) > MAX_FILES:
        raise ValidationError({"evidence": _("Attach at most %(n)d files.") % {"n": MAX_FILES}})
    checked: list[CheckedFile] = []
    errors: list[Any] = []
    for upload in files:
        size = upload.size or 0
        if size > settings.EVIDENCE_MAX_BYTES:
            errors.append(
                _("%(name)s is larger than %(mb)d MB.")
                % {"name": upload.name, "mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)}
            )
            continue
        if size == 0:
            errors.append(_("%(name)s is empty.") % {"name": upload.name})
            continue
        upload.seek(0)
        kind = sniff(upload.read(16))
        upload.seek(0)
        if kind is None:
            errors.append(
                _("%(name)s is not a JPEG, PNG, WebP, PDF, MP4, MP3 or WAV file.")
                % {"name": upload.name}
            )
            continue
        checked.append(CheckedFile(upload, kind, size))
    if errors:
        raise ValidationError({"evidence": errors})
    return checked


def evidence_store(
    *,
    cases: Sequence[Case],
    files: Sequence[CheckedFile],
    actor: Any,
    written: list[str] | None = None,
) -> list[Evidence]:
    """Stores each file once under a random name and attaches it to every
    case of the intake (a linked complaint and report share the material).
    Appends each storage name it writes to `written`, for the caller to discard
    should its transaction fail."""
    stored: list[Evidence] = []
    uploader = actor if getattr(actor, "is_authenticated", False) else None
    for item in files:
        digest = hashlib.sha256()
        item.upload.seek(0)
        for chunk in item.upload.chunks():
            digest.update(chunk)
        item.upload.seek(0)
        random_name = f"{secrets.token_hex(16)}.{item.kind.extension}"
        original_name = (item.upload.name or "")[-255:]
        first: Evidence | None = None
        for case in cases:
            evidence = Evidence(
                case=case,
                original_name=original_name,
                content_type=item.kind.content_type,
                size=item.size,
                sha256=digest.hexdigest(),
                uploaded_by=uploader,
            )
            if first is None:
                evidence.file.save(random_name, ContentFile(item.upload.read()), save=False)
                item.upload.seek(0)
                if written is not None:
                    written.append(str(evidence.file.name))
                first = evidence
            else:
                evidence.file.name = first.file.name
            evidence.save()
            stored.append(evidence)
    return stored


def evidence_discard(names: Sequence[str]) -> None:
    for name in names:
        default_storage.delete(name)
