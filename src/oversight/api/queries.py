"""Reads of API tokens: a user's own, the service tokens, and the token a request presents."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404

from oversight.api.actions import PREFIX_LENGTH, TOKEN_START, hash_of
from oversight.api.models import ApiToken

# Longer than any token we make, so a huge header is refused before it is hashed.
MAX_TOKEN_LENGTH = 100


def personal_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user, kind=ApiToken.Kind.PERSONAL)


def service_tokens() -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(kind=ApiToken.Kind.SERVICE).select_related("user", "created_by")


def get_personal_token(user: User, token_id: int) -> ApiToken:
    try:
        return personal_tokens_of(user).get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None


def get_service_token(token_id: int) -> ApiToken:
    try:
        return service_tokens().get(pk=token_id)
    except ApiToken.DoesNotExist:
        raise Http404("No such token") from None


def token_presented(secret: str) -> ApiToken | None:
    """The token with this secret, whatever its state (the caller checks expiry and
    revocation, so it can say which). Looked up by hash: the secret is never stored."""
    if not secret.startswith(TOKEN_START) or len(secret) > MAX_TOKEN_LENGTH:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_of(secret)).first()


def visible_prefix(secret: str) -> str:
    """What may be written down about a presented token: its prefix, never the rest."""
    return secret[:PREFIX_LENGTH] if secret.startswith(TOKEN_START) else ""
