"""Teams, caseloads and capacity, and assessments due soon and overdue: what the team page and
"my caseload" show (people.overview), as JSON.

A manager's token sees their teams (people.queries.teams_visible_to); a case worker's sees
their own caseload and deadlines, as on "My caseload".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param

from oversight.accounts.scope import scope_of
from oversight.api.audit import record_call, user_of
from oversight.api.params import (
    MAX_ID,
    AsAt,
    Paging,
    as_at_field,
    day_or_today,
    page_of,
    team_field,
)
from oversight.api.problems import documented
from oversight.engine.caseload import TeamLoad, WorkerLoad
from oversight.engine.timeliness import AssessmentStatus
from oversight.people.models import Team
from oversight.people.overview import Deadline, Deadlines, my_caseload, team_overview
from oversight.people.queries import get_team_for_user, teams_visible_to
from oversight.policy.queries import current_policy

router = Router(tags=["Caseloads and deadlines"])
READ_PROBLEMS = (401, 422, 429)


# Shapes -----------------------------------------------------------------------------------------
class TeamOut(Schema):
    id: int
    name: str
    kind: str = Field(description="R&A, SG, CIN or OTHER")
    locality: str


class TeamPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[TeamOut]


class WorkerLoadOut(Schema):
    worker_id: int
    name: str
    team_id: int | None
    team: str
    grade: str = Field(description="Experience grade: FSW, ASYE, SW, EXPERIENCED_SW, SENIOR")
    fte: float
    cases: int = Field(description="Children held as case holder (R-CL-1)")
    co_worked: int
    weighted_load: float = Field(description="Points (R-CL-2)")
    capacity: float = Field(description="Points available for cases (R-CL-3)")
    utilisation: float | None = Field(description="Weighted load as a percentage of capacity")
    rag: str = Field(description="red, amber or green against the policy's lines")


class WorkerLoadPage(Schema):
    as_at: dt.date
    count: int
    limit: int
    offset: int
    items: list[WorkerLoadOut]


class TeamTotals(Schema):
    workers: int
    fte: float
    cases: int
    co_worked: int
    weighted_load: float
    capacity: float
    utilisation: float | None = Field(description="Percentage of the team's case capacity")
    cases_per_fte: float | None
    over_capacity: int = Field(description="Workers above 100 % utilisation")


class TeamCaseload(Schema):
    team: TeamOut
    as_at: dt.date
    policy_version: int
    totals: TeamTotals
    workers: list[WorkerLoadOut]


class DeadlineState(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"


class DeadlineOut(Schema):
    assessment_id: int
    child_id: int
    la_child_id: str
    team_id: int | None
    worker: str = Field(description="The assessing worker, else the case holder")
    kind: str
    state: DeadlineState
    clock_start: dt.date
    due_date: dt.date
    limit_days: int = Field(description="Working days allowed (R-TS-2..4)")
    elapsed_days: int = Field(description="Working days from the clock start (R-WD-2)")
    days_left: int | None
    days_overdue: int | None
    delay_reason: str
    missing_delay_reason: bool


class DeadlinePage(Schema):
    as_at: dt.date
    due_soon_days: int = Field(description="'Due soon' means within this many working days")
    count: int
    limit: int
    offset: int
    items: list[DeadlineOut]


class WorkforceFilter(Schema):
    as_at: dt.date | None = as_at_field()
    team_id: int | None = team_field()


class DeadlineFilter(WorkforceFilter):
    state: DeadlineState | None = None


# What one team (or one worker's own caseload) holds at a date -------------------------------
@dataclass(frozen=True)
class Holding:
    team_id: int | None
    team_name: str
    loads: list[WorkerLoad]
    deadlines: Deadlines


def holdings(user: User, as_at: dt.date, team_id: int | None) -> list[Holding]:
    """The teams the user may open (or the one asked for); a case worker's own caseload when
    they may open none."""
    if team_id is not None:
        teams = [get_team_for_user(user, team_id)]
    else:
        teams = list(teams_visible_to(user).order_by("name", "id"))
    if teams:
        return [_team_holding(user, team, as_at) for team in teams]
    worker = scope_of(user).worker
    if worker is None:
        return []
    mine = my_caseload(worker, user, as_at=as_at)
    team_name = worker.team.name if worker.team else ""
    return [Holding(worker.team_id, team_name, [mine.load] if mine.load else [], mine.deadlines)]


def _team_holding(user: User, team: Team, as_at: dt.date) -> Holding:
    overview = team_overview(user, team, as_at=as_at)
    return Holding(team.pk, team.name, overview.loads, overview.deadlines)


# Endpoints --------------------------------------------------------------------------------------
@router.get(
    "/teams",
    response={200: TeamPage, **documented(*READ_PROBLEMS)},
    operation_id="list_teams",
    summary="The teams this token may see",
)
def list_teams(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    teams = teams_visible_to(user_of(request)).order_by("name", "id")
    record_call(request, "teams")
    return page_of([_team(t) for t in teams], paging)


@router.get(
    "/teams/{team_id}/caseload",
    response={200: TeamCaseload, **documented(*READ_PROBLEMS, 404)},
    operation_id="team_caseload",
    summary="A team's caseloads, capacity and utilisation (the team page)",
)
def get_team_caseload(
    request: HttpRequest,
    filters: Query[AsAt],
    team_id: int = param.Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    user = user_of(request)
    team = get_team_for_user(user, team_id)
    day = day_or_today(filters.as_at)
    overview = team_overview(user, team, as_at=day)
    record_call(
        request,
        f"team caseload: {team.name}, {day:%d/%m/%Y}",
        object_type="team",
        object_id=team.pk,
    )
    return {
        "team": _team(team),
        "as_at": day,
        "policy_version": overview.policy_version,
        "totals": _totals(overview.totals),
        "workers": [_load(load, team.pk, team.name) for load in overview.loads],
    }


@router.get(
    "/caseloads",
    response={200: WorkerLoadPage, **documented(*READ_PROBLEMS, 404)},
    operation_id="list_caseloads",
    summary="Each worker's caseload, weighted load, capacity and utilisation",
)
def list_caseloads(
    request: HttpRequest, filters: Query[WorkforceFilter], paging: Query[Paging]
) -> dict[str, Any]:
    day = day_or_today(filters.as_at)
    found = holdings(user_of(request), day, filters.team_id)
    rows = [_load(load, h.team_id, h.team_name) for h in found for load in h.loads]
    record_call(request, f"caseloads, {day:%d/%m/%Y}", object_type="team", object_id=_ids(found))
    return {"as_at": day, **page_of(rows, paging)}


@router.get(
    "/deadlines",
    response={200: DeadlinePage, **documented(*READ_PROBLEMS, 404)},
    operation_id="list_deadlines",
    summary="Assessments overdue and due soon, in working days (R-TS-10)",
)
def list_deadlines(
    request: HttpRequest, filters: Query[DeadlineFilter], paging: Query[Paging]
) -> dict[str, Any]:
    day = day_or_today(filters.as_at)
    found = holdings(user_of(request), day, filters.team_id)
    rows = [
        _deadline(deadline, state, h.team_id)
        for h in found
        for state, listed in (
            (DeadlineState.OVERDUE, h.deadlines.overdue),
            (DeadlineState.DUE_SOON, h.deadlines.due_soon),
        )
        if filters.state in (None, state)
        for deadline in listed
    ]
    page = page_of(rows, paging)
    record_call(
        request,
        f"assessment deadlines, {day:%d/%m/%Y}",
        object_type="team",
        object_id=_ids(found),
        detail={"children": [row["la_child_id"] for row in page["items"]]},
    )
    margin = found[0].deadlines.due_soon_days if found else _due_soon_days()
    return {"as_at": day, "due_soon_days": margin, **page}


# Shaping ----------------------------------------------------------------------------------------
def _team(team: Team) -> dict[str, Any]:
    return {"id": team.pk, "name": team.name, "kind": team.kind, "locality": team.locality.name}


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(100 * fraction, 1)


def _load(load: WorkerLoad, team_id: int | None, team_name: str) -> dict[str, Any]:
    return {
        "worker_id": load.worker_id,
        "name": load.name,
        "team_id": team_id,
        "team": team_name,
        "grade": load.grade.value,
        "fte": round(load.fte, 2),
        "cases": load.cases,
        "co_worked": load.co_worked,
        "weighted_load": round(load.weighted_load, 3),
        "capacity": round(load.capacity, 3),
        "utilisation": _percent(load.utilisation),
        "rag": load.rag.value,
    }


def _totals(totals: TeamLoad) -> dict[str, Any]:
    return {
        "workers": totals.workers,
        "fte": round(totals.fte, 2),
        "cases": totals.cases,
        "co_worked": totals.co_worked,
        "weighted_load": round(totals.weighted_load, 3),
        "capacity": round(totals.capacity, 3),
        "utilisation": _percent(totals.utilisation),
        "cases_per_fte": None if totals.cases_per_fte is None else round(totals.cases_per_fte, 2),
        "over_capacity": totals.over_capacity,
    }


def _deadline(deadline: Deadline, state: DeadlineState, team_id: int | None) -> dict[str, Any]:
    status: AssessmentStatus = deadline.status
    return {
        "assessment_id": status.facts.assessment_id,
        "child_id": deadline.child_id,
        "la_child_id": deadline.la_child_id,
        "team_id": team_id,
        "worker": deadline.worker_name,
        "kind": status.facts.kind.value,
        "state": state,
        "clock_start": status.clock_start,
        "due_date": status.due_date,
        "limit_days": status.limit_days,
        "elapsed_days": status.elapsed_days,
        "days_left": status.days_left,
        "days_overdue": status.days_overdue,
        "delay_reason": status.facts.delay_reason,
        "missing_delay_reason": status.missing_delay_reason,
    }


def _ids(found: list[Holding]) -> str:
    return ",".join(str(h.team_id) for h in found if h.team_id is not None)[:40]


def _due_soon_days() -> int:
    return current_policy()[0].timescales.due_soon_days
