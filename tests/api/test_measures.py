"""Measures through the API (issue 10, part 3): the registry, a measure's value for the
token's scope, as-at date and period, the cases behind it, scoped per token type.

The numbers are the three-worker team's (tests/conftest.py). At AS_AT (14 June 2023) three
single assessments are open past 45 working days (R-TS-10): A1 and A2 in team A (Alice's), D1
in team B (Dan's). So "assessments.open_overdue" is 2 for the team A manager, 1 for Dan, 0 for
Ben (whose cases are all in time), and 3 for the council. Alice is the one worker over
capacity (36 of 34 points, R-CL-3).
"""

from __future__ import annotations

import pytest

from oversight.audit.models import AuditEvent
from oversight.engine.measures import REGISTRY
from tests.api.conftest import Api, Tokens
from tests.conftest import AS_AT, Scene

OVERDUE = "assessments.open_overdue"
OVER_CAPACITY = "caseload.workers_over_capacity"
CLI_FIELDS = {
    "title",
    "value",
    "numerator",
    "denominator",
    "unit",
    "direction",
    "rule",
    "cases",
    "breakdown",
}


def test_the_registry_lists_every_measure_a_page_at_a_time(api: Api, tokens: Tokens) -> None:
    whole = api.get("/measures", tokens["ben"]).json()
    page = api.get("/measures", tokens["ben"], limit=2, offset=1).json()

    assert whole["count"] == len(REGISTRY.measures)  # 36 when written; others may be added
    assert whole["items"][0] == {
        "id": "referrals.count",
        "title": "Referrals",
        "definition": whole["items"][0]["definition"],
        "rule": "R-RR-2",
        "unit": "count",
        "direction": "neutral",
        "family": "referrals",
    }
    assert (page["count"], page["limit"], page["offset"]) == (whole["count"], 2, 1)
    assert [m["id"] for m in page["items"]] == [
        "referrals.rereferral_rate",
        "referrals.rereferral_rate_children",
    ]


def test_the_registry_filters_by_family(api: Api, tokens: Tokens) -> None:
    found = api.get("/measures", tokens["ben"], family="supervision").json()

    assert found["count"] == 6
    assert {m["family"] for m in found["items"]} == {"supervision"}


def test_one_measure_is_defined_and_an_unknown_one_is_a_404_problem(
    api: Api, tokens: Tokens
) -> None:
    known = api.get(f"/measures/{OVERDUE}", tokens["ben"])
    unknown = api.get("/measures/no.such.measure", tokens["ben"])

    assert known.json()["title"] == "Open assessments overdue"
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("caller", "overdue", "scope"),
    [
        ("tm", 2, "the team"),
        ("atm", 0, "own and supervisees' cases"),  # Ben's and Cara's cases: none overdue
        ("dan", 1, "own cases"),
        ("ben", 0, "own cases"),
        ("io", 3, "the council"),
        ("service", 3, "the council"),
    ],
)
def test_a_measure_is_worked_out_over_what_the_token_may_see(
    api: Api, tokens: Tokens, caller: str, overdue: int, scope: str
) -> None:
    response = api.get(f"/measures/{OVERDUE}/value", tokens[caller], as_at=AS_AT)

    body = response.json()
    assert response.status_code == 200
    assert (body["id"], body["value"], body["numerator"], body["cases"]) == (
        OVERDUE,
        overdue,
        overdue,
        overdue,
    )
    assert body["scope"] == scope
    assert body["as_at"] == "2023-06-14"
    assert body["period"] == {"start": "2022-06-15", "end": "2023-06-14"}
    assert body["policy"] == {"version": 0}


@pytest.mark.parametrize(
    ("caller", "children"), [("tm", ["A1", "A2"]), ("service", ["A1", "A2", "D1"]), ("ben", [])]
)
def test_the_cases_behind_a_measure_are_those_the_token_may_see(
    api: Api, tokens: Tokens, caller: str, children: list[str]
) -> None:
    page = api.get(f"/measures/{OVERDUE}/cases", tokens[caller], as_at=AS_AT).json()

    assert page["count"] == len(children)
    assert [case["la_child_id"] for case in page["items"]] == children


def test_viewing_the_cases_behind_a_measure_is_audited_with_the_children(
    api: Api, tokens: Tokens
) -> None:
    api.get(f"/measures/{OVERDUE}/cases", tokens["tm"], as_at=AS_AT, limit=1)

    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW).latest("id")
    assert event.username == "tm"
    assert event.what == f"API: cases behind {OVERDUE} as at 14/06/2023, the team"
    assert event.detail == {
        "api_token": tokens["tm"][:12],
        "path": f"/api/v1/measures/{OVERDUE}/cases",
        "query": {"as_at": "2023-06-14", "limit": "1"},
        "children": ["A1"],
    }


def test_measure_values_are_the_clis_json_for_the_chosen_measures(api: Api, tokens: Tokens) -> None:
    document = api.get(
        "/measure-values", tokens["tm"], as_at=AS_AT, id=[OVERDUE, OVER_CAPACITY]
    ).json()

    assert list(document) == ["as_at", "period", "scope", "policy", "measures"]
    assert list(document["measures"]) == [OVERDUE, OVER_CAPACITY]
    assert all(set(m) == CLI_FIELDS for m in document["measures"].values())
    assert document["measures"][OVERDUE]["value"] == 2
    assert document["measures"][OVER_CAPACITY]["value"] == 1


def test_every_measure_is_given_when_none_is_chosen(api: Api, tokens: Tokens) -> None:
    document = api.get("/measure-values", tokens["tm"], as_at=AS_AT).json()
    family = api.get("/measure-values", tokens["tm"], as_at=AS_AT, family="caseloads").json()

    assert list(document["measures"]) == list(REGISTRY.measures)
    assert list(family["measures"]) == [
        m.id for m in REGISTRY.measures.values() if m.family == "caseloads"
    ]
    assert OVER_CAPACITY in family["measures"]


def test_a_team_narrows_the_scope_to_one_of_the_tokens_teams(
    api: Api, tokens: Tokens, three_worker_team: Scene
) -> None:
    team, other = three_worker_team.team, three_worker_team.other_team

    mine = api.get(f"/measures/{OVERDUE}/value", tokens["io"], as_at=AS_AT, team_id=team.pk)
    theirs = api.get(f"/measures/{OVERDUE}/value", tokens["io"], as_at=AS_AT, team_id=other.pk)
    not_mine = api.get(f"/measures/{OVERDUE}/value", tokens["tm"], as_at=AS_AT, team_id=other.pk)

    assert (mine.json()["value"], mine.json()["scope"]) == (2, "team Referral and Assessment")
    assert (theirs.json()["value"], theirs.json()["scope"]) == (1, "team Safeguarding")
    assert not_mine.status_code == 404


def test_an_unknown_measure_id_is_a_field_error(api: Api, tokens: Tokens) -> None:
    response = api.get("/measure-values", tokens["tm"], id=[OVERDUE, "nope"])

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"table": None, "row": None, "field": "id", "value": "nope", "reason": "no such measure"}
    ]


def test_a_period_starting_after_the_date_measured_is_a_field_error(
    api: Api, tokens: Tokens
) -> None:
    response = api.get(
        f"/measures/{OVERDUE}/value", tokens["tm"], as_at=AS_AT, period_start="2023-07-01"
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "table": None,
            "row": None,
            "field": "period_start",
            "value": "2023-07-01",
            "reason": "after as_at (2023-06-14)",
        }
    ]


def test_a_date_that_does_not_exist_is_a_field_error(api: Api, tokens: Tokens) -> None:
    response = api.get(f"/measures/{OVERDUE}/value", tokens["tm"], as_at="2023-02-30")

    body = response.json()
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert body["title"] == "Unprocessable Entity"
    assert [(e["field"], e["table"], e["row"]) for e in body["errors"]] == [("as_at", None, None)]


def test_a_filter_is_audited_without_characters_no_database_keeps(api: Api, tokens: Tokens) -> None:
    api.get("/measures", tokens["tm"], family="care\x00")

    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.VIEW).latest("id")
    assert event.detail["query"] == {"family": "care"}
