"""Photos: only images, within the size limit, no script payloads; the
camera's location is read, then absent from the stored file."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from supervisors.photos import photo_clean
from tests.supervisors.factories import jpeg_bytes, upload


def test_a_non_image_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        photo_clean(upload(b"%PDF-1.7\n1 0 obj<<>>endobj\n", "scan.jpg"))
    assert "photos" in info.value.message_dict


def test_an_oversize_photo_is_refused(settings: object) -> None:
    data = jpeg_bytes(size=(400, 400))
    settings.SUPERVISOR_PHOTO_MAX_BYTES = len(data) - 1  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as info:
        photo_clean(upload(data))
    assert "photos" in info.value.message_dict
    settings.SUPERVISOR_PHOTO_MAX_BYTES = len(data)  # type: ignore[attr-defined]
    assert photo_clean(upload(data)).width == 400


@pytest.mark.parametrize(
    "payload",
    [b"<script>alert(1)</script>", b"<?php system($_GET['c']); ?>", b"<svg onload=alert(1)>"],
)
def test_a_photo_with_a_script_payload_is_refused(payload: bytes) -> None:
    # A valid JPEG with markup appended: browsers sniffing it, or a server
    # executing it, would find a page or a script.
    with pytest.raises(ValidationError):
        photo_clean(upload(jpeg_bytes() + payload))
    # The same markup in an EXIF comment field.
    image = Image.new("RGB", (20, 20))
    exif = Image.Exif()
    exif[0x010E] = payload.decode()
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    with pytest.raises(ValidationError):
        photo_clean(upload(out.getvalue()))


def test_exif_location_is_read_then_absent_from_the_stored_file() -> None:
    clean = photo_clean(upload(jpeg_bytes(gps=(28.194, 112.982))))
    assert float(clean.latitude or 0) == pytest.approx(28.194, abs=1e-4)
    assert float(clean.longitude or 0) == pytest.approx(112.982, abs=1e-4)
    stored = Image.open(io.BytesIO(clean.content.read()))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert clean.name.endswith(".jpg") and len(clean.name) == 36


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2048))
def test_any_bytes_are_refused_or_become_a_clean_image(data: bytes) -> None:
    try:
        clean = photo_clean(upload(data))
    except ValidationError as exc:
        assert list(exc.message_dict) == ["photos"]
        return
    assert Image.open(io.BytesIO(clean.content.read())).format in ("JPEG", "PNG")
