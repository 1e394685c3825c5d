"""The token pages: a person's own API tokens, and an administrator's service tokens.

Making and revoking are POSTs with CSRF, through api.actions (atomic, audited). A new token is
shown once, on the page that answers the POST, and never again: only its hash is kept.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.api.actions import (
    NewToken,
    create_personal_token,
    create_service_token,
    revoke_token,
)
from oversight.api.forms import TokenForm
from oversight.api.models import ApiToken
from oversight.api.queries import (
    get_personal_token,
    get_service_token,
    personal_tokens_of,
    service_tokens,
)


def _signed_in_staff(request: HttpRequest) -> User:
    """Anyone with an access role may make tokens for themselves; a token reaches no more
    than they do."""
    if not scope_of(request.user).roles:
        raise Http404("Not found")
    return request.user  # type: ignore[return-value]


def _administrator(request: HttpRequest) -> User:
    if AccessRole.ADMINISTRATOR not in scope_of(request.user).roles:
        raise Http404("Not found")
    return request.user  # type: ignore[return-value]


@login_required
def personal_tokens(request: HttpRequest) -> HttpResponse:
    user = _signed_in_staff(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        new = create_personal_token(user=user, **form.cleaned_data)
        return _created(request, new, back="api-tokens")
    return _list_page(
        request,
        "api/tokens.html",
        form,
        tokens=personal_tokens_of(user),
        is_administrator=AccessRole.ADMINISTRATOR in scope_of(user).roles,
    )


@login_required
@require_POST
def revoke_personal(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _signed_in_staff(request)
    token = get_personal_token(user, token_id)
    revoke_token(by=user, token=token)
    messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
    return redirect("api-tokens")


@login_required
def service_tokens_page(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        new = create_service_token(by=user, **form.cleaned_data)
        return _created(request, new, back="service-tokens")
    return _list_page(request, "api/service_tokens.html", form, tokens=service_tokens())


@login_required
@require_POST
def revoke_service(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _administrator(request)
    token = get_service_token(token_id)
    revoke_token(by=user, token=token)
    messages.success(request, f"The service token “{token.name}” is revoked: it no longer works.")
    return redirect("service-tokens")


def _list_page(
    request: HttpRequest,
    template: str,
    form: TokenForm,
    *,
    tokens: QuerySet[ApiToken],
    **context: Any,
) -> HttpResponse:
    now = timezone.now()
    rows = [(token, token.state_at(now)) for token in tokens]
    return render(
        request,
        template,
        {"form": form, "rows": rows, **context},
        status=400 if form.errors else 200,
    )


def _created(request: HttpRequest, new: NewToken, *, back: str) -> HttpResponse:
    return render(request, "api/token_created.html", {"new": new, "back": back})
