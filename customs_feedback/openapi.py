"""What the OpenAPI schema says about errors: every status an operation can answer, with its body shape.

Each API view declares its success responses and adds `error_responses(...)` for the errors it can give,
so a vendor generating a client from /api/schema/ sees the 400/401/403/404/409/413/415/429 bodies too.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "A translated sentence saying what went wrong."}},
    "required": ["detail"],
}
# DRF's validation errors: {"field": ["message", ...]}, "non_field_errors" for the whole body; a body
# that cannot be parsed at all answers {"detail": "..."}.
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
    "example": {"email": ["Enter a valid email address."]},
}

_DESCRIPTIONS = {
    400: "The input was refused; nothing was stored. Field errors, or `detail` for an unreadable body.",
    401: "No credentials, or credentials that are not valid.",
    403: "These credentials may not do this.",
    404: "No such record (or not visible to these credentials).",
    409: "The record's current state does not allow this.",
    413: "The body is larger than the documented limit.",
    415: "The body is not in a media type this operation accepts.",
    429: "Too many requests from this client; retry after the `Retry-After` header's seconds.",
}


def error_responses(*codes: int, validation: dict[str, Any] | None = None) -> dict[int, OpenApiResponse]:
    """The error responses of an operation, to merge into `extend_schema(responses=...)`."""
    responses = {}
    for code in codes:
        schema = (validation or FIELD_ERRORS) if code == 400 else DETAIL
        responses[code] = OpenApiResponse(response=schema, description=_DESCRIPTIONS[code])
    return responses


# The usual sets, named by who may call.
PUBLIC_READ = (400, 429)
PUBLIC_WRITE = (400, 413, 415, 429)
STAFF_WRITE = (400, 401, 403, 404, 409, 413, 415)
API_CLIENT_WRITE = (400, 401, 403, 413, 415, 429)
