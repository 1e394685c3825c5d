"""Teams, caseloads and capacity, and assessment deadlines through the API (issue 10, part 3):
the team page's numbers, scoped per token, paged.

Worked by hand from the three-worker team (tests/conftest.py) at AS_AT, 14 June 2023:
- Alice: 4 held (10 + 8 + 8 + 6) and B1 co-worked (8 × 0.5) = 36 points of 0.4 × 85 = 34 →
  105.9 %, red (R-CL-1..3).
- Ben: 14 points of 85 × 0.9 × 0.75 (ASYE, absent 5 of the next 20 working days) = 57.375 →
  24.4 %. Cara: C1 re-assessed to level 3 (8) and C2 (4) = 12 of 85 → 14.1 %.
- Amir, the ATM, holds none (0 of 85). The team: 9 cases on 3.4 FTE (2.65 a head), 62 of
  261.375 points → 23.7 %; one worker over capacity.
- Deadlines (R-TS-10): A1 2 working days overdue (reason recorded), A2 1 overdue (no reason),
  B1 due today (0 left); Dan's D1, due 9 May, is 25 working days overdue (29 May a holiday).
"""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api, Tokens
from tests.conftest import AS_AT, Scene


def _loads(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (w["name"], w["cases"], w["co_worked"], w["weighted_load"], w["capacity"], w["utilisation"])
        for w in body["items" if "items" in body else "workers"]
    ]


def test_a_team_manager_sees_their_team_and_a_worker_none(api: Api, tokens: Tokens) -> None:
    mine = api.get("/teams", tokens["tm"]).json()
    council = api.get("/teams", tokens["service"]).json()
    worker = api.get("/teams", tokens["ben"]).json()

    assert [(t["name"], t["kind"]) for t in mine["items"]] == [("Referral and Assessment", "R&A")]
    assert [t["name"] for t in council["items"]] == ["Referral and Assessment", "Safeguarding"]
    assert worker["count"] == 0


def test_the_team_caseload_is_the_team_pages_numbers(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    team = three_worker_team.team

    body = api.get(f"/teams/{team.pk}/caseload", tokens["tm"], as_at=AS_AT).json()

    assert body["as_at"] == "2023-06-14"
    assert _loads(body) == [
        ("Alice Experienced", 4, 1, 36.0, 34.0, 105.9),
        ("Amir Assistant", 0, 0, 0.0, 85.0, 0.0),
        ("Ben Newly", 3, 0, 14.0, 57.375, 24.4),
        ("Cara Support", 2, 0, 12.0, 85.0, 14.1),
    ]
    assert [(w["grade"], w["fte"], w["rag"]) for w in body["workers"]] == [
        ("EXPERIENCED_SW", 0.4, "red"),
        ("SENIOR", 1.0, "green"),
        ("ASYE", 1.0, "green"),
        ("FSW", 1.0, "green"),
    ]
    assert body["totals"] == {
        "workers": 4,
        "fte": 3.4,
        "cases": 9,
        "co_worked": 1,
        "weighted_load": 62.0,
        "capacity": 261.375,
        "utilisation": 23.7,
        "cases_per_fte": 2.65,
        "over_capacity": 1,
    }


def test_another_teams_caseload_is_a_404(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    other = three_worker_team.other_team

    assert api.get(f"/teams/{other.pk}/caseload", tokens["tm"]).status_code == 404
    assert api.get(f"/teams/{other.pk}/caseload", tokens["dan"]).status_code == 404


def test_an_assistant_team_manager_sees_their_supervisees_loads(api: Api, tokens: Tokens) -> None:
    body = api.get("/caseloads", tokens["atm"], as_at=AS_AT).json()

    assert [w["name"] for w in body["items"]] == ["Amir Assistant", "Ben Newly", "Cara Support"]


def test_a_case_worker_sees_their_own_caseload(api: Api, tokens: Tokens) -> None:
    body = api.get("/caseloads", tokens["dan"], as_at=AS_AT).json()

    assert _loads(body) == [("Dan Elsewhere", 1, 0, 6.0, 85.0, 7.1)]
    assert (body["items"][0]["team"], body["count"]) == ("Safeguarding", 1)


def test_caseloads_across_the_council_come_a_page_at_a_time(api: Api, tokens: Tokens) -> None:
    first = api.get("/caseloads", tokens["service"], as_at=AS_AT, limit=3).json()
    rest = api.get("/caseloads", tokens["service"], as_at=AS_AT, limit=3, offset=3).json()

    assert first["count"] == 5
    assert [w["name"] for w in first["items"] + rest["items"]] == [
        "Alice Experienced",
        "Amir Assistant",
        "Ben Newly",
        "Cara Support",
        "Dan Elsewhere",
    ]


def _deadlines(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    return sorted(
        (
            d["la_child_id"],
            d["state"],
            d["worker"],
            d["due_date"],
            d["days_left"],
            d["days_overdue"],
            d["missing_delay_reason"],
        )
        for d in body["items"]
    )


def test_the_teams_deadlines_are_worked_out_in_working_days(api: Api, tokens: Tokens) -> None:
    body = api.get("/deadlines", tokens["tm"], as_at=AS_AT).json()

    assert body["due_soon_days"] == 5
    assert _deadlines(body) == [
        ("A1", "overdue", "Alice Experienced", "2023-06-12", None, 2, False),
        ("A2", "overdue", "Alice Experienced", "2023-06-13", None, 1, True),
        ("B1", "due_soon", "Ben Newly", "2023-06-14", 0, None, False),
    ]


def test_deadlines_filter_by_state(api: Api, tokens: Tokens) -> None:
    body = api.get("/deadlines", tokens["tm"], as_at=AS_AT, state="due_soon").json()

    assert [d["la_child_id"] for d in body["items"]] == ["B1"]


def test_a_case_worker_sees_only_their_own_deadlines(api: Api, tokens: Tokens) -> None:
    body = api.get("/deadlines", tokens["dan"], as_at=AS_AT).json()

    assert _deadlines(body) == [
        ("D1", "overdue", "Dan Elsewhere", "2023-05-09", None, 25, True),
    ]


def test_an_unknown_state_is_a_field_error(api: Api, tokens: Tokens) -> None:
    response = api.get("/deadlines", tokens["tm"], state="late")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["state"]
