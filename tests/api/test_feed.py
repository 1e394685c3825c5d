"""The nightly feed (issue 10, part 4): case activity by natural keys through the import's own
store, with its validation, dry run, row-level errors and all-or-nothing; idempotent."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import pytest

from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.cases.queries import cases_visible_to
from tests.api.conftest import Api, Tokens

NEW = {"new": 1, "updated": 0, "unchanged": 0}
SAME = {"new": 0, "updated": 0, "unchanged": 1}


def _feed() -> dict[str, Any]:
    """One new child's year: two contacts, a referral, its assessment, an s47 and a CP plan
    reviewed twice, and an allocation to Ben (held already)."""
    child = "N100"
    return {
        "children": [
            {"la_child_id": child, "sex": "F", "ethnicity": "WBRI", "team": "Safeguarding"}
        ],
        "contacts": [
            {"la_child_id": child, "date": "2023-01-03", "source": "1A"},
            {"la_child_id": child, "date": "2023-01-09", "source": "5D"},
        ],
        "referrals": [{"la_child_id": child, "date": "2023-01-10", "source": "1A", "nfa": False}],
        "assessments": [{"la_child_id": child, "start_date": "2023-01-11", "worker": "Ben Newly"}],
        "s47": [
            {
                "la_child_id": child,
                "strategy_date": "2023-01-12",
                "icpc_date": "2023-02-01",
                "icpc_result": "PLAN",
                "lead_worker": "Alice Experienced",
            }
        ],
        "cp_plans": [
            {
                "la_child_id": child,
                "start_date": "2023-02-01",
                "category": "NEG",
                "review_dates": ["2023-05-01", "2023-04-28"],
            }
        ],
        "allocations": [
            {
                "la_child_id": child,
                "worker": "Alice Experienced",
                "start_date": "2023-01-10",
                "complexity_level": 3,
                "rationale": "Experienced worker for an s47",
            }
        ],
    }


def _tables(response: Any) -> dict[str, dict[str, int]]:
    assert response.status_code == 200, response.content
    return dict(response.json()["tables"])


def test_a_feed_creates_the_records_by_their_natural_keys(api: Api, tokens: Tokens) -> None:
    response = api.post("/activity", tokens["io_write"], _feed())

    assert response.json()["committed"] is True
    assert response.json()["rows"] == 8
    assert _tables(response) == {
        "teams": SAME,  # the child's responsible team, held already
        "children": NEW,
        "contacts": {"new": 2, "updated": 0, "unchanged": 0},
        "referrals": NEW,
        "assessments": NEW,
        "s47": NEW,
        "cp_plans": NEW,
        "cp_reviews": {"new": 2, "updated": 0, "unchanged": 0},
        "allocations": NEW,
    }
    child = cases_visible_to(tokens.users["io"]).get(la_child_id="N100")
    assert (child.sex, child.ethnicity, child.responsible_team.name) == (
        "F",
        "WBRI",
        "Safeguarding",
    )
    s47 = child.section47s.get()
    assert (s47.lead_worker.name, s47.icpc_result, s47.referral.date.isoformat()) == (
        "Alice Experienced",
        "PLAN",
        "2023-01-10",
    )
    assert child.assessments.get().worker.name == "Ben Newly"
    assert [r.date.isoformat() for r in child.cp_plans.get().reviews.all()] == [
        "2023-04-28",
        "2023-05-01",
    ]


def test_the_same_feed_twice_changes_nothing(api: Api, tokens: Tokens) -> None:
    api.post("/activity", tokens["io_write"], _feed())
    children = Child.objects.count()

    again = api.post("/activity", tokens["io_write"], _feed())

    assert _tables(again) == {
        "teams": SAME,
        "children": SAME,
        "contacts": {"new": 0, "updated": 0, "unchanged": 2},
        "referrals": SAME,
        "assessments": SAME,
        "s47": SAME,
        "cp_plans": SAME,
        "cp_reviews": {"new": 0, "updated": 0, "unchanged": 2},
        "allocations": SAME,
    }
    assert Child.objects.count() == children


def test_a_later_feed_updates_what_it_says_and_leaves_the_rest(api: Api, tokens: Tokens) -> None:
    api.post("/activity", tokens["io_write"], _feed())
    later = {
        "assessments": [
            {"la_child_id": "N100", "start_date": "2023-01-11", "authorised_date": "2023-03-01"}
        ]
    }

    response = api.post("/activity", tokens["io_write"], later)

    assert _tables(response)["assessments"] == {"new": 0, "updated": 1, "unchanged": 0}
    assessment = cases_visible_to(tokens.users["io"]).get(la_child_id="N100").assessments.get()
    assert (assessment.authorised_date.isoformat(), assessment.worker.name) == (
        "2023-03-01",
        "Ben Newly",  # not given the second time, so kept
    )


def test_a_dry_run_reports_what_would_change_and_stores_nothing(api: Api, tokens: Tokens) -> None:
    children = Child.objects.count()

    response = api.post("/activity", tokens["io_write"], _feed(), dry_run="true")

    assert (response.json()["dry_run"], response.json()["committed"]) == (True, False)
    assert _tables(response)["cp_reviews"] == {"new": 2, "updated": 0, "unchanged": 0}
    assert Child.objects.count() == children


def test_one_bad_row_stores_nothing_and_is_named_by_table_row_and_field(
    api: Api, tokens: Tokens
) -> None:
    feed = _feed()
    feed["referrals"].append(
        {"la_child_id": "N101", "date": "2023-02-01", "closure_date": "2023-01-31"}
    )
    children = Child.objects.count()

    response = api.post("/activity", tokens["io_write"], feed)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["detail"] == (
        "Nothing was stored: 2 problem(s) to put right, listed in `errors`. Send the whole feed "
        "again once they are."
    )
    assert body["errors"] == [
        {
            "table": "referrals",
            "row": 1,
            "field": "closure_date",
            "value": "31/01/2023",
            "reason": "closed before it started",
        },
        {
            "table": "referrals",
            "row": 1,
            "field": "closure_reason",
            "value": None,
            "reason": "a closure needs a reason",
        },
    ]
    assert Child.objects.count() == children


def test_a_code_outside_the_dfe_set_is_a_warning_and_left_blank(api: Api, tokens: Tokens) -> None:
    feed = _feed()
    feed["referrals"][0]["source"] = "ZZ"

    response = api.post("/activity", tokens["io_write"], feed)

    assert response.json()["warnings"] == [
        {
            "table": "referrals",
            "row": 0,
            "field": "source",
            "value": "ZZ",
            "reason": "not a referral source code; left blank",
        }
    ]
    referral = cases_visible_to(tokens.users["io"]).get(la_child_id="N100").referrals.get()
    assert referral.source == ""


def test_a_value_of_the_wrong_type_is_named_by_table_row_and_field(
    api: Api, tokens: Tokens
) -> None:
    feed = _feed()
    feed["contacts"][1]["date"] = "2023-13-01"

    response = api.post("/activity", tokens["io_write"], feed)

    assert response.status_code == 422
    assert [(e["table"], e["row"], e["field"]) for e in response.json()["errors"]] == [
        ("contacts", 1, "date")
    ]


def test_an_allocation_to_a_worker_not_held_is_an_error(api: Api, tokens: Tokens) -> None:
    feed = _feed()
    feed["allocations"][0]["worker"] = "Nobody Known"

    response = api.post("/activity", tokens["io_write"], feed)

    assert response.json()["errors"] == [
        {
            "table": "allocations",
            "row": 0,
            "field": "worker",
            "value": "Nobody Known",
            "reason": "no such worker: import the workers CSV first (or check the spelling)",
        }
    ]


def test_workers_arrive_in_the_same_feed_before_their_cases(api: Api, tokens: Tokens) -> None:
    feed = copy.deepcopy(_feed())
    feed["workers"] = [
        {
            "name": "Nia New",
            "role": "SW",
            "team": "Referral and Assessment",
            "qualified": True,
            "qualification_date": "2021-07-01",
            "start_date": "2021-09-01",
            "fte": 0.8,
            "supervisor": "Amir Assistant",
        }
    ]
    feed["allocations"][0]["worker"] = "Nia New"

    response = api.post("/activity", tokens["io_write"], feed)

    assert _tables(response)["workers"] == NEW
    allocation = cases_visible_to(tokens.users["io"]).get(la_child_id="N100").allocations.get()
    assert (allocation.worker.name, allocation.worker.supervisor.name) == (
        "Nia New",
        "Amir Assistant",
    )


def test_text_a_spreadsheet_would_run_is_refused(api: Api, tokens: Tokens) -> None:
    feed = _feed()
    feed["allocations"][0]["rationale"] = '=HYPERLINK("http://example.com")'

    response = api.post("/activity", tokens["io_write"], feed)

    assert [(e["table"], e["field"], e["reason"]) for e in response.json()["errors"]] == [
        (
            "allocations",
            "rationale",
            "looks like a spreadsheet formula; remove the leading character",
        )
    ]


@pytest.mark.parametrize(
    ("caller", "detail"),
    [
        ("tm_write", "Only information officers and administrators feed data in."),
        ("io", "This token is read-only: make a read-and-write token to write."),
    ],
)
def test_only_an_importer_with_a_read_and_write_token_feeds_data(
    api: Api, tokens: Tokens, caller: str, detail: str
) -> None:
    response = api.post("/activity", tokens[caller], _feed())

    assert response.status_code == 403
    assert response.json()["detail"] == detail


def test_a_service_token_feeds_the_council(api: Api, tokens: Tokens) -> None:
    response = api.post("/activity", tokens["service"], _feed())

    assert _tables(response)["children"] == NEW


def test_every_feed_is_audited_with_a_fingerprint_of_what_was_sent(
    api: Api, tokens: Tokens
) -> None:
    body = _feed()
    api.post("/activity", tokens["io_write"], body, dry_run="true")

    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).get()
    sent = json.dumps(body, default=str).encode()
    assert (event.username, event.what) == ("officer", "API: case activity feed: 8 rows (checked)")
    assert event.detail["sha256"] == hashlib.sha256(sent).hexdigest()
    assert (event.detail["dry_run"], event.detail["errors"]) == (True, 0)


def test_text_with_a_nul_character_is_refused_before_anything_is_read(
    api: Api, tokens: Tokens
) -> None:
    feed = _feed()
    feed["assessments"][0]["delay_reason"] = "Awaiting\x00checks"

    response = api.post("/activity", tokens["io_write"], feed)

    assert response.status_code == 422
    assert [(e["table"], e["row"], e["field"], e["reason"]) for e in response.json()["errors"]] == [
        ("assessments", 0, "delay_reason", "Value error, contains a NUL character")
    ]


def test_outcomes_reassessments_and_supervision_decisions_arrive_and_update(
    api: Api, tokens: Tokens
) -> None:
    """A contact's outcome set by a later feed; a re-assessment stored once however often it is
    sent; a decision recorded against a session sent in the same feed; an unknown session
    refused with its row."""
    feed = _feed() | {
        "complexity": [{"la_child_id": "N100", "assessed_on": "2023-02-02", "level": 3}],
        "supervision_sessions": [
            {
                "supervisee": "Ben Newly",
                "supervisor": "Amir Assistant",
                "held_on": "2023-02-03",
                "minutes": 90,
            }
        ],
        "case_discussions": [
            {
                "supervisee": "Ben Newly",
                "supervisor": "Amir Assistant",
                "held_on": "2023-02-03",
                "la_child_id": "N100",
                "decision": "Hold the strategy meeting this week.",
            }
        ],
    }
    first = _tables(api.post("/activity", tokens["io_write"], feed))
    assert (first["complexity"], first["case_discussions"]) == (NEW, NEW)
    feed["contacts"][0]["outcome"] = "REFERRAL"
    again = _tables(api.post("/activity", tokens["io_write"], feed))
    assert again["contacts"] == {"new": 0, "updated": 1, "unchanged": 1}
    assert (again["complexity"], again["case_discussions"]) == (SAME, SAME)
    child = cases_visible_to(tokens.users["io"]).get(la_child_id="N100")
    assert sorted(child.contacts.values_list("outcome", flat=True)) == ["", "REFERRAL"]
    assert list(child.complexity_history.values_list("level", flat=True)) == [3]
    assert child.discussions.get().decision == "Hold the strategy meeting this week."

    unknown = {
        "case_discussions": [
            {
                "supervisee": "Ben Newly",
                "supervisor": "Amir Assistant",
                "held_on": "2023-03-01",
                "la_child_id": "N100",
                "decision": "Close.",
            }
        ]
    }
    refused = api.post("/activity", tokens["io_write"], unknown)
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["table"], error["row"], error["field"], error["reason"]) == (
        "case_discussions",
        0,
        "held_on",
        "no such supervision session",
    )
