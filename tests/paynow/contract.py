"""The PayNow Management API contract (management-api.json) as a test oracle.

``ValidatingTransport`` wraps any httpx transport: every request the backend sends and
every response it receives is validated against the spec with openapi-core, so the
tests cannot drift from the contract. ``dto(name, **overrides)`` builds a minimal
instance of a component schema (only the required fields), which doubles as the
"response missing optional fields" case.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPEC_PATH = Path(__file__).with_name("spec") / "management-api.json"
"""An unchanged copy of PayNow's management-api.json (MIT, licence beside it), vendored
so the tests need nothing outside the repository."""


def spec_path() -> Path:
    """The contract file."""
    return SPEC_PATH


@functools.cache
def spec() -> dict[str, Any]:
    """The parsed spec."""
    return json.loads(spec_path().read_text(encoding="utf-8"))


@functools.cache
def openapi() -> OpenAPI:
    """The openapi-core object (built once per test session: ~2 s)."""
    return OpenAPI.from_dict(spec())


class _Request:
    """An httpx request as openapi-core's Request protocol."""

    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        url = urlsplit(str(request.url))
        self._url = url
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(
                [
                    (k, v)
                    for k, vs in parse_qs(url.query, keep_blank_values=True).items()
                    for v in vs
                ]
            ),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        )

    @property
    def host_url(self) -> str:
        return f"{self._url.scheme}://{self._url.netloc}"

    @property
    def path(self) -> str:
        return self._url.path

    @property
    def method(self) -> str:
        return self._request.method.lower()

    @property
    def body(self) -> bytes | None:
        content = self._request.content
        return content or None

    @property
    def content_type(self) -> str:
        return self._request.headers.get("Content-Type", "application/json")


class _Response:
    """An httpx response as openapi-core's Response protocol."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response

    @property
    def data(self) -> bytes:
        return self._response.content

    @property
    def status_code(self) -> int:
        return self._response.status_code

    @property
    def content_type(self) -> str:
        return self._response.headers.get("Content-Type", "application/json")

    @property
    def headers(self) -> Headers:
        return Headers(dict(self._response.headers))


def check_request(request: httpx.Request) -> None:
    """AssertionError naming the problem when the request breaks the contract."""
    try:
        openapi().validate_request(_Request(request))
    except Exception as error:  # openapi-core raises several types
        raise AssertionError(
            f"{request.method} {request.url.path}: request breaks the contract: {_why(error)}"
        ) from None
    if "Authorization" not in request.headers or not request.headers["Authorization"].startswith(
        "APIKey "
    ):
        raise AssertionError(f"{request.method} {request.url.path}: no APIKey authorization")


def check_response(request: httpx.Request, response: httpx.Response) -> None:
    """AssertionError when the response breaks the contract."""
    response.read()
    try:
        openapi().validate_response(_Request(request), _Response(response))
    except Exception as error:
        raise AssertionError(
            f"{request.method} {request.url.path} → {response.status_code}: response breaks the contract: {_why(error)}"
        ) from None


def _why(error: BaseException) -> str:
    parts = [str(error)]
    cause = error.__cause__ or error.__context__
    while cause is not None and len(parts) < 4:
        parts.append(str(cause)[:400])
        cause = cause.__cause__ or cause.__context__
    for attr in ("schema_errors", "errors"):
        for inner in getattr(error, attr, None) or ():
            parts.append(str(inner)[:400])
    return " | ".join(parts)


class ValidatingTransport(httpx.BaseTransport):
    """Validates each request and response against the contract around ``inner``."""

    def __init__(self, inner: httpx.BaseTransport, *, responses: bool = True) -> None:
        self.inner = inner
        self.responses = responses
        """False against Prism: it answers with the spec's own examples, some of which
        break the spec's schemas (e.g. ``bin: 424242`` where a string is declared)."""
        self.sent: list[httpx.Request] = []
        self.problems: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.sent.append(request)
        check_request(request)
        response = self.inner.handle_request(request)
        response.read()
        if self.responses and (
            response.status_code < 500
            or response.headers.get("Content-Type", "").startswith("application/json")
        ):
            check_response(request, response)
        return response

    def close(self) -> None:
        self.inner.close()

    def paths(self) -> Iterator[str]:
        """``METHOD path`` of each request sent so far."""
        for request in self.sent:
            yield f"{request.method} {request.url.path}"


# ---------------------------------------------------------------- minimal instances


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec()["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def minimal(schema: dict[str, Any], depth: int = 0) -> Any:
    """The smallest valid instance of ``schema`` (required fields only)."""
    schema = _resolve(schema)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = [s for s in schema[key] if _resolve(s).get("type") != "null"]
            return minimal(options[0], depth + 1)
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = minimal(part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        return (
            values[1]
            if len(values) > 1 and values[0] in ("invalid", "unknown", "unspecified")
            else values[0]
        )
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        non_null = [k for k in kind if k != "null"]
        kind = non_null[0] if non_null else "null"
    fmt = schema.get("format")
    if kind == "string":
        if fmt == "date-time":
            return "2026-01-01T00:00:00Z"
        if fmt == "flake-id":
            return "400000000000000001"
        if fmt == "steam-id":
            return "76561197960287930"
        return "x"
    if kind == "integer":
        return max(0, int(schema.get("minimum", 0)))
    if kind == "number":
        return 0
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    if kind == "null":
        return None
    result: dict[str, Any] = {}
    for name in schema.get("required", ()):
        prop = schema.get("properties", {}).get(name, {"type": "string"})
        result[name] = minimal(prop, depth + 1)
    return result


def dto(schema_name: str, /, **overrides: Any) -> dict[str, Any]:
    """A minimal ``schema_name`` component instance with ``overrides`` applied."""
    value = minimal({"$ref": f"#/components/schemas/{schema_name}"})
    value.update(overrides)
    return value
