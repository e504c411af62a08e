"""Uploaded files go to disk, never into memory past a small size, and
within their limits while they are read:

- a file larger than EVIDENCE_MAX_BYTES is not written past that size, but
  keeps its true size, so that the intake answers with its usual message
  naming the file;
- the whole upload stops, a 400, once more has come than the route's body
  limit (a body whose declared length was a lie)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParserError

from config.limits.policy import body_limit, too_large_message


class RequestBodyTooLarge(MultiPartParserError):
    """Django answers a multipart parse error with a 400, DRF with a 400
    carrying this message."""


class CappedUploadHandler(TemporaryFileUploadHandler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit = int(settings.UPLOAD_MAX_BYTES)
        self.received = 0
        self.file_received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if self.request is not None:
            self.limit = body_limit(self.request.path)
        if content_length > self.limit:
            raise RequestBodyTooLarge(too_large_message(self.limit))

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file_received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise RequestBodyTooLarge(too_large_message(self.limit))
        room = int(settings.EVIDENCE_MAX_BYTES) + 1 - self.file_received
        self.file_received += len(raw_data)
        if room > 0:
            self.file.write(raw_data[:room])
        return None
