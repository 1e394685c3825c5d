"""The token pages (issue 10, part 2): a person makes, lists and revokes their own tokens; an
administrator makes and revokes service tokens. Every change is a POST with CSRF, audited; a new
token is shown once."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from oversight.accounts.roles import AccessRole
from oversight.api.actions import create_personal_token
from oversight.api.models import ApiToken
from oversight.audit.models import AuditEvent
from tests.conftest import Scene
from tests.factories import TEST_PASSWORD, make_user

MAKE = {"name": "Power BI team dashboard", "access": "read", "days": "90"}


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _secret_on(page: str) -> str:
    found = re.findall(r'value="(ovs_[A-Za-z0-9_-]+)"', page)
    assert len(found) == 1
    return found[0]


def test_a_person_makes_a_token_and_sees_it_once(three_worker_team: Scene) -> None:
    client = signed_in(three_worker_team.users["tm"])

    made = client.post("/account/api-tokens/", MAKE)
    listed = client.get("/account/api-tokens/")

    secret = _secret_on(made.content.decode())
    token = ApiToken.objects.get()
    assert made.status_code == 200
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.name, token.access, token.kind) == ("Power BI team dashboard", "read", "personal")
    assert secret not in listed.content.decode()
    assert f"{token.prefix}…" in listed.content.decode()
    assert AuditEvent.objects.filter(object_type="api_token", username="tm").count() == 1


def test_the_form_says_what_is_missing(three_worker_team: Scene) -> None:
    client = signed_in(three_worker_team.users["tm"])

    response = client.post("/account/api-tokens/", {"name": "", "days": "90"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Error: API tokens" in page
    assert "Enter what the token is for, for example Power BI team dashboard" in page
    assert "Select what the token may do" in page
    assert not ApiToken.objects.exists()


def test_a_lifetime_beyond_the_configured_longest_is_refused(
    three_worker_team: Scene, settings: Any
) -> None:
    settings.OVERSIGHT_API_TOKEN_MAX_DAYS = 90
    client = signed_in(three_worker_team.users["tm"])

    response = client.post("/account/api-tokens/", MAKE | {"days": "365"})

    assert response.status_code == 400
    assert "Select one of the lifetimes shown" in response.content.decode()


def test_revoking_stops_the_token_and_needs_a_post(three_worker_team: Scene) -> None:
    user = three_worker_team.users["tm"]
    new = create_personal_token(user=user, name="Script", access="read", days=30)
    client = signed_in(user)
    address = f"/account/api-tokens/{new.record.pk}/revoke/"

    refused = client.get(address)
    revoked = client.post(address)

    assert refused.status_code == 405
    assert revoked.status_code == 302
    assert ApiToken.objects.get().revoked_by == user
    page = client.get("/account/api-tokens/").content.decode()
    assert "Revoked" in page
    assert "The token “Script” is revoked: it no longer works." in page


def test_nobody_revokes_another_persons_token(three_worker_team: Scene) -> None:
    new = create_personal_token(
        user=three_worker_team.users["tm"], name="Script", access="read", days=30
    )
    client = signed_in(three_worker_team.users["ben"])

    response = client.post(f"/account/api-tokens/{new.record.pk}/revoke/")

    assert response.status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_making_a_token_needs_the_csrf_token(three_worker_team: Scene) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(three_worker_team.users["tm"])

    response = client.post("/account/api-tokens/", MAKE)

    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_someone_without_an_access_role_has_no_token_page(db: None) -> None:
    nobody = User.objects.create_user(username="nobody", password=TEST_PASSWORD)

    assert signed_in(nobody).get("/account/api-tokens/").status_code == 404


@pytest.fixture
def administrator(db: None) -> Any:
    return make_user("administrator", AccessRole.ADMINISTRATOR)


def test_an_administrator_makes_a_service_token_with_its_own_account(administrator: Any) -> None:
    client = signed_in(administrator)

    made = client.post("/settings/service-tokens/", MAKE | {"name": "Nightly feed"})

    token = ApiToken.objects.get()
    assert _secret_on(made.content.decode())
    assert (token.kind, token.user.username, token.created_by) == (
        "service",
        "service-nightly-feed",
        administrator,
    )
    assert "service-nightly-feed" in client.get("/settings/service-tokens/").content.decode()


def test_revoking_a_service_token_closes_its_account(administrator: Any) -> None:
    client = signed_in(administrator)
    client.post("/settings/service-tokens/", MAKE | {"name": "Nightly feed"})
    token = ApiToken.objects.get()

    client.post(f"/settings/service-tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not token.user.is_active


def test_only_an_administrator_has_the_service_tokens_page(three_worker_team: Scene) -> None:
    client = signed_in(three_worker_team.users["tm"])

    assert client.get("/settings/service-tokens/").status_code == 404
    assert client.post("/settings/service-tokens/", MAKE).status_code == 404


def test_a_service_token_is_not_revoked_from_the_personal_page(administrator: Any) -> None:
    client = signed_in(administrator)
    client.post("/settings/service-tokens/", MAKE | {"name": "Nightly feed"})
    token = ApiToken.objects.get()

    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
