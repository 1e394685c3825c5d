"""Who is calling: the API's only way in is `Authorization: Bearer <token>`.

No session cookies: a browser signed in to the web app gets nothing from the API without a
token, so the API needs no CSRF exemption that a forged form could use. A token that is
unknown, expired or revoked (or whose user is no longer active) is refused with 401 and the
refusal is audited. A valid token makes the request its user's, so every doorway
(cases_visible_to, workers_visible_to, …) scopes it exactly as the web app would.

Each token may make OVERSIGHT_API_REQUESTS_PER_MINUTE requests a minute (a fixed window in
Django's cache), and a request body may be at most OVERSIGHT_API_MAX_BODY_MB.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from oversight.api.audit import printable
from oversight.api.models import ApiToken
from oversight.api.problems import ApiProblem
from oversight.api.queries import token_presented, visible_prefix
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent

# Writing "last used" on every request would add a write to every read; once a minute is enough
# for the token lists.
LAST_USED_EVERY = dt.timedelta(minutes=1)
WINDOW_SECONDS = 60
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any:
        # Parsed here rather than by HttpBearer, which logs an unexpected header in debug mode:
        # that header may be a token sent the wrong way, and tokens are never written down.
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        now = timezone.now()
        found = token_presented(token)
        refusal = _refusal(found, now)
        if refusal:
            _record_refusal(request, token, found, refusal)
            return None
        assert found is not None
        request.user = found.user
        check_rate(found)
        read_body(request)
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found


def _refusal(token: ApiToken | None, now: dt.datetime) -> str:
    if token is None:
        return "unknown token"
    if token.revoked_at is not None:
        return "revoked token"
    if now >= token.expires_at:
        return "expired token"
    if not token.user.is_active:
        return "token of an inactive user"
    return ""


def _record_refusal(
    request: HttpRequest, secret: str, token: ApiToken | None, refusal: str
) -> None:
    record_event(
        user=token.user if token else None,
        kind=AuditEvent.Kind.DENIED,
        what=f"API call refused: {refusal}",
        object_type="api_token" if token else "",
        object_id=token.pk if token else "",
        detail={
            "token": printable(visible_prefix(secret)),
            "method": request.method,
            "path": printable(request.path),
        },
        request=request,
    )


def check_rate(token: ApiToken) -> None:
    """At most OVERSIGHT_API_REQUESTS_PER_MINUTE requests per token in each clock minute."""
    limit = settings.OVERSIGHT_API_REQUESTS_PER_MINUTE
    now = time.time()
    key = f"oversight-api-calls:{token.pk}:{int(now // WINDOW_SECONDS)}"
    cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
    try:
        calls = cache.incr(key)
    except ValueError:  # the window's count expired between add and incr
        cache.set(key, 1, timeout=2 * WINDOW_SECONDS)
        calls = 1
    if calls > limit:
        wait = math.ceil(WINDOW_SECONDS - now % WINDOW_SECONDS)
        raise ApiProblem(
            429,
            f"This token has made more than {limit} requests this minute; "
            f"try again in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )


def read_body(request: HttpRequest) -> None:
    """Refuse a body over OVERSIGHT_API_MAX_BODY_MB, else read it now.

    Django refuses any body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, a guard for web forms)
    when `request.body` is first read; the nightly feed is bigger, so for a caller holding a
    valid token the body is read here, within the API's own limit, and kept where
    `request.body` finds it."""
    if request.method not in WITH_BODY:
        return
    limit = settings.OVERSIGHT_API_MAX_BODY_MB * 1024 * 1024
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise ApiProblem(
            413,
            f"The request body is {length:,} bytes; the most this server accepts is "
            f"{limit:,} bytes ({settings.OVERSIGHT_API_MAX_BODY_MB} MB). Send it in parts.",
        )
    body = request.read()
    request._body = body
    request._stream = io.BytesIO(body)
