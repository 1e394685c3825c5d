"""Signing out a session left idle (issue 9: idle and absolute timeouts, with a warning).

A session ends after OVERSIGHT_IDLE_MINUTES without a request (the absolute limit is Django's
SESSION_COOKIE_AGE). Pages warn two minutes before, with a button that keeps the session alive
(static/oversight.js posts to the keep-alive address); without JavaScript the session simply ends
and the next request goes to the sign-in page, which says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent

LAST_SEEN = "oversight_last_seen"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_SEEN)
            idle_seconds = settings.OVERSIGHT_IDLE_MINUTES * 60
            if last is not None and now - float(last) > idle_seconds:
                return _sign_out_idle(request)
            request.session[LAST_SEEN] = now
        return self.get_response(request)


def _sign_out_idle(request: HttpRequest) -> HttpResponse:
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.SIGN_OUT,
        what=f"Signed out after {settings.OVERSIGHT_IDLE_MINUTES} minutes without activity",
        request=request,
    )
    logout(request)
    query = urlencode({"next": request.get_full_path(), "timed_out": "1"})
    return HttpResponseRedirect(f"{reverse('login')}?{query}")


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The warning's "Stay signed in": the middleware has already renewed the session."""
    status = 204 if request.user.is_authenticated else 401
    return HttpResponse(status=status)
