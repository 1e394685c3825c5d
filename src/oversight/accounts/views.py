"""Signing in and out: Django's own views, with our templates, and every attempt audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent


class SignInView(LoginView):
    template_name = "registration/login.html"
    # A signed-in user who opens the sign-in page (an old bookmark) goes to their start page.
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The single sign-on button, only when a council has set it up (accounts.sso).
        if settings.OVERSIGHT_OIDC_ENABLED:
            context["sso_label"] = settings.OVERSIGHT_OIDC_BUTTON
        context["session_hours"] = settings.OVERSIGHT_SESSION_HOURS
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        record_event(
            user=form.get_user(),
            kind=AuditEvent.Kind.SIGN_IN,
            what="Signed in",
            request=self.request,
        )
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        # The attempted username is kept (never the password) so repeated guessing shows up.
        record_event(
            user=None,
            kind=AuditEvent.Kind.SIGN_IN_FAILED,
            what="Sign-in failed",
            detail={"username": form.data.get("username", "")[:150]},
            request=self.request,
        )
        return super().form_invalid(form)


class SignOutView(LogoutView):
    """POST only (Django 5's LogoutView), so a link or an image tag cannot sign anyone out.
    Goes back to the sign-in page (LOGOUT_REDIRECT_URL)."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            record_event(
                user=request.user,
                kind=AuditEvent.Kind.SIGN_OUT,
                what="Signed out",
                request=request,
            )
        return super().post(request, *args, **kwargs)
