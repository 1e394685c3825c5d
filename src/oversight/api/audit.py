"""Every API call that reads data goes in the audit trail, as a page view does on the web:
who (the token's user), which token (its prefix), what was asked for and with which filters.
Writes are recorded by the actions they call (supervision, imports)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.http import HttpRequest

from oversight.api.models import ApiToken
from oversight.api.problems import ApiProblem
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent

QUERY_VALUE_LENGTH = 200


def printable(value: str) -> str:
    """A query value as the audit trail keeps it: cut short, without NUL characters (which
    no database column holds)."""
    return value.replace("\x00", "")[:QUERY_VALUE_LENGTH]


def token_of(request: HttpRequest) -> ApiToken:
    """The token the request was authenticated with (TokenAuth runs before every endpoint)."""
    return cast(ApiToken, request.auth)  # type: ignore[attr-defined]


def user_of(request: HttpRequest) -> User:
    return token_of(request).user


def require_write(request: HttpRequest) -> None:
    """A read-only token never writes, whatever its user may do on the web."""
    if not token_of(request).writes:
        raise ApiProblem(403, "This token is read-only: make a read-and-write token to write.")


def record_call(
    request: HttpRequest,
    what: str,
    *,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    kind: AuditEvent.Kind = AuditEvent.Kind.VIEW,
) -> None:
    token = token_of(request)
    query = {name: printable(str(value)) for name, value in request.GET.items()}
    record_event(
        user=token.user,
        kind=kind,
        what=f"API: {what}",
        object_type=object_type,
        object_id=object_id,
        detail={"api_token": token.prefix, "path": printable(request.path), "query": query}
        | (detail or {}),
        request=request,
    )
