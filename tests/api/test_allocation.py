"""Allocation through the API (issues 5 and 10): the queue, the whole meeting, one case's
ranking, and recording a decision through the web's own checks and action (R-AL-1..3)."""

from __future__ import annotations

from typing import Any

import pytest

from oversight.api.actions import create_personal_token
from oversight.api.models import ApiToken
from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation
from tests.api.conftest import Api


@pytest.fixture
def secrets(meeting: dict[str, Any]) -> dict[str, str]:
    def token(user: Any, access: ApiToken.Access) -> str:
        return create_personal_token(user=user, name="test", access=access, days=30).secret

    return {
        "tm_read": token(meeting["tm"], ApiToken.Access.READ),
        "tm_write": token(meeting["tm"], ApiToken.Access.READ_WRITE),
        "sam": token(meeting["sam_user"], ApiToken.Access.READ_WRITE),
    }


def test_r_al_2_queue_with_top_recommendations_and_the_whole_meeting(
    api: Api,
    meeting: dict[str, Any],
    secrets: dict[str, str],
) -> None:
    path = f"/allocation/teams/{meeting['team'].id}/queue"
    body = api.get(path, secrets["tm_read"], optimise="true").json()
    assert [(i["la_child_id"], i["top_worker_id"], i["top_score"]) for i in body["items"]] == [
        ("CP-001", meeting["sam"].id, 72.65),
        ("LOW-002", meeting["fay"].id, 58.82),
    ]
    assert body["comparison"]["optimised"]["allocated"] == 2
    assert body["comparison"]["proven_optimal"] is True


def test_r_al_2_recommendation_shows_every_part_and_the_excluded(
    api: Api,
    meeting: dict[str, Any],
    secrets: dict[str, str],
) -> None:
    body = api.get(
        f"/allocation/cases/{meeting['cp'].id}/recommendation", secrets["tm_read"]
    ).json()
    assert body["ranked"][0]["parts"] == {
        "Experience fit": 30.0,
        "Capacity after allocation": 22.65,
        "Recent s47 load": 15.0,
        "Knows the child": 0.0,
        "Siblings together": 0.0,
        "Same team": 5.0,
    }
    assert body["excluded"] == [
        {
            "worker_id": meeting["fay"].id,
            "worker": "Fay Support",
            "reasons": [
                "Level 3 is above the most an FSW may hold (1)",
                "FSW: child protection cases are never held by a family support worker",
            ],
            "hard_rule": True,
        }
    ]


def test_r_al_3_recording_a_decision_checks_the_rules(
    api: Api,
    meeting: dict[str, Any],
    secrets: dict[str, str],
) -> None:
    path = f"/allocation/cases/{meeting['cp'].id}/allocations"
    eve = {"worker_id": meeting["eve"].id}
    assert api.post(path, secrets["tm_read"], eve).status_code == 403
    refused = api.post(path, secrets["tm_write"], eve)
    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "rationale"
    assert not Allocation.objects.exists()
    made = api.post(path, secrets["tm_write"], eve | {"rationale": "Knows the family"})
    assert made.status_code == 201
    [allocation] = made.json()["allocations"]
    assert (allocation["worker"], allocation["complexity_level"], allocation["rationale"]) == (
        "Eve Experienced",
        3,
        "Knows the family",
    )
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.CHANGE).latest("id")
    assert event.what == "Allocated CP-001 to Eve Experienced"
    # No longer waiting: the same request again finds nothing to allocate.
    assert api.post(path, secrets["tm_write"], eve | {"rationale": "x"}).status_code == 404


def test_a_case_outside_the_tokens_scope_is_not_found(
    api: Api,
    meeting: dict[str, Any],
    secrets: dict[str, str],
) -> None:
    path = f"/allocation/cases/{meeting['cp'].id}/allocations"
    assert api.post(path, secrets["sam"], {"worker_id": meeting["sam"].id}).status_code == 404
    assert (
        api.get(f"/allocation/teams/{meeting['team'].id}/queue", secrets["sam"]).status_code == 404
    )
