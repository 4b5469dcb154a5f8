"""What the OpenAPI document promises beyond what each route declares: the error answers
every operation can give, as application/problem+json (RFC 9457), and the NUL byte rule.

The error statuses follow from where errors come from, so they are derived here once rather
than repeated on 109 routes:

- 422: every operation. The input guard refuses a NUL byte in any query parameter before a
  view runs, and the schema refuses what it does not admit.
- 413: every operation with a body (the size limit, answered by the input guard), and 400
  for a body that is not the JSON or form it declares.
- 401: every operation that requires a signed-in caller (it declares `security`).
- 403: those, and every write: the sharing policy or a role decides who may act.
- 404: every operation addressing a record by path: it does not exist or is not yours to see.
- 409: every write: it may conflict with a stored record (a decided paper, a taken slot).

A route adds the statuses only it can give (400 for an event filter that cannot be applied,
404 for a query naming an organisation that does not exist) with
`openapi_extra=vigil.openapi.problems(400)`; they are declared here like the others.
"""

from __future__ import annotations

import copy
from typing import Any

PROBLEM_MEDIA = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document; `errors` names each refused field.",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"}},
                "required": ["field", "reason"],
            },
        },
    },
    "required": ["type", "title", "status"],
}

REASONS = {
    400: "A body that cannot be parsed, or a filter that cannot be applied",
    401: "Sign-in or an API token is required",
    403: "Not permitted for this caller",
    404: "No such record, or not one the caller may see",
    409: "Conflicts with a stored record",
    413: "The body is over the size limit",
    422: "The input is refused: each field and its reason",
}

WRITES = frozenset({"post", "put", "patch", "delete"})
# No text Vigil stores needs a NUL byte, and PostgreSQL cannot store one: the input guard
# refuses it everywhere, so the document says so on every free-text string.
NO_NUL: dict[str, Any] = {"pattern": "\\u0000"}


EXAMPLES: dict[int, dict[str, Any]] = {
    400: {"title": "Invalid filter", "detail": "date_from: date_from is after date_to",
          "errors": [{"field": "date_from", "reason": "date_from is after date_to"}]},
    401: {"title": "Authentication required"},
    403: {"title": "Forbidden", "detail": "Only the roster's managers change it."},
    404: {"title": "Not found", "detail": "No such record."},
    409: {"title": "Conflict", "detail": "The request conflicts with a stored record."},
    413: {"title": "Request too large",
          "detail": "The body is larger than the 5,242,880 bytes this API accepts."},
    422: {"title": "Invalid request",
          "errors": [{"field": "country", "reason": "String should match pattern"}]},
}  # fmt: skip


def problem_response(status: int) -> dict[str, Any]:
    example = {"type": "about:blank", "status": status, **EXAMPLES.get(status, {})}
    return {
        "description": REASONS.get(status, "Error"),
        "content": {
            PROBLEM_MEDIA: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": example,
            }
        },
    }


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the Problem schema, each operation's error answers and the NUL rule to the
    document ninja generated from the routes."""
    components = schema.setdefault("components", {})
    _detach_multipart_bodies(schema)
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            own = set(operation.pop("x-problems", ()))
            for status in sorted(_error_statuses(method, operation) | own):
                responses.setdefault(str(status), problem_response(status))
            for parameter in operation.get("parameters", []):
                if parameter.get("in") in ("query", "path"):
                    _forbid_nul(parameter.get("schema", {}))
    for component in components.get("schemas", {}).values():
        for prop in component.get("properties", {}).values():
            _forbid_nul(prop)
    return schema


def _detach_multipart_bodies(schema: dict[str, Any]) -> None:
    """The input guard leaves uploads to the importers, so the NUL rule is not declared on
    multipart bodies; ninja shares their property schemas with the JSON components, so
    they are copied before those are given the rule."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media, body in content.items():
                if media.startswith("multipart/"):
                    content[media] = copy.deepcopy(body)


def _error_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    statuses = {422}
    write = method in WRITES
    if "requestBody" in operation:
        statuses |= {400, 413}
    if operation.get("security"):
        statuses |= {401, 403}
    if write:
        statuses |= {403, 409}
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.add(404)
    return statuses


def _forbid_nul(schema: dict[str, Any]) -> None:
    """Give every free-text string the NUL rule; a string with its own pattern, format or
    enum already excludes it."""
    for branch in schema.get("anyOf", []):
        _forbid_nul(branch)
    if schema.get("type") == "array":
        _forbid_nul(schema.get("items", {}))
    if schema.get("type") != "string":
        return
    if any(key in schema for key in ("pattern", "format", "enum", "const", "not")):
        return
    # As `not`, not as a pattern: documentation tools draw their examples from a pattern
    # (a reader would see random characters where "string" belongs), and ignore `not`.
    schema["not"] = NO_NUL
