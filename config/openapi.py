"""The error answers every API operation can give, added to the OpenAPI
schema (a drf-spectacular postprocessing hook) where a view does not
declare its own, so that clients and the contract test (Schemathesis) know
them: 400 with field messages for an operation that reads input (whatever
a view declares for it: DRF answers either way), 403 (not
signed in, or a role or office that may not), 404 for an operation on one
object, 413 for a body over the limit, 429 when throttled."""

from __future__ import annotations

import re
from typing import Any

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "Messages per field; `detail` or `non_field_errors` for the whole input.",
    "additionalProperties": {},
}
DESCRIPTIONS = {
    "400": "The input is not valid: messages per field.",
    "403": "Not signed in, or the role or office may not do this.",
    "404": "No such object among those the user may see.",
    "413": "The request body is larger than the limit.",
    "429": "Too many requests; Retry-After says when to try again.",
}


def _answer(code: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": DESCRIPTIONS[code], "content": {"application/json": {"schema": schema}}}


def document_error_responses(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        one_object = bool(re.search(r"\{[^}]+\}", path))
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            reads_input = "requestBody" in operation or any(
                p.get("in") == "query" for p in operation.get("parameters", [])
            )
            wanted: dict[str, dict[str, Any]] = {"403": error_ref, "429": error_ref}
            if reads_input:
                wanted["400"] = FIELD_ERRORS
            if one_object:
                wanted["404"] = error_ref
            if "requestBody" in operation:
                wanted["413"] = error_ref
            for code, schema in wanted.items():
                responses.setdefault(code, _answer(code, schema))
            if "400" in responses:
                # Whatever a view declares, DRF answers a body it cannot parse
                # with `detail` and invalid fields with one list per field.
                responses["400"]["content"] = {"application/json": {"schema": FIELD_ERRORS}}
    return result
