"""Where things stand at a date, shared by the caseload, eligibility and supervision families:
open allocations with the complexity in force, which children are in child protection, and each
worker's grade and capacity. Only facts known at `as_at` are used.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.policy import Policy
from oversight.engine.workforce import Absence, WorkerFacts, case_capacity, experience_grade


def open_allocations(data: CaseData, as_at: dt.date) -> pl.DataFrame:
    """Allocations open at `as_at` (start ≤ as_at < end), each with `level`: the latest
    complexity re-assessment on or after the allocation's start (and by as_at), else the level
    recorded at allocation (R-CL-2)."""
    allocations = data.allocations.filter(
        (pl.col("start") <= as_at) & (pl.col("end").is_null() | (pl.col("end") > as_at))
    )
    reassessed = (
        allocations.select("allocation_id", "child_id", "start")
        .join(data.complexity.filter(pl.col("assessed_on") <= as_at), on="child_id")
        .filter(pl.col("assessed_on") >= pl.col("start"))
        .sort("assessed_on", maintain_order=True)
        .group_by("allocation_id")
        .agg(pl.col("level").last().alias("reassessed_level"), pl.col("assessed_on").last())
    )
    return (
        allocations.join(reassessed, on="allocation_id", how="left")
        .with_columns(
            level=pl.coalesce("reassessed_level", "complexity_level"),
            level_since=pl.coalesce("assessed_on", "start"),
        )
        .drop("reassessed_level", "assessed_on")
    )


def child_protection_children(data: CaseData, as_at: dt.date) -> pl.DataFrame:
    """Children in child protection at `as_at` (an s47 enquiry in progress or a CP plan open),
    with `since`: the earliest date the current child protection work began."""
    s47 = data.section47s.filter(
        (pl.col("strategy_date") <= as_at)
        & (pl.col("end_date").is_null() | (pl.col("end_date") > as_at))
    ).select("child_id", since=pl.col("strategy_date"))
    plans = data.cp_plans.filter(
        (pl.col("start") <= as_at) & (pl.col("end").is_null() | (pl.col("end") > as_at))
    ).select("child_id", since=pl.col("start"))
    return pl.concat([s47, plans]).group_by("child_id").agg(pl.col("since").min())


def worker_facts(data: CaseData) -> list[WorkerFacts]:
    """The workers frame as the scalar engine's records (workers are few: ≤ 30,000 in England,
    so the scalar grade and capacity rules are applied per worker rather than re-written)."""
    absences: dict[int, list[Absence]] = {}
    for worker_id, start, end in data.absences.iter_rows():
        absences.setdefault(worker_id, []).append(Absence(start, end))
    return [
        WorkerFacts(
            worker_id=row["worker_id"],
            name=row["name"] or "",
            role=row["role"],
            team_id=row["team_id"],
            qualified=bool(row["qualified"]),
            qualification_date=row["qualification_date"] if row["qualified"] else None,
            start_date=row["start_date"],
            end_date=row["end_date"],
            fte=row["fte"],
            absences=tuple(absences.get(row["worker_id"], ())),
        )
        for row in data.workers.iter_rows(named=True)
    ]


def worker_standing(
    data: CaseData, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> pl.DataFrame:
    """Workers in post at `as_at` with their experience grade and case capacity (R-CL-3):
    worker_id, team_id, role, fte, qualified, grade, capacity."""
    rows = [
        (
            worker.worker_id,
            worker.team_id,
            worker.role,
            worker.fte,
            worker.qualified,
            experience_grade(worker, as_at, policy).value,
            case_capacity(worker, as_at, policy, calendar),
        )
        for worker in worker_facts(data)
        if worker.in_post(as_at)
    ]
    return pl.DataFrame(
        rows,
        schema={
            "worker_id": pl.Int64(),
            "team_id": pl.Int64(),
            "role": pl.String(),
            "fte": pl.Float64(),
            "qualified": pl.Boolean(),
            "grade": pl.String(),
            "capacity": pl.Float64(),
        },
        orient="row",
    )
