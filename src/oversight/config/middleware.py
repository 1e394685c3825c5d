"""Response hardening for every page: a strict Content Security Policy (no inline scripts or
styles, nothing from other hosts), nothing a signed-in user was sent kept in a browser or proxy
cache, and every refusal of a signed-in user recorded in the audit trail."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# The refusals worth recording: not allowed (403) and "not yours or not there" (404, which is how
# Oversight refuses a record outside the user's scope).
REFUSALS = frozenset({403, 404})


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", POLICY)
        return response


class NoStoreMiddleware:
    """Pages and downloads for a signed-in user may hold child data: a shared computer's browser
    cache, its back button after signing out, or a proxy must not keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        # Also after signing out in this request: the page before it was a signed-in page.
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class DeniedAccessAuditMiddleware:
    """Issue 9: every denied access in the audit trail — a signed-in user refused a page or a
    record (403 or 404), or a form without its CSRF token (403). Signing-in failures and
    lock-outs are recorded where they happen (accounts.views, accounts.signals)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = request.user
        if response.status_code in REFUSALS and user.is_authenticated:
            record_event(
                user=user,
                kind=AuditEvent.Kind.DENIED,
                what=f"Refused ({response.status_code}): {request.method} {request.path}",
                detail={"status": response.status_code, "path": request.path[:500]},
                request=request,
            )
        return response
