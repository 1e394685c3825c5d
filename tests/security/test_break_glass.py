"""Break-glass access (issue 9): a worker opens one case outside their reach with a mandatory
reason; it is granted at once, goes through the doorway, shows a banner while it lasts, is listed
for the team managers concerned, and ends by itself after OVERSIGHT_BREAK_GLASS_HOURS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from oversight.accounts.models import BreakGlassGrant
from oversight.audit.models import AuditEvent
from oversight.cases.queries import cases_visible_to
from tests.security.personas import World

REASON = "Police called at 21:40 about this child; the allocated worker is on leave"


def _ask(client: Client, la_child_id: str, reason: str = REASON) -> Any:
    return client.post(reverse("break-glass"), {"la_child_id": la_child_id, "reason": reason})


def _case_url(world: World, label: str) -> str:
    return reverse("case", kwargs={"child_id": world.children[label].pk})


def _end(grant: BreakGlassGrant, ago: dt.timedelta) -> None:
    """Move a grant into the past, as if its hours had run out `ago`."""
    BreakGlassGrant.objects.filter(pk=grant.pk).update(
        granted_at=timezone.now() - ago - dt.timedelta(hours=4),
        expires_at=timezone.now() - ago,
    )


def test_a_worker_opens_a_case_outside_their_reach_at_once(world: World) -> None:
    client = world.client_for("worker_a")
    assert client.get(_case_url(world, "B1")).status_code == 404

    response = _ask(client, "LEAK-B-0001")

    assert response.status_code == 302
    assert response["Location"] == _case_url(world, "B1")
    page = client.get(_case_url(world, "B1")).content.decode()
    assert "Case LEAK-B-0001" in page
    assert "You are seeing this case through break-glass access until" in page
    labels = set(cases_visible_to(world.users["worker_a"]).values_list("la_child_id", flat=True))
    assert labels == {"LEAK-A-0001", "LEAK-B-0001"}  # through the doorway, nothing else added


def test_the_grant_lasts_the_configured_hours_and_is_audited(world: World, settings: Any) -> None:
    settings.OVERSIGHT_BREAK_GLASS_HOURS = 2
    before = timezone.now()

    _ask(world.client_for("worker_a"), " LEAK-B-0001 ")

    grant = BreakGlassGrant.objects.get()
    assert (grant.user, grant.child, grant.team) == (
        world.users["worker_a"],
        world.children["B1"],
        world.team_a,
    )
    assert grant.expires_at - grant.granted_at == dt.timedelta(hours=2)
    assert grant.granted_at >= before
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.BREAK_GLASS)
    assert (event.username, event.what, event.object_type, event.object_id) == (
        "worker_a",
        "Break-glass access to LEAK-B-0001 for 2 hours",
        "child",
        str(world.children["B1"].pk),
    )
    assert event.detail == {
        "la_child_id": "LEAK-B-0001",
        "reason": REASON,
        "expires_at": grant.expires_at.isoformat(),
        "team": "North Assessment",
    }


def test_each_view_through_the_grant_is_recorded_as_break_glass(world: World) -> None:
    client = world.client_for("worker_a")
    _ask(client, "LEAK-B-0001")

    client.get(_case_url(world, "B1"))
    client.get(_case_url(world, "A1"))

    views = AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW, object_type="child")
    assert sorted((e.detail["la_child_id"], e.detail["break_glass"]) for e in views) == [
        ("LEAK-A-0001", False),
        ("LEAK-B-0001", True),
    ]


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Give the reason you need to see this case"),
        ("   urgent  ", "Give a reason of at least 10 characters"),
    ],
)
def test_a_reason_is_mandatory(world: World, reason: str, error: str) -> None:
    client = world.client_for("worker_a")

    response = _ask(client, "LEAK-B-0001", reason)

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    assert client.get(_case_url(world, "B1")).status_code == 404


def test_an_unknown_child_is_refused_and_the_attempt_recorded(world: World) -> None:
    response = _ask(world.client_for("worker_a"), "LEAK-Z-9999")

    assert response.status_code == 400
    assert "There is no case with that LA child ID in your council" in response.content.decode()
    assert not BreakGlassGrant.objects.exists()
    refused = AuditEvent.objects.get(kind=AuditEvent.Kind.DENIED, username="worker_a")
    assert refused.what == "Break-glass refused: no case with that LA child ID"
    assert refused.detail == {"la_child_id": "LEAK-Z-9999", "reason": REASON}


def test_a_case_already_in_reach_needs_no_grant(world: World) -> None:
    response = _ask(world.client_for("tm_a"), "LEAK-A-0001")

    assert response["Location"] == _case_url(world, "A1")
    assert not BreakGlassGrant.objects.exists()


def test_the_grant_ends_by_itself(world: World) -> None:
    client = world.client_for("worker_a")
    _ask(client, "LEAK-B-0001")
    _end(BreakGlassGrant.objects.get(), ago=dt.timedelta(minutes=1))

    assert client.get(_case_url(world, "B1")).status_code == 404
    assert not cases_visible_to(world.users["worker_a"]).filter(la_child_id="LEAK-B-0001")


def test_a_banner_shows_on_every_page_while_the_grant_lasts(world: World) -> None:
    client = world.client_for("worker_a")
    _ask(client, "LEAK-B-0001")
    grant = BreakGlassGrant.objects.get()
    until = timezone.localtime(grant.expires_at).strftime("%H:%M")

    page = client.get(reverse("my-caseload")).content.decode()

    assert "You have break-glass access to" in page
    assert f"case LEAK-B-0001</a> until {until}." in page
    _end(grant, ago=dt.timedelta(seconds=1))
    assert (
        'data-testid="break-glass-banner"'
        not in client.get(reverse("my-caseload")).content.decode()
    )


def test_the_team_managers_concerned_see_the_grant(world: World) -> None:
    """Tara manages the team that asked; Tom the team whose case it is; Lou the locality that
    asked. Ari, an assistant team manager, is not shown it."""
    _ask(world.client_for("worker_a"), "LEAK-B-0001")
    team_a = reverse("team", kwargs={"team_id": world.team_a.pk})
    team_b = reverse("team", kwargs={"team_id": world.team_b.pk})

    pages = {
        "tm_a team page": world.client_for("tm_a").get(team_a),
        "tm_b team page": world.client_for("tm_b").get(team_b),
        "lm_a break-glass page": world.client_for("lm_a").get(reverse("break-glass")),
        "atm_a team page": world.client_for("atm_a").get(team_a),
    }

    for where in ("tm_a team page", "tm_b team page", "lm_a break-glass page"):
        page = pages[where].content.decode()
        assert "LEAK-B-0001</td>" in page, where
        assert f"{REASON}</td>" in page, where
        assert "worker_a (North Assessment)</td>" in page, where
    assert 'data-testid="break-glass-grants"' not in pages["atm_a team page"].content.decode()


def test_a_team_manager_with_nothing_to_see_is_told_so(world: World) -> None:
    team_a = reverse("team", kwargs={"team_id": world.team_a.pk})

    page = world.client_for("tm_a").get(team_a).content.decode()

    assert "No break-glass access by your staff or to your cases in the last 28 days." in page


def test_information_officers_and_administrators_have_no_need_of_it(world: World) -> None:
    """The officer sees the council already; the administrator has no case role at all."""
    for persona in ("io", "admin"):
        response = _ask(world.client_for(persona), "LEAK-B-0001")
        assert response.status_code == 404, persona
    assert not BreakGlassGrant.objects.exists()


def test_a_grant_stops_working_when_its_holder_loses_their_case_role(world: World) -> None:
    client = world.client_for("worker_a")
    _ask(client, "LEAK-B-0001")

    world.users["worker_a"].groups.clear()

    assert client.get(_case_url(world, "B1")).status_code == 404
