"""Frame-building helpers shared by `test_eligibility.py` (hand-worked cases) and
`test_eligibility_reference.py` (the property test against the row-by-row reference)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import SCHEMAS, CaseData
from oversight.engine.measures.eligibility import allocation_breaches, eligibility
from oversight.engine.policy import EligibilityPolicy, Policy
from oversight.engine.registry import Context, Period, Result

D = dt.date
AS_AT = D(2023, 6, 14)  # a Wednesday
ALLOCATED = D(2023, 3, 1)  # when the hand-worked cases were allocated, unless said
POLICY = Policy()
CALENDAR = WorkingDayCalendar.england()
Row = dict[str, Any]

# Staff, graded as at AS_AT by the scalar rules (engine/workforce.py).
FSW, ASYE, SW, EXPERIENCED, SENIOR, LEAVER, NEWLY_SW, NOT_STARTED = 1, 2, 3, 4, 5, 6, 7, 8


def worker(
    worker_id: int,
    role: str,
    qualification_date: dt.date | None,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> Row:
    return {
        "worker_id": worker_id,
        "name": f"W{worker_id}",
        "role": role,
        "team_id": 1,
        "qualified": qualification_date is not None,
        "qualification_date": qualification_date,
        "start_date": start_date,
        "end_date": end_date,
        "fte": 1.0,
        "supervisor_id": None,
    }


STAFF = [
    worker(FSW, "FSW", None, D(2020, 1, 6)),
    # ASYE year runs from starting in post: 1 Feb 2023 to 31 Jan 2024.
    worker(ASYE, "SW", D(2023, 1, 10), D(2023, 2, 1)),
    # Out of the ASYE year (Oct 2022); experienced only from 1 Sep 2024.
    worker(SW, "SW", D(2021, 9, 1), D(2021, 10, 1)),
    worker(EXPERIENCED, "SW", D(2015, 7, 1), D(2016, 1, 4)),
    worker(SENIOR, "SP", D(2010, 7, 1), D(2012, 1, 3)),
    worker(LEAVER, "SW", D(2015, 7, 1), D(2016, 1, 4), D(2023, 5, 31)),
    # ASYE from 1 June 2022 to 31 May 2023; a social worker from 1 June 2023.
    worker(NEWLY_SW, "SW", D(2022, 6, 1), D(2022, 6, 1)),
    worker(NOT_STARTED, "SW", D(2015, 7, 1), D(2023, 7, 3)),
]


def allocation(
    allocation_id: int,
    child_id: int,
    worker_id: int,
    level: int,
    *,
    role: str = "holder",
    start: dt.date = ALLOCATED,
    end: dt.date | None = None,
) -> Row:
    return {
        "allocation_id": allocation_id,
        "child_id": child_id,
        "worker_id": worker_id,
        "role": role,
        "start": start,
        "end": end,
        "complexity_level": level,
    }


def reassessed(child_id: int, assessed_on: dt.date, level: int) -> Row:
    return {"child_id": child_id, "assessed_on": assessed_on, "level": level}


def s47(s47_id: int, child_id: int, strategy_date: dt.date, end_date: dt.date | None = None) -> Row:
    return {
        "s47_id": s47_id,
        "child_id": child_id,
        "referral_id": None,
        "lead_worker_id": None,
        "strategy_date": strategy_date,
        "icpc_not_required": False,
        "icpc_date": None,
        "end_date": end_date,
    }


def plan(plan_id: int, child_id: int, start: dt.date, end: dt.date | None = None) -> Row:
    return {"plan_id": plan_id, "child_id": child_id, "start": start, "end": end, "category": "NEG"}


def frame(table: str, rows: Iterable[Row]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(SCHEMAS[table]))


def case_data(
    allocations: Iterable[Row] = (),
    complexity: Iterable[Row] = (),
    section47s: Iterable[Row] = (),
    cp_plans: Iterable[Row] = (),
    workers: Iterable[Row] = STAFF,
) -> CaseData:
    return CaseData.of(
        workers=frame("workers", workers),
        allocations=frame("allocations", allocations),
        complexity=frame("complexity", complexity),
        section47s=frame("section47s", section47s),
        cp_plans=frame("cp_plans", cp_plans),
    )


def measures(data: CaseData, as_at: dt.date = AS_AT, policy: Policy = POLICY) -> dict[str, Result]:
    return dict(eligibility(data, Context(as_at, Period(as_at, as_at), policy, CALENDAR)))


def breaches(data: CaseData, as_at: dt.date = AS_AT, policy: Policy = POLICY) -> pl.DataFrame:
    return allocation_breaches(data, as_at=as_at, policy=policy, calendar=CALENDAR)


def eligibility_policy(**changes: Any) -> Policy:
    return Policy(eligibility=EligibilityPolicy(**changes))


REASON_CODES = (
    "above_grade_max",
    "asye_co_work_only",
    "asye_care_proceedings",
    "fsw_child_protection",
)
