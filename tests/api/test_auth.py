"""Tokens and signing in to the API (issue 10, part 2): stored hashed with a visible prefix,
shown once, expiring, revocable; bearer tokens only; refusals as problems, audited; a rate
limit per token and a limit on request bodies."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from oversight.accounts.roles import AccessRole
from oversight.accounts.scope import scope_of
from oversight.api.actions import create_personal_token, create_service_token, revoke_token
from oversight.api.models import ApiToken
from oversight.audit.models import AuditEvent
from tests.api.conftest import READ, WRITE, Api, Tokens
from tests.conftest import Scene

PROBLEM = "application/problem+json"


def test_a_token_is_kept_only_as_its_hash_with_a_visible_prefix(three_worker_team: Scene) -> None:
    user = three_worker_team.users["tm"]

    new = create_personal_token(user=user, name="Power BI", access=READ, days=90)

    stored = ApiToken.objects.get()
    assert new.secret.startswith("ovs_")
    assert len(new.secret) == 4 + 43  # 32 random bytes, URL-safe base64
    assert stored.key_hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert stored.prefix == new.secret[:12]
    assert new.secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert stored.expires_at - stored.created_at == dt.timedelta(days=90)
    assert (stored.kind, stored.access, stored.user, stored.created_by) == (
        "personal",
        "read",
        user,
        user,
    )


def test_making_and_revoking_a_token_are_audited(three_worker_team: Scene) -> None:
    user = three_worker_team.users["tm"]
    new = create_personal_token(user=user, name="Power BI", access=READ, days=30)

    revoke_token(by=user, token=new.record)

    events = list(AuditEvent.objects.filter(object_type="api_token").order_by("id"))
    prefix = new.record.prefix
    assert [e.what for e in events] == [
        f"API token created: Power BI ({prefix}…)",
        f"API token revoked: Power BI ({prefix}…)",
    ]
    assert events[0].detail["access"] == "read"
    assert all(new.secret not in json.dumps(e.detail) for e in events)


def test_a_service_token_has_its_own_account_that_cannot_sign_in(
    three_worker_team: Scene,
) -> None:
    admin = three_worker_team.users["tm"]

    new = create_service_token(by=admin, name="Nightly feed", access=WRITE, days=365)

    account = new.record.user
    assert account.username == "service-nightly-feed"
    assert not account.has_usable_password()
    assert scope_of(account).roles == frozenset({AccessRole.INFORMATION_OFFICER})
    assert new.record.created_by == admin


def test_revoking_a_service_token_closes_its_account(three_worker_team: Scene) -> None:
    admin = three_worker_team.users["tm"]
    new = create_service_token(by=admin, name="Nightly feed", access=WRITE, days=365)

    revoke_token(by=admin, token=new.record)

    assert not User.objects.get(pk=new.record.user_id).is_active


def test_a_valid_token_is_answered_and_notes_when_it_was_used(api: Api, tokens: Tokens) -> None:
    response = api.get("/teams", tokens["tm"])

    assert response.status_code == 200
    token = ApiToken.objects.get(prefix=tokens["tm"][:12])
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ({}, "no token"),
        ({"HTTP_AUTHORIZATION": "Bearer"}, "an empty bearer"),
        ({"HTTP_AUTHORIZATION": "Basic dGVzdDp0ZXN0"}, "another scheme"),
        ({"HTTP_AUTHORIZATION": "Bearer ovs_not-a-real-token"}, "an unknown token"),
    ],
)
def test_no_valid_token_is_401_as_a_problem(
    client: Client, tokens: Tokens, header: dict[str, str], why: str
) -> None:
    response = client.get("/api/v1/teams", **header)

    assert response.status_code == 401, why
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"] == 'Bearer realm="oversight"'
    assert response.json() == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Send a valid, unexpired API token: Authorization: Bearer <token>.",
        "errors": [],
        "warnings": [],
    }


def _refusals() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (e.what, e.username, e.detail)
        for e in AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).order_by("id")
    ]


def test_an_expired_token_is_refused_and_the_refusal_audited(api: Api, tokens: Tokens) -> None:
    ApiToken.objects.filter(prefix=tokens["tm"][:12]).update(expires_at=timezone.now())

    response = api.get("/teams", tokens["tm"])

    assert response.status_code == 401
    detail = {"token": tokens["tm"][:12], "method": "GET", "path": "/api/v1/teams"}
    assert _refusals() == [("API call refused: expired token", "tm", detail)]


def test_a_revoked_token_is_refused(api: Api, tokens: Tokens) -> None:
    token = ApiToken.objects.get(prefix=tokens["tm"][:12])
    revoke_token(by=token.user, token=token)

    response = api.get("/teams", tokens["tm"])

    assert response.status_code == 401
    assert _refusals()[-1][0] == "API call refused: revoked token"


def test_the_token_of_a_deactivated_user_is_refused(api: Api, tokens: Tokens) -> None:
    User.objects.filter(username="tm").update(is_active=False)

    response = api.get("/teams", tokens["tm"])

    assert response.status_code == 401
    assert _refusals()[-1][0] == "API call refused: token of an inactive user"


def test_an_unknown_token_is_audited_by_its_prefix_only(api: Api, tokens: Tokens) -> None:
    api.get("/teams", "ovs_ABCDEFGHsecret-part")

    assert _refusals() == [
        (
            "API call refused: unknown token",
            "",
            {"token": "ovs_ABCDEFGH", "method": "GET", "path": "/api/v1/teams"},
        )
    ]


def test_a_signed_in_browser_session_gets_nothing_without_a_token(
    client: Client, tokens: Tokens
) -> None:
    client.force_login(tokens.users["tm"])

    response = client.get("/api/v1/teams")

    assert response.status_code == 401


def test_a_token_may_make_the_configured_number_of_requests_a_minute(
    api: Api, tokens: Tokens, settings: Any
) -> None:
    settings.OVERSIGHT_API_REQUESTS_PER_MINUTE = 3

    statuses = [api.get("/teams", tokens["tm"]).status_code for _ in range(4)]
    other = api.get("/teams", tokens["atm"])

    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200  # the limit is per token
    refused = api.get("/teams", tokens["tm"])
    assert refused["Content-Type"] == PROBLEM
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"].startswith("This token has made more than 3 requests")


def test_a_body_over_the_limit_is_refused_with_413(
    client: Client, tokens: Tokens, settings: Any
) -> None:
    settings.OVERSIGHT_API_MAX_BODY_MB = 1
    body = json.dumps({"children": [{"la_child_id": "C" * 30}] * 30_000})  # about 1.3 MB

    response = client.post(
        "/api/v1/activity",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['io_write']}",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json()["detail"] == (
        f"The request body is {len(body):,} bytes; the most this server accepts is "
        "1,048,576 bytes (1 MB). Send it in parts."
    )


def test_a_body_larger_than_django_allows_forms_is_accepted_within_the_api_limit(
    client: Client, tokens: Tokens, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # the web's guard, far below the feed
    body = json.dumps({"children": [{"la_child_id": f"NEW{n}"} for n in range(200)]})

    response = client.post(
        "/api/v1/activity?dry_run=true",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {tokens['io_write']}",
    )

    assert len(body) > 1000
    assert response.status_code == 200
    assert response.json()["tables"]["children"] == {"new": 200, "updated": 0, "unchanged": 0}
