"""The production web server: daphne, with its own command line
(`python -m config.server -b 0.0.0.0 -p 8000 config.asgi:application`), and
two things daphne itself does not do:

- its access log masks phone and ID numbers in the request line, whose
  query string holds what users search for (daphne writes that log to a
  stream, outside Python's logging and its masking);
- a request body larger than its route's limit (config.limits.policy) is
  refused with a 413 as soon as the headers are in, before any of it is
  read: daphne would otherwise receive the whole body into a temporary file
  before the application sees the request. A body sent without a length is
  counted and refused once it passes the limit.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import daphne.cli
import daphne.server
from daphne.access import AccessLogGenerator
from daphne.http_protocol import HTTPFactory, WebRequest

logger = logging.getLogger(__name__)


class MaskedAccessLog(AccessLogGenerator):
    def write_entry(self, host: Any, date: Any, request: Any, *args: Any, **kwargs: Any) -> None:
        from core.masking import mask_log_text

        super().write_entry(host, date, mask_log_text(str(request)), *args, **kwargs)


class CappedRequest(WebRequest):
    refused = False
    received = 0
    limit = 0

    def _path(self) -> str:
        # Twisted keeps the request line on the channel until the whole
        # request is in; the path decides the limit before that.
        raw = getattr(self.channel, "_path", b"") or b""
        return raw.split(b"?", 1)[0].decode("latin-1")

    def gotLength(self, length: int | None) -> None:
        from config.limits.policy import body_limit

        self.limit = body_limit(self._path())
        if length is not None and length > self.limit:
            self.refuse()
            super().gotLength(0)
            return
        super().gotLength(length)

    def handleContentChunk(self, data: bytes) -> None:
        if self.refused:
            return
        self.received += len(data)
        if self.received > self.limit:
            self.refuse()
            return
        super().handleContentChunk(data)

    def refuse(self) -> None:
        from config.limits.policy import too_large_body

        self.refused = True
        path = self._path()
        content_type, body = too_large_body(path, self.limit, bilingual=True)
        head = (
            b"HTTP/1.1 413 Content Too Large\r\n"
            b"Content-Type: " + content_type + b"\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n"
            b"Connection: close\r\n\r\n"
        )
        logger.warning("refused a request body over %d bytes for %s", self.limit, path)
        self.channel.transport.write(head + body)
        self.channel.loseConnection()

    def process(self) -> Any:
        if self.refused:
            return None
        return super().process()


class CappedHTTPFactory(HTTPFactory):
    def buildProtocol(self, addr: Any) -> Any:
        protocol = super().buildProtocol(addr)
        protocol.requestFactory = CappedRequest
        return protocol


def install() -> None:
    """Daphne builds its HTTP factory and access log inline, from names in
    its modules: these point them at the classes above."""
    daphne.server.HTTPFactory = CappedHTTPFactory
    daphne.cli.AccessLogGenerator = MaskedAccessLog


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    install()
    daphne.cli.CommandLineInterface.entrypoint()


if __name__ == "__main__":
    main()
