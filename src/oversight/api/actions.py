"""Making and revoking API tokens: atomic, audited, the acting user required.

The token itself is returned once, to be shown once; only its SHA-256 hash is stored. A token
is 43 random URL-safe characters after `ovs_` (256 bits), so a hash without a salt is enough:
there is nothing to guess that a salt would protect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from oversight.accounts.roles import AccessRole
from oversight.api.models import ApiToken
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent

TOKEN_START = "ovs_"  # noqa: S105  # nosec B105 - the visible start of every token, not a secret
PREFIX_LENGTH = len(TOKEN_START) + 8
SERVICE_USERNAME_START = "service-"
# A service account reaches the council's data like an information officer (imports, measures)
# and, like one, never anyone's supervision file (accounts.scope.NO_SUPERVISION_FILES).
SERVICE_ROLE = AccessRole.INFORMATION_OFFICER


def hash_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    """A token just made: the record, and the secret to show once."""

    record: ApiToken
    secret: str


def create_personal_token(*, user: User, name: str, access: str, days: int) -> NewToken:
    """A token that acts as `user`, made by them."""
    return _create(
        owner=user, by=user, kind=ApiToken.Kind.PERSONAL, name=name, access=access, days=days
    )


@transaction.atomic
def create_service_token(*, by: User, name: str, access: str, days: int) -> NewToken:
    """A service account for an integration, and its token. The account has no password, so it
    can never sign in to the web app."""
    account = User(
        username=_service_username(name),
        first_name=f"Service: {name}"[:150],
        is_active=True,
    )
    account.set_unusable_password()
    account.save()
    account.groups.add(Group.objects.get_or_create(name=SERVICE_ROLE.value)[0])
    return _create(
        owner=account, by=by, kind=ApiToken.Kind.SERVICE, name=name, access=access, days=days
    )


@transaction.atomic
def revoke_token(*, by: User, token: ApiToken) -> None:
    """Stop a token working at once. A service token's account goes with it (it exists for
    that token alone)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    if token.kind == ApiToken.Kind.SERVICE:
        User.objects.filter(pk=token.user_id).update(is_active=False)
    record_event(
        user=by,
        kind=AuditEvent.Kind.CHANGE,
        what=f"API token revoked: {token.name} ({token.prefix}…)",
        object_type="api_token",
        object_id=token.pk,
        detail={"kind": token.kind, "owner": token.user.get_username()},
    )


@transaction.atomic
def _create(*, owner: User, by: User, kind: str, name: str, access: str, days: int) -> NewToken:
    now = timezone.now()
    secret = _unused_secret()
    token = ApiToken.objects.create(
        user=owner,
        kind=kind,
        name=name,
        access=access,
        prefix=secret[:PREFIX_LENGTH],
        key_hash=hash_of(secret),
        created_at=now,
        created_by=by,
        expires_at=now + dt.timedelta(days=days),
    )
    record_event(
        user=by,
        kind=AuditEvent.Kind.CHANGE,
        what=f"API token created: {name} ({token.prefix}…)",
        object_type="api_token",
        object_id=token.pk,
        detail={
            "kind": kind,
            "access": access,
            "owner": owner.get_username(),
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return NewToken(token, secret)


def _unused_secret() -> str:
    """A new token whose visible prefix no other token has (a clash is astronomically rare,
    but the prefix is unique in the database, so check rather than fail)."""
    while True:
        secret = TOKEN_START + secrets.token_urlsafe(32)
        if not ApiToken.objects.filter(prefix=secret[:PREFIX_LENGTH]).exists():
            return secret


def _service_username(name: str) -> str:
    base = SERVICE_USERNAME_START + (slugify(name)[:100] or "integration")
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username
