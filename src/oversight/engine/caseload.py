"""Caseloads at a date: R-CL-1 caseload, R-CL-2 weighted load, R-CL-3 capacity and utilisation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.policy import Policy
from oversight.engine.workforce import Grade, WorkerFacts, case_capacity, experience_grade


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class CaseRole(StrEnum):
    CASE_HOLDER = "holder"
    CO_WORKER = "co"


@dataclass(frozen=True)
class AllocationFacts:
    """One allocation, with the case's complexity level in force at the date measured."""

    allocation_id: int
    child_id: int
    worker_id: int
    role: CaseRole
    start: dt.date
    end: dt.date | None
    complexity_level: int

    def open_at(self, as_at: dt.date) -> bool:
        """Open from its start date up to the day before its end date: a case handed over on
        the 10th is on the new worker's caseload on the 10th, not on both."""
        return self.start <= as_at and (self.end is None or as_at < self.end)


@dataclass(frozen=True)
class WorkerLoad:
    worker_id: int
    name: str
    grade: Grade
    fte: float
    cases: int  # R-CL-1: children held as case holder
    co_worked: int  # listed separately
    weighted_load: float  # R-CL-2
    capacity: float  # R-CL-3: points available for cases
    utilisation: float | None  # weighted load ÷ capacity; None when there is no capacity
    rag: Rag

    @property
    def over_capacity(self) -> bool:
        return self.utilisation is not None and self.utilisation > 1


def utilisation_rag(utilisation: float | None, policy: Policy) -> Rag:
    """Red above the red line (default 100 %), amber from the amber line (default 85 %).
    A worker with load but no capacity (e.g. on long absence) is red."""
    if utilisation is None:
        return Rag.GREEN
    if utilisation > policy.caseload.utilisation_red_above:
        return Rag.RED
    if utilisation >= policy.caseload.utilisation_amber_from:
        return Rag.AMBER
    return Rag.GREEN


def case_weight(level: int, role: CaseRole, policy: Policy) -> float:
    """R-CL-2 points for one case; a co-worked case counts the configured fraction (R-CL-1)."""
    points = float(policy.caseload.complexity_weights[level])
    if role == CaseRole.CO_WORKER:
        return points * policy.caseload.co_worker_fraction
    return points


def worker_loads(
    workers: Iterable[WorkerFacts],
    allocations: Iterable[AllocationFacts],
    *,
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> list[WorkerLoad]:
    """Caseload, weighted load, capacity and utilisation of each worker in post at `as_at`,
    in the order given; managers who hold no case are left out."""
    by_worker: dict[int, list[AllocationFacts]] = {}
    for allocation in allocations:
        if allocation.open_at(as_at):
            by_worker.setdefault(allocation.worker_id, []).append(allocation)
    return [
        _load(worker, by_worker.get(worker.worker_id, []), as_at, policy, calendar)
        for worker in workers
        if worker.in_post(as_at)
        and (
            worker.role not in policy.caseload.non_case_holding_roles
            or worker.worker_id in by_worker
        )
    ]


def _load(
    worker: WorkerFacts,
    held: Sequence[AllocationFacts],
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> WorkerLoad:
    weighted = sum(case_weight(a.complexity_level, a.role, policy) for a in held)
    capacity = case_capacity(worker, as_at, policy, calendar)
    utilisation = weighted / capacity if capacity > 0 else None
    return WorkerLoad(
        worker_id=worker.worker_id,
        name=worker.name,
        grade=experience_grade(worker, as_at, policy),
        fte=worker.fte,
        cases=sum(1 for a in held if a.role == CaseRole.CASE_HOLDER),
        co_worked=sum(1 for a in held if a.role == CaseRole.CO_WORKER),
        weighted_load=weighted,
        capacity=capacity,
        utilisation=utilisation,
        rag=Rag.RED if capacity <= 0 < weighted else utilisation_rag(utilisation, policy),
    )


@dataclass(frozen=True)
class TeamLoad:
    workers: int
    fte: float
    cases: int
    co_worked: int
    weighted_load: float
    capacity: float
    utilisation: float | None
    cases_per_fte: float | None  # comparable with DfE's average caseload per FTE (domain.md §9)
    over_capacity: int  # workers above 100 % utilisation


def team_load(loads: Sequence[WorkerLoad]) -> TeamLoad:
    """Totals across a team's workers (R-CL-1..3): the team is loaded as its workers are."""
    fte = sum(load.fte for load in loads)
    weighted = sum(load.weighted_load for load in loads)
    capacity = sum(load.capacity for load in loads)
    cases = sum(load.cases for load in loads)
    return TeamLoad(
        workers=len(loads),
        fte=fte,
        cases=cases,
        co_worked=sum(load.co_worked for load in loads),
        weighted_load=weighted,
        capacity=capacity,
        utilisation=weighted / capacity if capacity > 0 else None,
        cases_per_fte=cases / fte if fte > 0 else None,
        over_capacity=sum(1 for load in loads if load.over_capacity),
    )
