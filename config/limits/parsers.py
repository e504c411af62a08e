"""The API's JSON parser: a body nested deeper than JSON_MAX_DEPTH, or
larger than REQUEST_MAX_BYTES, is a 400 / 413 with a message, never a
RecursionError."""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers
from rest_framework.utils import json

from config.limits.policy import too_large_message


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request is too large.")
    default_code = "payload_too_large"


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Whether containers nest deeper than `limit` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Mapping):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class DepthLimitedJSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = int(settings.REQUEST_MAX_BYTES)
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(too_large_message(limit))
        try:
            text = codecs.decode(raw, encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            data = None
            too_deep = True
        except ValueError as exc:
            raise exceptions.ParseError(
                _("The body is not valid JSON: %(error)s") % {"error": exc}
            ) from exc
        else:
            too_deep = json_depth_exceeds(data, int(settings.JSON_MAX_DEPTH))
        if too_deep:
            raise exceptions.ParseError(
                _("The JSON body is nested deeper than %(depth)d levels.")
                % {"depth": settings.JSON_MAX_DEPTH}
            )
        return data
