"""The absolute session limit with its warning, sessions ended when a user is made inactive, and
the password rules (issue 9, part 3)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from oversight.accounts.idle import LAST_SEEN, SIGNED_IN_AT
from oversight.audit.models import AuditEvent
from tests.conftest import Scene
from tests.factories import TEST_PASSWORD

HOUR = 3600


def _signed_in_ago(client: Client, seconds: float) -> None:
    session = client.session
    session[SIGNED_IN_AT] = time.time() - seconds
    session[LAST_SEEN] = time.time()  # active a moment ago: only the absolute limit applies
    session.save()


def _signed_in(scene: Scene, username: str = "tm") -> Client:
    client = Client()
    client.force_login(scene.users[username])
    return client


def test_signing_in_starts_the_session_clock(three_worker_team: Scene) -> None:
    client = Client()
    before = time.time()

    client.post("/sign-in/", {"username": "tm", "password": TEST_PASSWORD})

    assert before <= client.session[SIGNED_IN_AT] <= time.time()


def test_a_session_ends_ten_hours_after_signing_in_however_busy(three_worker_team: Scene) -> None:
    client = _signed_in(three_worker_team)
    _signed_in_ago(client, 10 * HOUR + 1)

    response = client.get("/teams/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fteams%2F&ended=1"
    assert client.get("/teams/").status_code == 302  # signed out for good
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_OUT)
    assert (event.username, event.what) == ("tm", "Signed out 10 hours after signing in")
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because sessions last 10 hours." in page


def test_the_limit_is_a_setting(three_worker_team: Scene, settings: Any) -> None:
    settings.OVERSIGHT_SESSION_HOURS = 2
    client = _signed_in(three_worker_team)
    _signed_in_ago(client, 1.9 * HOUR)
    assert client.get("/teams/").status_code == 200

    _signed_in_ago(client, 2 * HOUR + 1)

    assert client.get("/teams/")["Location"] == "/sign-in/?next=%2Fteams%2F&ended=1"


def test_pages_warn_in_the_last_fifteen_minutes(three_worker_team: Scene) -> None:
    client = _signed_in(three_worker_team)
    _signed_in_ago(client, 10 * HOUR - 10 * 60)
    ends = timezone.localtime(
        dt.datetime.fromtimestamp(client.session[SIGNED_IN_AT] + 10 * HOUR, tz=dt.UTC)
    )

    page = client.get("/teams/", follow=True).content.decode()

    assert f"You will be signed out at {ends:%H:%M}: sessions last 10 hours." in page


def test_no_warning_earlier_in_the_day(three_worker_team: Scene) -> None:
    client = _signed_in(three_worker_team)
    _signed_in_ago(client, 9 * HOUR)

    page = client.get("/teams/", follow=True).content.decode()

    assert 'data-testid="session-ends-banner"' not in page


def test_making_a_user_inactive_ends_all_their_sessions_at_once(three_worker_team: Scene) -> None:
    office, laptop = _signed_in(three_worker_team), _signed_in(three_worker_team)
    colleague = _signed_in(three_worker_team, "ben")
    user = three_worker_team.users["tm"]
    assert Session.objects.count() == 3

    user.is_active = False
    user.save()

    remaining = [s.get_decoded()["_auth_user_id"] for s in Session.objects.all()]
    assert remaining == [str(three_worker_team.users["ben"].pk)]
    assert colleague.get("/my/caseload/").status_code == 200
    for client in (office, laptop):
        assert client.get("/teams/")["Location"].startswith("/sign-in/")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.SIGN_OUT)
    assert (event.username, event.what) == (
        "tm",
        "Signed out of 2 sessions: account made inactive",
    )


def test_saving_an_active_user_leaves_their_sessions(three_worker_team: Scene) -> None:
    _signed_in(three_worker_team)
    user = three_worker_team.users["tm"]

    user.first_name = "Tess"
    user.save()

    assert Session.objects.count() == 1


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pass", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("384729104857", "This password is entirely numeric."),
        ("casey.worker.2026", "The password is too similar to the username."),
    ],
)
def test_passwords_must_be_long_uncommon_and_not_like_the_username(
    three_worker_team: Scene, password: str, message: str
) -> None:
    user = three_worker_team.users["tm"]
    user.username = "casey.worker"

    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    assert message in refused.value.messages


def test_a_long_unusual_password_is_accepted(three_worker_team: Scene) -> None:
    validate_password("kettle orbit lantern 42", three_worker_team.users["tm"])
