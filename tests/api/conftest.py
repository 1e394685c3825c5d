"""Callers of the API: each persona of the three-worker team (tests/conftest.py) with a token,
an information officer, and a service token, plus a client that sends the token."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from oversight.accounts.roles import AccessRole
from oversight.api.actions import create_personal_token, create_service_token
from oversight.api.models import ApiToken
from tests.conftest import Scene
from tests.factories import make_user

READ, WRITE = ApiToken.Access.READ, ApiToken.Access.READ_WRITE


class Api:
    """The test client, speaking to /api/v1/ with a bearer token."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, token: str | None, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, **_auth(token))

    def post(self, path: str, token: str | None, body: Any, **params: Any) -> Any:
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return self.client.post(
            f"/api/v1{path}" + (f"?{query}" if query else ""),
            json.dumps(body, default=str),
            content_type="application/json",
            **_auth(token),
        )


def _auth(token: str | None) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Each test starts with no requests counted against any token."""
    cache.clear()


@dataclass
class Tokens:
    """Secrets by persona: tm, atm, ben (read-only, personal), tm_write, io (information
    officer, read and write), service (a service token, read and write)."""

    secrets: dict[str, str]
    users: dict[str, User]

    def __getitem__(self, name: str) -> str:
        return self.secrets[name]


@pytest.fixture
def tokens(three_worker_team: Scene) -> Tokens:
    scene = three_worker_team
    users: dict[str, User] = dict(scene.users)
    users["io"] = make_user("officer", AccessRole.INFORMATION_OFFICER)  # type: ignore[assignment]
    users["admin"] = make_user("administrator", AccessRole.ADMINISTRATOR)  # type: ignore[assignment]
    secrets = {
        name: create_personal_token(user=users[name], name=f"{name}'s", access=READ, days=30).secret
        for name in ("tm", "atm", "ben", "dan", "io")
    }
    secrets["tm_write"] = create_personal_token(
        user=users["tm"], name="tm writes", access=WRITE, days=30
    ).secret
    secrets["atm_write"] = create_personal_token(
        user=users["atm"], name="atm writes", access=WRITE, days=30
    ).secret
    secrets["io_write"] = create_personal_token(
        user=users["io"], name="io writes", access=WRITE, days=30
    ).secret
    service = create_service_token(by=users["admin"], name="Nightly feed", access=WRITE, days=30)
    secrets["service"] = service.secret
    users["service"] = service.record.user
    return Tokens(secrets, users)
