"""Evidence that measures itself (issue 8, part 2): RAG against a target, hand-worked; the
demo's plan linked to its measures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from oversight.actionplan.evidence import (
    AMBER,
    GREEN,
    NONE,
    RED,
    Evidence,
    Reading,
    month_ends,
    overall,
    rag,
)
from oversight.actionplan.models import EvidenceMeasure

D = dt.date
AT_LEAST, AT_MOST, EXACTLY = "gte", "lte", "eq"


@pytest.mark.parametrize(
    ("value", "comparison", "target", "margin", "colour"),
    [
        (85.7, AT_LEAST, "85", "5", GREEN),  # single assessments in 45 working days ≥ 85 %
        (85.0, AT_LEAST, "85", "5", GREEN),  # exactly on target meets it
        (80.0, AT_LEAST, "85", "5", AMBER),  # 5 short: within the margin
        (79.9, AT_LEAST, "85", "5", RED),
        (22.6, AT_MOST, "22.6", "3", GREEN),  # re-referrals ≤ England's 22.6 %
        (25.6, AT_MOST, "22.6", "3", AMBER),
        (25.7, AT_MOST, "22.6", "3", RED),
        (0, EXACTLY, "0", "1", GREEN),  # FSW-policy breaches = 0
        (1, EXACTLY, "0", "1", AMBER),
        (2, EXACTLY, "0", "1", RED),
        (None, AT_LEAST, "100", "10", NONE),  # nothing to count that month
    ],
)
def test_rag_against_the_target(
    value: float | None, comparison: str, target: str, margin: str, colour: str
) -> None:
    assert rag(value, comparison, Decimal(target), Decimal(margin)) == colour


def test_month_ends_run_to_the_as_at_date() -> None:
    assert month_ends(D(2026, 9, 15), D(2026, 11, 27)) == [
        D(2026, 9, 30),
        D(2026, 10, 31),
        D(2026, 11, 27),
    ]
    assert month_ends(D(2020, 1, 1), D(2026, 11, 27), most=2) == [D(2026, 10, 31), D(2026, 11, 27)]


def _evidence(comparison: str, values: list[float | None]) -> Evidence:
    link = EvidenceMeasure(comparison=comparison, target=Decimal(50), amber_margin=Decimal(5))
    readings = tuple(
        Reading(D(2026, m, 28), v, rag(v, comparison, link.target, link.amber_margin))
        for m, v in enumerate(values, start=1)
    )
    return Evidence(link, "A measure", "percent", readings)


def test_trend_is_judged_by_the_targets_direction() -> None:
    assert _evidence(AT_LEAST, [40, None, 48]).trend == "better"
    assert _evidence(AT_MOST, [40, 48]).trend == "worse"
    assert _evidence(EXACTLY, [40, 52]).trend == "better"  # 2 from the target, not 10
    assert _evidence(AT_LEAST, [40]).trend == ""


def test_an_actions_rag_is_its_worst_current_measure() -> None:
    assert overall([_evidence(AT_LEAST, [60]), _evidence(AT_LEAST, [46])]) == AMBER
    assert overall([_evidence(AT_LEAST, [60]), _evidence(AT_LEAST, [None])]) == GREEN
    assert overall([_evidence(AT_LEAST, [None])]) == NONE
