"""Supervision through the API (issue 10, parts 3 and 4): compliance, and recording a session
through the web's own form checks and action, with the same rules on who may record or read.

Ben is an ASYE who started in post on 3 October 2022: at AS_AT (14 June 2023) he is past six
months, so monthly (every 28 days, R-SV-1). A formal 95-minute session on 12 June counts (at
least 90 minutes), so his next is due on 10 July (R-SV-3).
"""

from __future__ import annotations

from typing import Any

import pytest

from oversight.api import supervision as api_supervision
from oversight.audit.models import AuditEvent
from oversight.supervision.models import SupervisionSession
from tests.api.conftest import Api, Tokens
from tests.conftest import AS_AT, Scene


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_supervision, "today", lambda: AS_AT)


def _session(scene: Scene, **overrides: Any) -> dict[str, Any]:
    return {
        "supervisee_id": scene.ben.pk,
        "held_on": "2023-06-12",
        "kind": "formal",
        "minutes": 95,
        "decisions": [
            {"child_id": scene.children["B1"].pk, "decision": "Complete the assessment by Friday."},
            {"child_id": scene.children["B2"].pk, "decision": "Step down to early help."},
        ],
        "actions": [{"description": "Book the ASYE portfolio review", "due_on": "2023-06-30"}],
    } | overrides


def test_the_supervisor_records_a_session_as_the_web_form_would(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    scene = three_worker_team

    response = api.post("/supervision/sessions", tokens["atm_write"], _session(scene))

    session = SupervisionSession.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": session.pk,
        "supervisee_id": scene.ben.pk,
        "supervisee": "Ben Newly",
        "supervisor_id": scene.atm.pk,
        "supervisor": "Amir Assistant",
        "held_on": "2023-06-12",
        "kind": "formal",
        "minutes": 95,
        "written_up_on": None,
        "decisions": [
            {
                "child_id": scene.children["B1"].pk,
                "la_child_id": "B1",
                "decision": "Complete the assessment by Friday.",
            },
            {
                "child_id": scene.children["B2"].pk,
                "la_child_id": "B2",
                "decision": "Step down to early help.",
            },
        ],
        "actions": [
            {
                "description": "Book the ASYE portfolio review",
                "due_on": "2023-06-30",
                "done_on": None,
            }
        ],
    }
    assert session.recorded_by == scene.users["atm"]
    event = AuditEvent.objects.filter(object_type="supervision_session").get()
    assert (event.username, event.what) == ("atm", "Supervision recorded: Ben Newly, 12/06/2023")


def test_compliance_shows_the_session_and_the_next_one_due(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    api.post("/supervision/sessions", tokens["atm_write"], _session(three_worker_team))

    body = api.get("/supervision/compliance", tokens["atm"], as_at=AS_AT).json()

    ben = next(row for row in body["items"] if row["name"] == "Ben Newly")
    assert ben == {
        "worker_id": three_worker_team.ben.pk,
        "name": "Ben Newly",
        "team_id": three_worker_team.team.pk,
        "stage": "Monthly (ASYE)",
        "last_session": "2023-06-12",
        "next_due": "2023-07-10",
        "days_overdue": 0,
        "overdue": False,
        "not_written_up": 0,
    }
    assert [row["name"] for row in body["items"]] == ["Amir Assistant", "Ben Newly", "Cara Support"]


def test_compliance_filters_to_those_overdue(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    api.post("/supervision/sessions", tokens["atm_write"], _session(three_worker_team))

    overdue = api.get("/supervision/compliance", tokens["atm"], as_at=AS_AT, overdue=True).json()

    assert "Ben Newly" not in [row["name"] for row in overdue["items"]]
    assert all(row["overdue"] and row["days_overdue"] > 0 for row in overdue["items"])


def test_a_read_only_token_never_records(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    response = api.post("/supervision/sessions", tokens["atm"], _session(three_worker_team))

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "This token is read-only: make a read-and-write token to write."
    )
    assert not SupervisionSession.objects.exists()


@pytest.mark.parametrize("caller", ["io_write", "service"])
def test_an_information_officer_or_service_never_records_supervision(
    api: Api, tokens: Tokens, three_worker_team: Scene, caller: str
) -> None:
    response = api.post("/supervision/sessions", tokens[caller], _session(three_worker_team))

    assert response.status_code == 404


def test_a_manager_cannot_record_for_another_teams_worker(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    scene = three_worker_team
    body = _session(scene, supervisee_id=scene.dan.pk, decisions=[], actions=[])

    assert api.post("/supervision/sessions", tokens["tm_write"], body).status_code == 404


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        (
            {"held_on": "2023-06-15"},
            "held_on",
            "The date the session was held must be today or in the past",
        ),
        (
            {"written_up_on": "2023-06-11"},
            "written_up_on",
            "The write-up date must be on or after the session",
        ),
        (
            {"actions": [{"description": "Review", "due_on": "2023-06-01"}]},
            "actions.0.due_on",
            "Action 1 must be due on or after the session",
        ),
    ],
)
def test_the_forms_checks_come_back_as_field_errors(
    api: Api,
    tokens: Tokens,
    three_worker_team: Scene,
    change: dict[str, Any],
    field: str,
    reason: str,
) -> None:
    response = api.post(
        "/supervision/sessions", tokens["atm_write"], _session(three_worker_team, **change)
    )

    assert response.status_code == 422
    assert [(e["field"], e["reason"]) for e in response.json()["errors"]] == [(field, reason)]
    assert not SupervisionSession.objects.exists()


def test_a_decision_on_a_case_the_worker_does_not_hold_is_refused(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    scene = three_worker_team
    stranger = scene.children["D1"].pk
    body = _session(scene, decisions=[{"child_id": stranger, "decision": "Close"}])

    response = api.post("/supervision/sessions", tokens["atm_write"], body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "table": None,
            "row": None,
            "field": "decisions.0.child_id",
            "value": str(stranger),
            "reason": "not one of the supervisee's open cases",
        }
    ]


def test_the_supervisee_reads_their_session_and_an_information_officer_cannot(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    created = api.post("/supervision/sessions", tokens["atm_write"], _session(three_worker_team))
    path = f"/supervision/sessions/{created.json()['id']}"

    assert api.get(path, tokens["ben"]).json()["minutes"] == 95
    assert api.get(path, tokens["io"]).status_code == 404
    assert api.get(path, tokens["dan"]).status_code == 404
    event = AuditEvent.objects.filter(username="ben").latest("id")
    assert event.what == "API: supervision record: Ben Newly, 12/06/2023"
    assert event.detail["api_token"] == tokens["ben"][:12]
