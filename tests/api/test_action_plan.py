"""The action plan with RAG through the API (issue 10, part 3), on the hand-built plan
(tests/actionplan/plan_scene.py, every rating worked out there): at 14 June 2023 one action on
target, one close, one off, four with no data; two overdue (1.2, 2.4); two reviews missed
(1.1, 2.2). Action 1.1's evidence, open assessments overdue across the council, reads 0 each
month from July 2022 to February 2023, then 1, 1, 1, and 3 at 14 June."""

from __future__ import annotations

import pytest

from tests.actionplan.plan_scene import PlanScene, build_plan
from tests.api.conftest import Api, Tokens
from tests.conftest import AS_AT, Scene


@pytest.fixture
def plan(three_worker_team: Scene) -> PlanScene:
    return build_plan(three_worker_team)


def test_the_councils_inspections_are_listed(api: Api, tokens: Tokens, plan: PlanScene) -> None:
    body = api.get("/action-plan/inspections", tokens["ben"]).json()

    assert body["count"] == 1
    assert body["items"][0] | {"kind": ""} == {
        "id": plan.inspection.pk,
        "body": "Ofsted",
        "kind": "",
        "start_date": "2023-01-09",
        "end_date": "2023-01-10",
        "report_published_on": "2023-02-01",
        "judgement": "",
    }


def test_the_plan_counts_its_actions_by_rag_status_and_lateness(
    api: Api, tokens: Tokens, plan: PlanScene
) -> None:
    body = api.get(f"/action-plan/inspections/{plan.inspection.pk}", tokens["service"], as_at=AS_AT)

    assert body.json()["counts"] == {
        "total": 7,
        "by_rag": {"green": 1, "amber": 1, "red": 1, "none": 4},
        "by_status": {"not_started": 2, "in_progress": 3, "completed": 2, "superseded": 0},
        "overdue": 2,
        "review_missed": 2,
    }


def test_each_action_carries_its_rag_and_where_it_stands(
    api: Api, tokens: Tokens, plan: PlanScene
) -> None:
    body = api.get(f"/action-plan/inspections/{plan.inspection.pk}", tokens["tm"], as_at=AS_AT)

    actions = body.json()["actions"]
    assert [(a["number"], a["rag"], a["overdue"], a["review_missed"]) for a in actions] == [
        ("1.1", "red", False, True),
        ("1.2", "green", True, False),
        ("1.3", "amber", False, False),
        ("2.1", "none", False, False),
        ("2.2", "none", False, True),
        ("2.3", "none", False, False),
        ("2.4", "none", True, False),
    ]
    assert (actions[0]["lead"], actions[0]["finding"]) == ("Team Manager", "Assessments run late.")


def test_the_evidence_is_measured_month_by_month(api: Api, tokens: Tokens, plan: PlanScene) -> None:
    body = api.get(f"/action-plan/inspections/{plan.inspection.pk}", tokens["tm"], as_at=AS_AT)

    evidence = body.json()["actions"][0]["evidence"]
    assert len(evidence) == 1
    assert [r["value"] for r in evidence[0]["readings"]] == [0.0] * 8 + [1.0, 1.0, 1.0, 3.0]
    assert evidence[0]["latest"] == {"month_end": "2023-06-14", "value": 3.0, "rag": "red"}
    assert (evidence[0]["measure_id"], evidence[0]["comparison"], evidence[0]["target"]) == (
        "assessments.open_overdue",
        "eq",
        0.0,
    )


def test_another_councils_inspection_is_a_404(api: Api, tokens: Tokens, plan: PlanScene) -> None:
    missing = plan.inspection.pk + 1000

    assert api.get(f"/action-plan/inspections/{missing}", tokens["tm"]).status_code == 404
