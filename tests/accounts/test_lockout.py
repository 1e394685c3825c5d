"""Repeated failed sign-ins lock the username out from that address (issue 9, part 3)."""

from __future__ import annotations

from django.test import Client

from oversight.audit.models import AuditEvent
from tests.conftest import Scene
from tests.factories import TEST_PASSWORD


def _attempt(client: Client, password: str) -> int:
    response = client.post("/sign-in/", {"username": "tm", "password": password})
    return response.status_code


def test_five_wrong_passwords_lock_the_username_out(three_worker_team: Scene) -> None:
    client = Client()

    statuses = [_attempt(client, "wrong") for _ in range(5)]
    locked = client.post("/sign-in/", {"username": "tm", "password": TEST_PASSWORD})

    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429  # even the right password, until the cool-off ends
    page = locked.content.decode()
    assert "Too many attempts to sign in" in page
    assert "paused for 15 minutes" in page
    # Every attempt is recorded, the one refused by the lock-out included.
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_IN_FAILED).count() == 6
    denied = AuditEvent.objects.filter(kind=AuditEvent.Kind.DENIED).first()
    assert denied is not None
    assert (denied.what, denied.detail) == (
        "Sign-in locked out after repeated failures",
        {"username": "tm"},
    )


def test_a_right_password_resets_the_count(three_worker_team: Scene) -> None:
    client = Client()
    for _ in range(4):
        _attempt(client, "wrong")

    assert _attempt(client, TEST_PASSWORD) == 302
    client.post("/sign-out/")
    assert [_attempt(client, "wrong") for _ in range(4)] == [200, 200, 200, 200]
