"""`oversight allocation`: the same queue, recommendations and decisions as the web."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from oversight.cases.models import Allocation


def run(*args: str) -> str:
    out = StringIO()
    call_command("allocation", *args, stdout=out)
    return out.getvalue()


def test_queue_as_json_with_the_whole_meeting(meeting: dict[str, Any]) -> None:
    document = json.loads(
        run(
            "queue",
            "--team",
            "Referral and Assessment",
            "--as",
            "tm",
            "--optimise",
            "--format",
            "json",
        )
    )
    assert [(r["child"], r["top_recommendation"], r["score"]) for r in document["queue"]] == [
        ("CP-001", "Sam Social", 72.65),
        ("LOW-002", "Fay Support", 58.82),
    ]
    assert document["comparison"]["optimised"]["allocated"] == 2
    assert document["comparison"]["proven_optimal"] is True


def test_recommend_lists_the_parts_and_the_excluded(meeting: dict[str, Any]) -> None:
    document = json.loads(run("recommend", "CP-001", "--as", "tm", "--format", "json"))
    assert document["ranked"][0]["worker"] == "Sam Social"
    assert document["ranked"][0]["parts"]["Experience fit"] == 30.0
    assert document["excluded"][0]["worker"] == "Fay Support"


def test_allocate_applies_the_same_rules(meeting: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="Enter the rationale"):
        run("allocate", "CP-001", "Eve Experienced", "--as", "tm")
    assert (
        run("allocate", "CP-001", "Sam Social", "--as", "tm") == "CP-001 allocated to Sam Social\n"
    )
    assert Allocation.objects.get(child=meeting["cp"]).decided_by == meeting["tm"]


def test_a_case_outside_the_users_scope_is_not_found(meeting: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="no such case in your scope"):
        run("recommend", "CP-001", "--as", "sam")
