"""Frame-building helpers shared by `test_caseloads.py` (hand-worked cases) and
`test_caseloads_reference.py` (the property test against the row-by-row reference)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import SCHEMAS, CaseData
from oversight.engine.measures.caseloads import (
    caseloads,
    worker_loads_frame,
)
from oversight.engine.policy import Policy
from oversight.engine.registry import Context, Period, Result

D = dt.date
AS_AT = D(2023, 6, 14)  # a Wednesday, as in tests/conftest.py
CALENDAR = WorkingDayCalendar.england()
POLICY = Policy()
QUALIFIED = D(2015, 7, 1)
STARTED = D(2016, 1, 4)
ALLOCATED = D(2023, 3, 1)
Row = dict[str, Any]


# ---------------------------------------------------------------------------- frame builders


def worker(
    worker_id: int,
    *,
    role: str = "SW",
    team: int | None = 1,
    qualified: bool = True,
    qualification: dt.date | None = QUALIFIED,
    start: dt.date = STARTED,
    end: dt.date | None = None,
    fte: float = 1.0,
) -> Row:
    return {
        "worker_id": worker_id,
        "name": f"Worker {worker_id}",
        "role": role,
        "team_id": team,
        "qualified": qualified,
        "qualification_date": qualification,
        "start_date": start,
        "end_date": end,
        "fte": fte,
        "supervisor_id": None,
    }


def allocation(
    allocation_id: int,
    child: int,
    worker_id: int,
    level: int = 1,
    *,
    role: str = "holder",
    start: dt.date = ALLOCATED,
    end: dt.date | None = None,
) -> Row:
    return {
        "allocation_id": allocation_id,
        "child_id": child,
        "worker_id": worker_id,
        "role": role,
        "start": start,
        "end": end,
        "complexity_level": level,
    }


def s47(s47_id: int, lead: int | None, strategy: dt.date, child: int | None = None) -> Row:
    return {
        "s47_id": s47_id,
        "child_id": child if child is not None else 1000 + s47_id,
        "referral_id": None,
        "lead_worker_id": lead,
        "strategy_date": strategy,
        "icpc_not_required": None,
        "icpc_date": None,
        "end_date": None,
    }


def case_data(**tables: list[Row]) -> CaseData:
    return CaseData.of(
        **{name: pl.DataFrame(rows, schema=dict(SCHEMAS[name])) for name, rows in tables.items()}
    )


def board(data: CaseData, as_at: dt.date = AS_AT, policy: Policy = POLICY) -> pl.DataFrame:
    return worker_loads_frame(data, as_at=as_at, policy=policy, calendar=CALENDAR)


def measures(data: CaseData, as_at: dt.date = AS_AT, policy: Policy = POLICY) -> dict[str, Result]:
    return dict(caseloads(data, Context(as_at, Period(as_at, as_at), policy, CALENDAR)))
