"""Web hardening (issue 9, part 4): nothing a signed-in user is sent is kept in a cache, every
response carries the strict Content Security Policy, and production turns on secure cookies,
HTTPS and HSTS."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from oversight.config.middleware import POLICY
from tests.conftest import Scene

NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def _tm(scene: Scene) -> Client:
    client = Client()
    client.force_login(scene.users["tm"])
    return client


def test_pages_with_child_data_are_never_cached(three_worker_team: Scene) -> None:
    response = _tm(three_worker_team).get(f"/teams/{three_worker_team.team.id}/")

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE
    assert response["Content-Security-Policy"] == POLICY


def test_downloads_are_never_cached(three_worker_team: Scene) -> None:
    url = f"/teams/{three_worker_team.team.id}/supervision/audit.csv?month=2023-05&as_at=2023-06-14"

    response = _tm(three_worker_team).get(url)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == NO_STORE


def test_refusals_are_not_cached_either(three_worker_team: Scene) -> None:
    response = _tm(three_worker_team).get(f"/teams/{three_worker_team.other_team.id}/")

    assert response.status_code == 404
    assert response["Cache-Control"] == NO_STORE


def test_the_page_after_signing_out_is_not_cached(three_worker_team: Scene) -> None:
    response = _tm(three_worker_team).post("/sign-out/")

    assert response["Cache-Control"] == NO_STORE


@pytest.mark.django_db
def test_the_sign_in_page_for_a_visitor_carries_the_policy() -> None:
    response = Client().get("/sign-in/")

    assert response["Content-Security-Policy"] == POLICY


def test_production_settings_are_secure(tmp_path: Path) -> None:
    dropped = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "OVERSIGHT_DEBUG"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "oversight.config.settings",
        "OVERSIGHT_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "oversight.example.gov.uk",
        "OVERSIGHT_VAR_DIR": str(tmp_path),
    }
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SESSION_COOKIE_AGE",
        "X_FRAME_OPTIONS",
    ]
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(*(getattr(settings, n) for n in {names!r}))"
    )

    result = subprocess.run(  # noqa: S603 - our own settings, fixed arguments
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        str(365 * 24 * 3600),
        "True",
        str(10 * 3600),
        "DENY",
    ]
