"""What the team page and "my caseload" show: scoped reads, turned into numbers by the engine."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from oversight.cases.frames import assessment_facts, open_allocation_facts, open_assessments
from oversight.cases.models import Allocation, Child
from oversight.cases.queries import cases_visible_to
from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.caseload import (
    AllocationFacts,
    CaseRole,
    TeamLoad,
    WorkerLoad,
    case_weight,
    team_load,
    worker_loads,
)
from oversight.engine.policy import Policy
from oversight.engine.timeliness import AssessmentStatus, TimelinessState, open_deadlines
from oversight.people.frames import worker_facts
from oversight.people.models import Team, Worker
from oversight.people.queries import workers_visible_to
from oversight.policy.queries import calendar_for, current_policy


@dataclass(frozen=True)
class Deadline:
    status: AssessmentStatus
    child_id: int
    la_child_id: str
    worker_name: str


@dataclass(frozen=True)
class Deadlines:
    overdue: list[Deadline]
    due_soon: list[Deadline]
    due_soon_days: int  # the margin, from the policy (R-TS-10)


@dataclass(frozen=True)
class TeamOverview:
    team: Team
    as_at: dt.date
    policy_version: int
    loads: list[WorkerLoad]
    totals: TeamLoad
    deadlines: Deadlines


@dataclass(frozen=True)
class HeldCase:
    child_id: int
    la_child_id: str
    role: CaseRole
    complexity_level: int
    weight: float
    since: dt.date


@dataclass(frozen=True)
class MyCaseload:
    worker: Worker
    as_at: dt.date
    policy_version: int
    load: WorkerLoad | None  # None when not in post at as_at
    cases: list[HeldCase]
    deadlines: Deadlines


def team_overview(user: User | AnonymousUser, team: Team, *, as_at: dt.date) -> TeamOverview:
    """The team page: each visible worker's load, and the team's assessment deadlines."""
    policy, version = current_policy()
    calendar = calendar_for(policy)
    workers = workers_visible_to(user).filter(team=team).order_by("name")
    allocations = open_allocation_facts(Allocation.objects.filter(worker__in=workers), as_at=as_at)
    loads = worker_loads(
        worker_facts(workers), allocations, as_at=as_at, policy=policy, calendar=calendar
    )
    team_cases = cases_visible_to(user).filter(
        Q(responsible_team=team) | Q(id__in={a.child_id for a in allocations})
    )
    deadlines = _deadlines(team_cases, allocations, as_at=as_at, policy=policy, calendar=calendar)
    return TeamOverview(team, as_at, version, loads, team_load(loads), deadlines)


def my_caseload(worker: Worker, user: User, *, as_at: dt.date) -> MyCaseload:
    """A worker's own cases, load and deadlines."""
    policy, version = current_policy()
    calendar = calendar_for(policy)
    allocations = open_allocation_facts(Allocation.objects.filter(worker=worker), as_at=as_at)
    loads = worker_loads(
        worker_facts(Worker.objects.filter(id=worker.id)),
        allocations,
        as_at=as_at,
        policy=policy,
        calendar=calendar,
    )
    mine = cases_visible_to(user).filter(id__in={a.child_id for a in allocations})
    ids = dict(mine.values_list("id", "la_child_id"))
    cases = [
        HeldCase(
            child_id=a.child_id,
            la_child_id=ids[a.child_id],
            role=a.role,
            complexity_level=a.complexity_level,
            weight=case_weight(a.complexity_level, a.role, policy),
            since=a.start,
        )
        for a in sorted(allocations, key=lambda a: (a.role != CaseRole.CASE_HOLDER, a.start))
        if a.child_id in ids
    ]
    deadlines = _deadlines(mine, allocations, as_at=as_at, policy=policy, calendar=calendar)
    return MyCaseload(worker, as_at, version, loads[0] if loads else None, cases, deadlines)


def _deadlines(
    children: QuerySet[Child],
    allocations: list[AllocationFacts],
    *,
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> Deadlines:
    """R-TS-10 for the open assessments of these children: overdue and due-soon lists."""
    with_open = open_assessments(children, as_at=as_at)
    statuses = open_deadlines(
        assessment_facts(with_open, as_at=as_at), as_at=as_at, policy=policy, calendar=calendar
    )
    ids = dict(with_open.values_list("id", "la_child_id"))
    holders = {a.child_id: a.worker_id for a in allocations if a.role == CaseRole.CASE_HOLDER}
    worker_ids = {s.facts.worker_id or holders.get(s.facts.child_id) for s in statuses}
    known = {worker_id for worker_id in worker_ids if worker_id is not None}
    names = dict(Worker.objects.filter(id__in=known).values_list("id", "name"))

    def deadline(status: AssessmentStatus) -> Deadline:
        worker_id = status.facts.worker_id or holders.get(status.facts.child_id)
        return Deadline(
            status=status,
            child_id=status.facts.child_id,
            la_child_id=ids.get(status.facts.child_id, ""),
            worker_name=names.get(worker_id, "Unallocated") if worker_id else "Unallocated",
        )

    return Deadlines(
        overdue=[deadline(s) for s in statuses if s.state == TimelinessState.OVERDUE],
        due_soon=[deadline(s) for s in statuses if s.state == TimelinessState.DUE_SOON],
        due_soon_days=policy.timescales.due_soon_days,
    )
