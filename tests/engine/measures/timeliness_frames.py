"""Frame-building helpers shared by `test_timeliness.py` (hand-worked cases) and
`test_timeliness_reference.py` (the property test against the row-by-row reference)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import SCHEMAS, CaseData
from oversight.engine.policy import Policy, TimescalePolicy

D = dt.date
CALENDAR = WorkingDayCalendar.england()


def timescales(**changes: Any) -> Policy:
    return Policy(timescales=TimescalePolicy(**changes))


# --- frame builders ---------------------------------------------------------------------------


def table(name: str, rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """A frame with the table's full schema; columns a row leaves out are null."""
    schema = dict(SCHEMAS[name])
    return pl.DataFrame([{c: row.get(c) for c in schema} for row in rows], schema=schema)


def assessment(
    id: int,
    start: dt.date,
    authorised: dt.date | None = None,
    *,
    kind: str = "single",
    child: int | None = None,
    referral: int | None = None,
    worker: int | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    return {
        "assessment_id": id,
        "child_id": id if child is None else child,
        "referral_id": referral,
        "worker_id": worker,
        "kind": kind,
        "start": start,
        "authorised": authorised,
        "delay_reason": reason,
    }


def referral(id: int, date: dt.date, child: int = 0) -> dict[str, Any]:
    return {"referral_id": id, "child_id": child, "date": date}


def s47(
    id: int, strategy: dt.date, icpc: dt.date | None, *, not_required: bool | None = False
) -> dict[str, Any]:
    return {
        "s47_id": id,
        "child_id": id,
        "strategy_date": strategy,
        "icpc_date": icpc,
        "icpc_not_required": not_required,
    }


def worker(id: int, team: int | None) -> dict[str, Any]:
    return {
        "worker_id": id,
        "role": "SW",
        "team_id": team,
        "qualified": True,
        "start_date": D(2010, 1, 1),
        "fte": 1.0,
    }


def data(
    assessments: Iterable[Mapping[str, Any]] = (),
    referrals: Iterable[Mapping[str, Any]] = (),
    section47s: Iterable[Mapping[str, Any]] = (),
    plans: Iterable[Mapping[str, Any]] = (),
    reviews: Iterable[Mapping[str, Any]] = (),
    workers: Iterable[Mapping[str, Any]] = (),
) -> CaseData:
    return CaseData.of(
        assessments=table("assessments", assessments),
        referrals=table("referrals", referrals),
        section47s=table("section47s", section47s),
        cp_plans=table("cp_plans", plans),
        cp_reviews=table("cp_reviews", reviews),
        workers=table("workers", workers),
    )


def plan(
    id: int, start: dt.date, end: dt.date | None = None, child: int | None = None
) -> dict[str, Any]:
    return {
        "plan_id": id,
        "child_id": id if child is None else child,
        "start": start,
        "end": end,
        "category": "NEG",
    }


def reviews(plan_id: int, *dates: dt.date) -> list[dict[str, Any]]:
    return [{"plan_id": plan_id, "date": day} for day in dates]
