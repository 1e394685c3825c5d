"""Frame-building helpers shared by `test_referrals.py` (hand-worked cases) and
`test_referrals_reference.py` (the property test against the row-by-row reference)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import SCHEMAS, CaseData
from oversight.engine.measures.referrals import referral_measures
from oversight.engine.policy import Policy
from oversight.engine.registry import Context, Period, Result

D = dt.date
YEAR_START = D(2024, 4, 1)
YEAR_END = D(2025, 3, 31)
AS_AT = D(2025, 3, 31)

Row = dict[str, Any]


# --- building data ------------------------------------------------------------------------------


def referral(
    referral_id: int,
    child_id: int,
    day: dt.date,
    *,
    source: str | None = "1A",
    nfa: bool | None = False,
    closed: dt.date | None = None,
    reason: str | None = None,
) -> Row:
    return {
        "referral_id": referral_id,
        "child_id": child_id,
        "date": day,
        "source": source,
        "nfa": nfa,
        "primary_need": "N1",
        "closure_date": closed,
        "closure_reason": reason,
    }


def assessment(
    assessment_id: int,
    child_id: int,
    start: dt.date,
    *,
    referral_id: int | None = None,
    authorised: dt.date | None = None,
) -> Row:
    return {
        "assessment_id": assessment_id,
        "child_id": child_id,
        "referral_id": referral_id,
        "worker_id": 1,
        "kind": "single",
        "start": start,
        "authorised": authorised,
        "delay_reason": None,
    }


def section47(s47_id: int, child_id: int, day: dt.date, *, referral_id: int | None = None) -> Row:
    return {
        "s47_id": s47_id,
        "child_id": child_id,
        "referral_id": referral_id,
        "lead_worker_id": 1,
        "strategy_date": day,
        "icpc_not_required": False,
        "icpc_date": None,
        "end_date": None,
    }


def plan(plan_id: int, child_id: int, start: dt.date) -> Row:
    return {
        "plan_id": plan_id,
        "child_id": child_id,
        "start": start,
        "end": None,
        "category": "NEG",
    }


def contact(contact_id: int, child_id: int, day: dt.date, source: str | None, outcome: str) -> Row:
    return {
        "contact_id": contact_id,
        "child_id": child_id,
        "date": day,
        "source": source,
        "outcome": outcome,
    }


def frame(table: str, rows: Sequence[Row]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(SCHEMAS[table]), orient="row")


def case_data(
    referrals: Sequence[Row] = (),
    *,
    assessments: Sequence[Row] = (),
    section47s: Sequence[Row] = (),
    cp_plans: Sequence[Row] = (),
    contacts: Sequence[Row] = (),
) -> CaseData:
    return CaseData.of(
        referrals=frame("referrals", referrals),
        assessments=frame("assessments", assessments),
        section47s=frame("section47s", section47s),
        cp_plans=frame("cp_plans", cp_plans),
        contacts=frame("contacts", contacts),
    )


def measure(
    data: CaseData,
    *,
    start: dt.date = YEAR_START,
    end: dt.date = YEAR_END,
    as_at: dt.date = AS_AT,
    policy: Policy | None = None,
) -> dict[str, Result]:
    context = Context(as_at, Period(start, end), policy or Policy(), WorkingDayCalendar([]))
    return dict(referral_measures(data, context))
