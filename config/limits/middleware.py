"""The body limit inside Django, for a server that hands Django the body as
a stream (WSGI): the declared length is checked before anything is read;
the upload handler (config.limits.uploads) counts what is read."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from config.limits.policy import body_limit, declared_length, too_large_body


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.path)
        declared = declared_length(request.META.get("CONTENT_LENGTH"))
        if declared is not None and declared > limit:
            content_type, body = too_large_body(request.path, limit, bilingual=False)
            response = HttpResponse(body, status=413, content_type=content_type.decode())
            # The unread body would otherwise be taken for the next request.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
