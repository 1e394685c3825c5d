"""Every API error as problem details (RFC 9457): `application/problem+json`.

One shape for every failure: `title` (the HTTP status in words), `status`, `detail` (what went
wrong, in a sentence) and, where fields or rows are at fault, `errors` naming each one. A
program can rely on `status` and `errors`; a person reads `detail`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import NinjaJSONEncoder

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
PARAMETER_SOURCES = ("body", "query", "path", "header")
# Every endpoint that takes a body names its parameter this, so errors can leave it out.
BODY_PARAMETER = "payload"


class ProblemError(Schema):
    """One thing at fault: a parameter or field, or a row of a feed (`table`, `row`)."""

    table: str | None = None
    row: int | None = None  # the row's position in its table's list, counting from 0
    field: str | None = None
    value: str | None = None
    reason: str


class Problem(Schema):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[ProblemError] = []
    warnings: list[ProblemError] = []


class ApiProblem(Exception):
    """Raised by an endpoint to answer with a problem."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[ProblemError] | None = None,
        warnings: list[ProblemError] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or []
        self.warnings = warnings or []
        self.headers = headers or {}


def problem_response(
    status: int,
    detail: str,
    *,
    errors: list[ProblemError] | None = None,
    warnings: list[ProblemError] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        errors=errors or [],
        warnings=warnings or [],
    )
    response = HttpResponse(
        NinjaJSONEncoder().encode(body.model_dump()), status=status, content_type=MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _api_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(
        exc.status, exc.detail, errors=exc.errors, warnings=exc.warnings, headers=exc.headers
    )


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        401,
        "Send a valid, unexpired API token: Authorization: Bearer <token>.",
        headers={"WWW-Authenticate": 'Bearer realm="oversight"'},
    )


def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # "Not yours" and "does not exist" look the same, as on the web.
    return problem_response(404, "Not found, or not within what this token may see.")


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(exc.status_code, str(exc))


def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return problem_response(413, "The request body is larger than this server accepts.")


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [field_error(error) for error in exc.errors]
    return problem_response(422, "Some of the values sent cannot be used.", errors=errors)


def field_error(error: dict[str, Any]) -> ProblemError:
    """A pydantic error as a field error: `loc` ("query", "as_at") becomes "as_at"; a feed
    row's place ("body", "referrals", 3, "date") becomes table, row and field."""
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] in PARAMETER_SOURCES:
        loc = loc[1:]
    if loc and loc[0] == BODY_PARAMETER:
        loc = loc[1:]
    table = row = None
    if len(loc) >= 2 and loc[1].isdigit():
        table, row, loc = loc[0], int(loc[1]), loc[2:]
    return ProblemError(
        table=table, row=row, field=".".join(loc) or None, reason=str(error.get("msg", "invalid"))
    )


def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request failed: %s %s", request.method, request.path, exc_info=exc)
    return problem_response(500, "Something went wrong on the server; it has been logged.")


HANDLERS: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
    (ApiProblem, _api_problem),
    (AuthenticationError, _unauthenticated),
    (Http404, _not_found),
    (HttpError, _http_error),
    (RequestDataTooBig, _too_big),
    (ValidationError, _invalid),
    (Exception, _server_error),
]


def install(api: NinjaAPI) -> None:
    """Answer every error the API can raise with a problem (the most specific handler wins)."""
    for exception, handler in HANDLERS:
        api.add_exception_handler(exception, handler)


def documented(*statuses: int) -> dict[int, type[Problem]]:
    """The problem responses an operation declares, for its OpenAPI entry."""
    return dict.fromkeys(statuses, Problem)


# The headers that come with these problems (RFC 6750 and RFC 9110), described so programs and
# schemathesis know them.
PROBLEM_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "How to authenticate: a bearer token",
            "schema": {"type": "string"},
            "required": True,
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds to wait before this token's next request",
            "schema": {"type": "integer", "minimum": 1},
            "required": True,
        }
    },
}


def as_problem_media_type(schema: dict[str, Any]) -> dict[str, Any]:
    """Ninja documents every response as application/json; error responses are in fact
    application/problem+json, and the schema says so (schemathesis checks it)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    response["content"] = {MEDIA_TYPE: content["application/json"]}
                if int(status) in PROBLEM_HEADERS:
                    response["headers"] = PROBLEM_HEADERS[int(status)]
    return schema
