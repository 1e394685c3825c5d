"""Optional single sign-on through OpenID Connect — Microsoft Entra ID for most councils.

Switched on only when OVERSIGHT_OIDC_CLIENT_ID and the rest are set (config/settings.py). The
identity provider says who the person is; Oversight decides what they may see. So a sign-in is
matched by email address to an existing, active Oversight account, and never creates one: an
account and its access role are always given by an administrator. Every attempt is audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent

# Where the email address arrives: Entra sends `email` when the account has a mailbox, and the
# sign-in name (usually the same address) as `preferred_username` or `upn`.
EMAIL_CLAIMS = ("email", "preferred_username", "upn")


def email_of(claims: dict[str, Any]) -> str:
    for name in EMAIL_CLAIMS:
        value = str(claims.get(name) or "").strip()
        if "@" in value:
            return value
    return ""


class SingleSignOnBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(email_of(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        email = email_of(claims)
        # Remembered for the audit event if nobody matches (the callback view records it).
        if self.request is not None:
            setattr(self.request, "oversight_sso_email", email[:150])  # noqa: B010
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True)

    def create_user(self, claims: dict[str, Any]) -> None:
        """Never: OIDC_CREATE_USER is off, and this holds even if someone turns it on."""
        return None

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        """The library checks the signature and nonce but not who the ID token was issued for;
        a token minted for another application of the same provider must not sign anyone in."""
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:
            audience = payload.get("aud")
            audiences = audience if isinstance(audience, list) else [audience]
            if settings.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("ID token was issued for another client")
        return payload


class _AuditedCallback(OIDCAuthenticationCallbackView):  # type: ignore[misc]
    def get(self, request: HttpRequest) -> HttpResponse:
        """A token that fails a check (signature, nonce, audience, a replayed state) is a failed
        sign-in like any other: recorded, and back to the sign-in page."""
        try:
            response: HttpResponse = super().get(request)
        except SuspiciousOperation as refused:
            setattr(request, "oversight_sso_error", str(refused)[:100])  # noqa: B010
            return self.login_failure()
        return response

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        record_event(
            user=self.user,
            kind=AuditEvent.Kind.SIGN_IN,
            what="Signed in with single sign-on",
            request=self.request,
        )
        return response

    def login_failure(self) -> HttpResponse:
        record_event(
            user=None,
            kind=AuditEvent.Kind.SIGN_IN_FAILED,
            what="Single sign-on failed",
            detail={
                "email": getattr(self.request, "oversight_sso_email", ""),
                "error": getattr(self.request, "oversight_sso_error", "")
                or self.request.GET.get("error", "")[:100],
            },
            request=self.request,
        )
        response: HttpResponse = super().login_failure()
        return response


def _enabled() -> None:
    if not settings.OVERSIGHT_OIDC_ENABLED:
        raise Http404("Single sign-on is not set up")


def sso_start(request: HttpRequest) -> HttpResponse:
    """Off to the identity provider (the "Sign in with Microsoft" button)."""
    _enabled()
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


def sso_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider with a code to exchange for the person's identity."""
    _enabled()
    response: HttpResponse = _AuditedCallback.as_view()(request)
    return response
