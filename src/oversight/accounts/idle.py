"""Signing out a session left idle, or open too long (issue 9: idle and absolute timeouts, with
a warning).

A session ends after OVERSIGHT_IDLE_MINUTES without a request, and OVERSIGHT_SESSION_HOURS after
signing in whatever happens (a shared office computer left signed in all week). Pages warn two
minutes before the idle limit, with a button that keeps the session alive (static/oversight.js
posts to the keep-alive address); the last SESSION_END_WARNING before the absolute limit, every
page says when the session will end (server-rendered, so it works without JavaScript). Either
way the next request goes to the sign-in page, which says why.

The absolute limit is kept here, not left to SESSION_COOKIE_AGE: Django renews a session's
expiry whenever the session changes, and this middleware changes it on every request.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent

LAST_SEEN = "oversight_last_seen"
SIGNED_IN_AT = "oversight_signed_in_at"
# How long before the absolute limit pages start saying when the session ends.
SESSION_END_WARNING = dt.timedelta(minutes=15)


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            # A session from before this key existed (or a test's force_login) starts now.
            signed_in = float(request.session.setdefault(SIGNED_IN_AT, now))
            if now - signed_in > settings.OVERSIGHT_SESSION_HOURS * 3600:
                hours = settings.OVERSIGHT_SESSION_HOURS
                return _sign_out(request, f"Signed out {hours} hours after signing in", "ended")
            last = request.session.get(LAST_SEEN)
            if last is not None and now - float(last) > settings.OVERSIGHT_IDLE_MINUTES * 60:
                minutes = settings.OVERSIGHT_IDLE_MINUTES
                why = f"Signed out after {minutes} minutes without activity"
                return _sign_out(request, why, "timed_out")
            request.session[LAST_SEEN] = now
        return self.get_response(request)


def _sign_out(request: HttpRequest, what: str, flag: str) -> HttpResponse:
    record_event(user=request.user, kind=AuditEvent.Kind.SIGN_OUT, what=what, request=request)
    logout(request)
    query = urlencode({"next": request.get_full_path(), flag: "1"})
    return HttpResponseRedirect(f"{reverse('login')}?{query}")


def session_ends_at(request: HttpRequest) -> dt.datetime | None:
    """When the absolute limit will sign this session out, once it is near; otherwise None."""
    started = request.session.get(SIGNED_IN_AT) if hasattr(request, "session") else None
    if started is None:
        return None
    ends = dt.datetime.fromtimestamp(float(started), tz=dt.UTC) + dt.timedelta(
        hours=settings.OVERSIGHT_SESSION_HOURS
    )
    return ends if ends - timezone.now() <= SESSION_END_WARNING else None


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The warning's "Stay signed in": the middleware has already renewed the session."""
    status = 204 if request.user.is_authenticated else 401
    return HttpResponse(status=status)
