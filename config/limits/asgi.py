"""The body limit in front of the ASGI application. Django's ASGI handler
reads the whole body into a file before any middleware runs, so the limit
is enforced here: from the declared length before anything is read, and by
counting for a body sent without one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from config.limits.policy import body_limit, declared_length, too_large_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
# Django's handler and Channels' consumers each type the ASGI callables a
# little differently.
ASGIApp = Callable[..., Awaitable[None]]


async def send_too_large(send: Send, path: str, limit: int) -> None:
    content_type, body = too_large_body(path, limit, bilingual=True)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = body_limit(path)
        headers = dict(scope.get("headers") or [])
        declared = declared_length(headers.get(b"content-length"))
        if declared is not None and declared > limit:
            await send_too_large(send, path, limit)
            return
        received = 0
        exceeded = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # To the application the client is gone: Django drops
                    # the request without reading further.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, watched_send)
        if exceeded and not started:
            await send_too_large(send, path, limit)
