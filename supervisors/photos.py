"""Photos of a supervisor's report: only real images within a size limit;
the camera's location is read from EXIF, then every photo is re-encoded from
its pixels, so no metadata and no bytes hidden beside the image (a script
in a comment, an archive appended to a JPEG) reach the stored file."""

from __future__ import annotations

import io
import re
import secrets
import warnings
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

#: Formats a phone camera or a screenshot produces.
ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
#: Larger than any phone camera's frame; refuses decompression bombs.
MAX_PIXELS = 50_000_000
MAX_PHOTOS = 9
#: Markup or code where only pixels belong: a polyglot meant to be served
#: as a page or run as a script.
SCRIPT_MARKERS = re.compile(rb"<\s*(script|html|svg|iframe|body|\?php)|javascript:", re.IGNORECASE)
GPS_IFD = 0x8825


def max_bytes() -> int:
    return int(getattr(settings, "SUPERVISOR_PHOTO_MAX_BYTES", 10 * 1024 * 1024))


@dataclass
class CleanPhoto:
    content: ContentFile[bytes]
    name: str
    width: int
    height: int
    latitude: Decimal | None
    longitude: Decimal | None


def _read_limited(upload: UploadedFile, limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            {"photos": _("A photo may be at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    return bytes(data)


def _degrees(values: Any, ref: Any) -> Decimal | None:
    try:
        d, m, s = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    if str(ref).upper() in ("S", "W"):
        value = -value
    return Decimal(f"{value:.6f}")


def exif_location(image: Image.Image) -> tuple[Decimal | None, Decimal | None]:
    """(latitude, longitude) from the GPS tags, or (None, None)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
    except Exception:  # a broken EXIF block is no location, not a refusal
        return None, None
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat = _degrees(gps.get(2), gps.get(1, "N"))
    lon = _degrees(gps.get(4), gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def photo_clean(upload: UploadedFile) -> CleanPhoto:
    """The photo re-encoded as JPEG (PNG when it has transparency), or a
    ValidationError keyed "photos"."""
    data = _read_limited(upload, max_bytes())
    if SCRIPT_MARKERS.search(data):
        raise ValidationError({"photos": _("This file carries content other than an image.")})
    refused = ValidationError({"photos": _("Only photos (JPEG, PNG or WebP) can be attached.")})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise refused
                if probe.width * probe.height > MAX_PIXELS:
                    raise refused
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise refused from None
    latitude, longitude = exif_location(image)
    upright = ImageOps.exif_transpose(image) or image
    alpha = upright.mode in ("RGBA", "LA") or "transparency" in upright.info
    # A fresh image from the pixels alone: nothing of the original file's
    # chunks, comments or trailing bytes is copied.
    pixels = upright.convert("RGBA" if alpha else "RGB")
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    out = io.BytesIO()
    if alpha:
        clean.save(out, format="PNG", optimize=True)
        ext = "png"
    else:
        clean.save(out, format="JPEG", quality=88, optimize=True)
        ext = "jpg"
    name = f"{secrets.token_hex(16)}.{ext}"
    return CleanPhoto(
        content=ContentFile(out.getvalue()),
        name=name,
        width=clean.width,
        height=clean.height,
        latitude=latitude,
        longitude=longitude,
    )


def photos_clean(uploads: list[UploadedFile]) -> list[CleanPhoto]:
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError({"photos": _("Attach at most %(n)s photos.") % {"n": MAX_PHOTOS}})
    return [photo_clean(u) for u in uploads]
