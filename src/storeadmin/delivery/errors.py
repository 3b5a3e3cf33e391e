"""Errors in the spec's ``PayNowError`` shape (``status``, ``code``, ``message``,
``trace_id``, ``errors``) and the mapping from ``StoreError``s to them.

Messages never repeat a token or a driver message verbatim: a database outage is
"temporarily unavailable", whatever the driver said.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import JSONResponse

from storeadmin.core.delivery import ServerDisabled, Unauthenticated
from storeadmin.core.errors import Invalid, NotFound, StoreError, Unavailable

CODES = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    429: "too-many-requests",
    500: "internal-server-error",
    503: "service-unavailable",
}


class ApiError(Exception):
    """An HTTP error to answer in the PayNowError shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}


def new_trace_id() -> str:
    """A fresh trace id (32 hex digits), also written to the access log."""
    return uuid.uuid4().hex


def error_response(error: ApiError, trace_id: str) -> JSONResponse:
    """The JSON response for ``error``."""
    body: dict[str, Any] = {
        "status": error.status,
        "code": CODES.get(error.status, "error"),
        "message": error.message,
        "trace_id": trace_id,
        "errors": error.errors,
    }
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def from_store_error(error: StoreError) -> ApiError:
    """The HTTP error a service error becomes."""
    if isinstance(error, Unauthenticated):
        return ApiError(401, "missing or unknown game server token")
    if isinstance(error, ServerDisabled):
        return ApiError(403, "this game server has been disabled")
    if isinstance(error, Unavailable):
        return ApiError(
            503,
            "the store's database is temporarily unavailable; nothing was changed — retry",
            headers={"Retry-After": "5"},
        )
    if isinstance(error, NotFound):
        return ApiError(404, "not found")
    if isinstance(error, Invalid):
        return ApiError(400, "invalid request")
    return ApiError(400, "the request could not be processed")


def validation_error(message: str, path: str) -> ApiError:
    """A 400 with one ``ValidationError`` entry."""
    return ApiError(
        400,
        "the request body does not match the API",
        errors=[{"code": "invalid", "message": message, "path": path, "validation": "schema"}],
    )
