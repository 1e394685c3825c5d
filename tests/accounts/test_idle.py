"""Sessions end after a time without activity, and when a user is disabled (issue 9, part 3)."""

from __future__ import annotations

import time

from django.test import Client

from oversight.accounts.idle import LAST_SEEN
from oversight.audit.models import AuditEvent
from tests.conftest import Scene


def _idle_for(client: Client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN] = time.time() - minutes * 60
    session.save()


def test_a_session_idle_past_the_limit_is_signed_out(three_worker_team: Scene) -> None:
    client = Client()
    client.force_login(three_worker_team.users["tm"])
    client.get("/teams/")
    _idle_for(client, 31)

    response = client.get("/teams/")

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=%2Fteams%2F&timed_out=1"
    assert client.get("/teams/").status_code == 302  # signed out for good
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.SIGN_OUT).get()
    assert (event.username, event.what) == ("tm", "Signed out after 30 minutes without activity")
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because you had not used Oversight for a while." in page


def test_activity_within_the_limit_keeps_the_session(three_worker_team: Scene) -> None:
    client = Client()
    client.force_login(three_worker_team.users["tm"])
    _idle_for(client, 29)

    assert client.get("/teams/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5  # renewed


def test_stay_signed_in_renews_the_session(three_worker_team: Scene) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(three_worker_team.users["tm"])
    page = client.get("/teams/")
    token = page.cookies["csrftoken"].value
    _idle_for(client, 29)

    response = client.post("/session/keep-alive/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 204
    assert time.time() - client.session[LAST_SEEN] < 5
    assert client.post("/session/keep-alive/").status_code == 403  # no CSRF token


def test_the_warning_is_on_every_page_for_a_signed_in_user(three_worker_team: Scene) -> None:
    client = Client()
    client.force_login(three_worker_team.users["tm"])

    page = client.get("/teams/").content.decode()

    assert 'data-idle-minutes="30"' in page
    assert "You are about to be signed out" in page


def test_disabling_a_user_ends_their_session(three_worker_team: Scene) -> None:
    client = Client()
    user = three_worker_team.users["tm"]
    client.force_login(user)
    assert client.get("/teams/").status_code == 200

    user.is_active = False
    user.save()

    response = client.get("/teams/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
