"""Evidence files: size limit, content sniffed from the magic bytes (the
client's content type and file name are never trusted), random stored names.
Files are served only as downloads by the views.

Files are not transactional, and Django has no hook for a rollback. A file
is therefore written inside the intake's transaction, under its final name,
after a pending marker naming it (evidence/pending/): the commit removes the
marker (`transaction.on_commit`); a marker still there an hour later belongs
to a transaction that rolled back or never committed, and
`evidence_pending_sweep` removes its file unless an Evidence row names it.

Why not write the file only after the commit, from bytes kept aside? Then a
failed write (disk full, storage down) would leave a committed case whose
evidence row points at nothing, with the consumer already told it was
filed. Writing first makes a failed write fail the intake itself; the price
is that a rolled-back file lingers until the sweep, unreferenced and never
served."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import Case, Evidence

MAX_FILES = 20
PENDING_DIR = "evidence/pending"
#: No intake transaction lasts this long: an older marker's transaction is over.
PENDING_MAX_AGE = dt.timedelta(hours=1)
#: The intake sweeps pending files at most this often (across all processes).
PENDING_SWEEP_EVERY = dt.timedelta(minutes=15)

logger = logging.getLogger(__name__)


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
    total = sum(upload.size or 0 for upload in files)
    if total > settings.EVIDENCE_TOTAL_MAX_BYTES:
        raise ValidationError(
            {
                "evidence": _("The files together are larger than %(mb)d MB.")
                % {"mb": settings.EVIDENCE_TOTAL_MAX_BYTES // (1024 * 1024)}
            }
        )
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
    Runs inside the caller's transaction: each file stays pending until that
    transaction commits (see the module's docstring). Appends each storage
    name it writes, markers included, to `written`, for the caller to discard
    at once should its own block fail."""
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
                name = evidence.file.field.generate_filename(evidence, random_name)
                # The marker first: a crash between the two leaves a marker
                # naming no file, never a file that nothing names.
                marker = _pending_mark(name)
                if written is not None:
                    written.append(marker)
                evidence.file.save(random_name, ContentFile(item.upload.read()), save=False)
                item.upload.seek(0)
                stored_name = str(evidence.file.name)
                if stored_name != name:
                    _pending_mark(stored_name, marker=marker)
                if written is not None:
                    written.append(stored_name)
                transaction.on_commit(partial(_pending_confirm, marker), robust=True)
                first = evidence
            else:
                evidence.file.name = first.file.name
            evidence.save()
            stored.append(evidence)
    return stored


def evidence_discard(names: Sequence[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _pending_mark(name: str, *, marker: str = "") -> str:
    """Writes (or rewrites) the marker of a file about to be stored as `name`."""
    if marker:
        default_storage.delete(marker)
        return str(default_storage.save(marker, ContentFile(name.encode())))
    token = name.rsplit("/", 1)[-1]
    return str(default_storage.save(f"{PENDING_DIR}/{token}", ContentFile(name.encode())))


def _pending_confirm(marker: str) -> None:
    # Committed: the file is the evidence's for good.
    default_storage.delete(marker)


def evidence_pending_sweep(*, now: dt.datetime | None = None) -> int:
    """Removes the files of intakes that never committed: those whose marker
    is older than PENDING_MAX_AGE and that no Evidence row names (a commit
    whose marker removal was lost keeps its file). Returns the files removed."""
    now = now or timezone.now()
    try:
        _dirs, markers = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return 0
    removed = 0
    for entry in markers:
        marker = f"{PENDING_DIR}/{entry}"
        try:
            if default_storage.get_modified_time(marker) > now - PENDING_MAX_AGE:
                continue
            with default_storage.open(marker, "rb") as handle:
                name = handle.read().decode("utf-8", "replace").strip()
        except FileNotFoundError:
            continue  # another sweep, or the commit, got there first
        if name and not Evidence.objects.filter(file=name).exists():
            default_storage.delete(name)
            removed += 1
        default_storage.delete(marker)
    if removed:
        logger.info("removed %d evidence files of intakes that never committed", removed)
    return removed


def evidence_pending_sweep_due() -> int:
    """The sweep, at most once per PENDING_SWEEP_EVERY whoever calls it: the
    intake calls it, so pending files go even where no periodic task runs."""
    key = "complaints:evidence-pending-sweep"
    if not cache.add(key, 1, timeout=int(PENDING_SWEEP_EVERY.total_seconds())):
        return 0
    try:
        return evidence_pending_sweep()
    except OSError:
        # A storage hiccup must not fail an intake; the next sweep retries.
        logger.exception("sweeping pending evidence files failed")
        return 0
