"""Optional single sign-on through OpenID Connect (issue 9, part 3), with the identity provider's
token and userinfo endpoints mocked: no network. A sign-in is matched by email to an existing,
active account and never creates one; every attempt is audited."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from oversight.accounts.roles import AccessRole
from oversight.audit.models import AuditEvent
from tests.factories import make_user

CLIENT_ID = "oversight-test-client"
SECRET = "a-client-secret-long-enough-for-hs256-signing"
PROVIDER = "https://idp.example.test"


@pytest.fixture
def sso(settings: Any) -> None:
    """Single sign-on switched on, as the OVERSIGHT_OIDC_* variables would. HS256 here, so the
    test signs its own ID tokens with the client secret; Entra uses RS256 and published keys."""
    settings.OVERSIGHT_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = ""
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "oversight.accounts.sso.SingleSignOnBackend",
    ]


class _Reply:
    def __init__(self, body: dict[str, Any]) -> None:
        self.body, self.status_code, self.headers, self.url = body, 200, {}, ""

    def json(self) -> dict[str, Any]:
        return self.body

    def raise_for_status(self) -> None:
        return None


class FakeProvider:
    """The identity provider's two back-channel endpoints, recording the calls made to them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, email: str, audience: str) -> None:
        self.email, self.audience = email, audience
        self.nonce = ""  # the provider puts the nonce it was sent in the ID token
        self.calls: list[tuple[str, str, Any]] = []
        monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", self.token)
        monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", self.userinfo)

    def token(self, url: str, data: dict[str, str], **kwargs: Any) -> _Reply:
        self.calls.append(("token", url, data))
        claims = {"aud": self.audience, "iss": PROVIDER, "exp": time.time() + 300}
        id_token = jwt.encode({**claims, "nonce": self.nonce}, SECRET, algorithm="HS256")
        return _Reply({"id_token": id_token, "access_token": "access-token"})

    def userinfo(self, url: str, headers: dict[str, str], **kwargs: Any) -> _Reply:
        self.calls.append(("userinfo", url, headers))
        return _Reply({"sub": "abc", "email": self.email})


def _provider(
    monkeypatch: pytest.MonkeyPatch, email: str, audience: str = CLIENT_ID
) -> FakeProvider:
    return FakeProvider(monkeypatch, email, audience)


def _round_trip(client: Client, provider: FakeProvider) -> Any:
    """Press the button, let the provider "sign the person in", come back with a code."""
    started = client.get("/sign-in/sso/")
    assert started.status_code == 302
    sent = parse_qs(urlsplit(started["Location"]).query)
    provider.nonce = sent["nonce"][0]
    return client.get("/sign-in/sso/callback/", {"code": "the-code", "state": sent["state"][0]})


def test_the_sign_in_page_offers_the_button_only_when_set_up(
    db: None, settings: Any, sso: None
) -> None:
    assert "Sign in with Microsoft" in Client().get("/sign-in/").content.decode()

    settings.OVERSIGHT_OIDC_ENABLED = False
    assert "Sign in with Microsoft" not in Client().get("/sign-in/").content.decode()
    assert Client().get("/sign-in/sso/").status_code == 404


def test_the_button_goes_to_the_provider_with_state_nonce_and_pkce(db: None, sso: None) -> None:
    response = Client().get("/sign-in/sso/")

    url = urlsplit(response["Location"])
    sent = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{PROVIDER}/authorize"
    assert sent["client_id"] == [CLIENT_ID]
    assert sent["redirect_uri"] == ["http://testserver/sign-in/sso/callback/"]
    assert sent["scope"] == ["openid email profile"]
    assert sent["code_challenge_method"] == ["S256"]
    assert len(sent["state"][0]) == 32
    assert len(sent["nonce"][0]) == 32


def test_a_known_email_signs_in_to_that_account(
    db: None, sso: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user("tara", AccessRole.TEAM_MANAGER)
    user.email = "tara.north@testshire.gov.uk"  # type: ignore[attr-defined]
    user.save()  # type: ignore[attr-defined]
    provider = _provider(monkeypatch, email="Tara.North@Testshire.gov.uk")
    client = Client()

    response = _round_trip(client, provider)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)  # type: ignore[attr-defined]
    assert [call[0] for call in provider.calls] == ["token", "userinfo"]
    assert provider.calls[0][2]["code"] == "the-code"
    assert provider.calls[1][2] == {"Authorization": "Bearer access-token"}
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN)
    assert (event.username, event.what) == ("tara", "Signed in with single sign-on")


@pytest.mark.parametrize("active", [True, False], ids=["unknown email", "inactive account"])
def test_no_matching_active_account_means_no_sign_in_and_no_new_account(
    db: None, sso: None, monkeypatch: pytest.MonkeyPatch, active: bool
) -> None:
    user = make_user("leaver", AccessRole.WORKER)
    user.email = "leaver@testshire.gov.uk"  # type: ignore[attr-defined]
    user.is_active = active  # type: ignore[attr-defined]
    user.save()  # type: ignore[attr-defined]
    email = "stranger@testshire.gov.uk" if active else "leaver@testshire.gov.uk"
    client = Client()

    response = _round_trip(client, _provider(monkeypatch, email=email))

    assert response["Location"] == "/sign-in/?sso_failed=1"
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == 1
    failed = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    assert (failed.what, failed.detail) == ("Single sign-on failed", {"email": email, "error": ""})
    page = client.get(response["Location"]).content.decode()
    assert "Your work account's email address must match an Oversight account" in page


def test_an_id_token_for_another_application_is_refused(
    db: None, sso: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user("tara", AccessRole.TEAM_MANAGER)
    user.email = "tara.north@testshire.gov.uk"  # type: ignore[attr-defined]
    user.save()  # type: ignore[attr-defined]
    provider = _provider(monkeypatch, email="tara.north@testshire.gov.uk", audience="another-app")
    client = Client()

    response = _round_trip(client, provider)

    assert response["Location"] == "/sign-in/?sso_failed=1"
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_IN_FAILED)
    assert failed.detail == {"email": "", "error": "ID token was issued for another client"}


def _settings_in_a_fresh_process(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped} | env
    environment["OVERSIGHT_VAR_DIR"] = str(tmp_path)
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.OVERSIGHT_OIDC_ENABLED, s.OIDC_OP_AUTHORIZATION_ENDPOINT,"
        " s.OIDC_OP_TOKEN_ENDPOINT, s.OIDC_OP_USER_ENDPOINT, s.OIDC_OP_JWKS_ENDPOINT,"
        " s.AUTHENTICATION_BACKENDS[-1])"
    )
    return subprocess.run(  # noqa: S603 - our own settings, fixed arguments
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "oversight.config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_entra_tenant_fills_in_the_provider_addresses(tmp_path: Path) -> None:
    result = _settings_in_a_fresh_process(
        tmp_path,
        OVERSIGHT_OIDC_CLIENT_ID="app-id",
        OVERSIGHT_OIDC_CLIENT_SECRET="secret",
        OVERSIGHT_OIDC_TENANT="contoso-tenant",
    )

    assert result.returncode == 0, result.stderr
    entra = "https://login.microsoftonline.com/contoso-tenant"
    assert result.stdout.split() == [
        "True",
        f"{entra}/oauth2/v2.0/authorize",
        f"{entra}/oauth2/v2.0/token",
        "https://graph.microsoft.com/oidc/userinfo",
        f"{entra}/discovery/v2.0/keys",
        "oversight.accounts.sso.SingleSignOnBackend",
    ]


def test_half_set_up_single_sign_on_refuses_to_start(tmp_path: Path) -> None:
    result = _settings_in_a_fresh_process(tmp_path, OVERSIGHT_OIDC_CLIENT_ID="app-id")

    assert result.returncode != 0
    assert "Single sign-on is half set up: set OVERSIGHT_OIDC_TENANT" in result.stderr


def test_off_by_default(tmp_path: Path) -> None:
    result = _settings_in_a_fresh_process(tmp_path)

    assert result.stdout.split()[0] == "False"
    assert "axes" not in result.stdout.split()[-1]  # the last backend is Django's own
    assert result.stdout.split()[-1] == "django.contrib.auth.backends.ModelBackend"
