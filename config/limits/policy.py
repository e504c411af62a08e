"""How large a request body may be, and the answer to one that is larger.

Only the routes that take evidence files accept an upload's size
(UPLOAD_MAX_BYTES); every other route takes what a form or a JSON body
needs (REQUEST_MAX_BYTES), so that no route a file is not meant for can be
made to read one."""

from __future__ import annotations

import json

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext


def body_limit(path: str) -> int:
    """The largest body, in bytes, that a request to `path` may carry."""
    if any(path.startswith(prefix) for prefix in settings.UPLOAD_PATHS):
        return int(settings.UPLOAD_MAX_BYTES)
    return int(settings.REQUEST_MAX_BYTES)


def too_large_message(limit: int) -> str:
    """The refusal in the active language."""
    return gettext("The request is too large: at most %(size)s may be sent at once.") % {
        "size": filesizeformat(limit)
    }


def too_large_message_bilingual(limit: int) -> str:
    """The refusal where no language has been chosen yet (the server and the
    ASGI application answer before Django reads the request): Chinese first."""
    parts = []
    for language in (settings.LANGUAGE_CODE, "en"):
        with translation.override(language):
            parts.append(too_large_message(limit))
    return " / ".join(dict.fromkeys(parts))


def too_large_body(path: str, limit: int, *, bilingual: bool) -> tuple[bytes, bytes]:
    """(content type, body) of a 413: JSON on the API, plain text elsewhere."""
    message = too_large_message_bilingual(limit) if bilingual else too_large_message(limit)
    if path.startswith("/api/"):
        payload = json.dumps({"detail": message}, ensure_ascii=False)
        return b"application/json", payload.encode()
    return b"text/plain; charset=utf-8", (message + "\n").encode()


def declared_length(raw: bytes | str | None) -> int | None:
    """The Content-Length as a number; None when absent or not a number."""
    if raw is None:
        return None
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    text = text.strip()
    return int(text) if text.isdigit() else None
