"""Allocation (issue 5): the team's queue with recommendations, the whole meeting optimised,
one case's ranking with every part of the score, and recording a decision (R-AL-1..3).

A decision is recorded exactly as the web records it: the same checks and the same action
(allocation.actions.allocate_siblings), which writes the audit event; the recommendation and,
when asked for, the whole meeting's proposal are worked out here, never taken from the request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param
from ninja.responses import Status

from oversight.allocation.actions import Decision, DecisionRefused, allocate_siblings
from oversight.allocation.meeting import TeamMeeting, compare, team_meeting
from oversight.allocation.outputs import comparison_json, recommendation_json
from oversight.api.audit import record_call, require_write, user_of
from oversight.api.params import MAX_ID, Strict
from oversight.api.problems import ApiProblem, ProblemError, documented
from oversight.cases.models import Child
from oversight.cases.queries import cases_visible_to, get_case_for_user
from oversight.engine.allocation.solver import optimise
from oversight.people.queries import get_team_for_user, workers_visible_to

router = Router(tags=["Allocation"])
RATIONALE_LENGTH = 2000


def today() -> dt.date:
    return timezone.localdate()


# Shapes -----------------------------------------------------------------------------------------
class Scored(Schema):
    worker_id: int
    worker: str
    grade: str
    score: float
    parts: dict[str, float] = Field(description="Each R-AL-2 part's points, by its name")
    utilisation_after: float


class Excluded(Schema):
    worker_id: int
    worker: str
    reasons: list[str]
    hard_rule: bool = Field(description="True: an R-AL-1 rule; false: the capacity limit")


class RecommendationOut(Schema):
    child_id: int
    la_child_id: str
    level: int
    child_protection: bool
    waiting_since: dt.date
    ranked: list[Scored]
    excluded: list[Excluded]


class QueueItem(Schema):
    child_id: int
    la_child_id: str
    level: int
    child_protection: bool
    waiting_since: dt.date
    siblings_waiting: list[int]
    top_worker_id: int | None
    top_score: float | None
    meeting_worker_id: int | None = Field(None, description="The whole meeting's proposal")


class PlanFigures(Schema):
    allocated: int
    unallocated_child_protection: int
    total_score: float
    peak_utilisation: float | None
    s47_spread: float
    soft_breaches: int


class MeetingComparison(Schema):
    one_at_a_time: PlanFigures
    optimised: PlanFigures
    proven_optimal: bool
    gap: float = Field(description="Distance from the best score possible, as a fraction")


class QueueOut(Schema):
    team_id: int
    as_at: dt.date
    items: list[QueueItem]
    comparison: MeetingComparison | None


class QueueFilter(Schema):
    optimise: bool = Field(False, description="true: add the whole meeting optimised at once")


class DecisionIn(Strict):
    worker_id: int = Field(ge=1, le=MAX_ID)
    rationale: str = Field("", max_length=RATIONALE_LENGTH)
    override_reason: str = Field("", max_length=RATIONALE_LENGTH)
    siblings: list[int] = Field(
        [], max_length=20, description="Waiting brothers and sisters to give the same worker"
    )
    follow_meeting: bool = Field(
        False, description="true: this follows the whole meeting's proposal (checked here)"
    )


class AllocationOut(Schema):
    id: int
    child_id: int
    la_child_id: str
    worker_id: int
    worker: str
    role: str
    start_date: dt.date
    complexity_level: int
    rationale: str
    override_reason: str


class DecisionOut(Schema):
    allocations: list[AllocationOut]


# Endpoints --------------------------------------------------------------------------------------
@router.get(
    "/allocation/teams/{team_id}/queue",
    response={200: QueueOut, **documented(401, 404, 422, 429)},
    operation_id="allocation_queue",
    summary="The team's cases waiting for a case holder, with the top recommendation for each",
)
def queue(
    request: HttpRequest,
    filters: Query[QueueFilter],
    team_id: int = param.Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    user = user_of(request)
    gathered = team_meeting(user, get_team_for_user(user, team_id), as_at=today())
    comparison = compare(gathered.meeting) if filters.optimise else None
    proposals = comparison.optimised.assignments if comparison else {}
    waiting = {c.child_id for c in gathered.meeting.cases}
    items = []
    for case in gathered.meeting.cases:
        top = gathered.recommendation(case.child_id).top
        items.append(
            {
                "child_id": case.child_id,
                "la_child_id": case.la_child_id,
                "level": case.level,
                "child_protection": case.child_protection,
                "waiting_since": case.waiting_since,
                "siblings_waiting": sorted(case.siblings & waiting),
                "top_worker_id": top.worker_id if top else None,
                "top_score": round(top.total, 2) if top else None,
                "meeting_worker_id": proposals.get(case.child_id),
            }
        )
    record_call(
        request,
        f"allocation queue: {gathered.team.name}",
        object_type="team",
        object_id=gathered.team.id,
    )
    return {
        "team_id": gathered.team.id,
        "as_at": gathered.meeting.as_at,
        "items": items,
        "comparison": comparison_json(comparison) if comparison else None,
    }


@router.get(
    "/allocation/cases/{child_id}/recommendation",
    response={200: RecommendationOut, **documented(401, 404, 422, 429)},
    operation_id="allocation_recommendation",
    summary="Every worker ranked for a waiting case, each part of the score shown",
)
def recommendation(
    request: HttpRequest, child_id: int = param.Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    user = user_of(request)
    child, gathered = _waiting_case(user, child_id)
    record_call(
        request, f"allocation of {child.la_child_id}", object_type="child", object_id=child.id
    )
    return recommendation_json(gathered.recommendation(child.id))


@router.post(
    "/allocation/cases/{child_id}/allocations",
    response={201: DecisionOut, **documented(400, 401, 403, 404, 413, 422, 429)},
    operation_id="allocate_case",
    summary="Record an allocation decision (R-AL-3), with its siblings if asked",
)
def allocate(
    request: HttpRequest, payload: DecisionIn, child_id: int = param.Path(..., ge=1, le=MAX_ID)
) -> Status[dict[str, Any]]:
    require_write(request)
    user = user_of(request)
    child, gathered = _waiting_case(user, child_id)
    worker = workers_visible_to(user).filter(id=payload.worker_id).first()
    if worker is None:
        raise ApiProblem(
            422,
            "The decision cannot be recorded as sent.",
            errors=[
                ProblemError(
                    field="worker_id",
                    value=str(payload.worker_id),
                    reason="no such worker in your scope",
                )
            ],
        )
    children = [child, *_siblings(user, gathered, child, payload.siblings)]
    proposal = (
        optimise(gathered.meeting).assignments.get(child.id) if payload.follow_meeting else None
    )
    decisions = [
        (
            Decision(
                each, worker, gathered.meeting.as_at, payload.rationale, payload.override_reason
            ),
            gathered.recommendation(each.id),
        )
        for each in children
    ]
    try:
        made = allocate_siblings(user, decisions, proposal=proposal)
    except DecisionRefused as refused:
        raise ApiProblem(
            422,
            "The decision cannot be recorded as sent.",
            errors=[ProblemError(field=refused.field, reason=str(refused))],
        ) from None
    return Status(201, {"allocations": [_allocation(a) for a in made]})


# Helpers ----------------------------------------------------------------------------------------
def _waiting_case(user: User, child_id: int) -> tuple[Child, TeamMeeting]:
    """The case, if the user may see it and it is waiting in its team's queue; 404 else."""
    child = get_case_for_user(user, child_id)
    if child.responsible_team_id is None:
        raise Http404("No responsible team")
    gathered = team_meeting(user, get_team_for_user(user, child.responsible_team_id), as_at=today())
    if all(c.child_id != child.id for c in gathered.meeting.cases):
        raise Http404("Not waiting for allocation")
    return child, gathered


def _siblings(user: User, gathered: TeamMeeting, child: Child, asked: list[int]) -> list[Child]:
    case = next(c for c in gathered.meeting.cases if c.child_id == child.id)
    waiting = {c.child_id for c in gathered.meeting.cases}
    errors = [
        ProblemError(
            field=f"siblings.{n}",
            value=str(sibling),
            reason="not a brother or sister of this child waiting for allocation",
        )
        for n, sibling in enumerate(asked)
        if sibling not in case.siblings or sibling not in waiting
    ]
    if errors:
        raise ApiProblem(422, "The decision cannot be recorded as sent.", errors=errors)
    return list(cases_visible_to(user).filter(id__in=set(asked)).order_by("la_child_id"))


def _allocation(allocation: Any) -> dict[str, Any]:
    return {
        "id": allocation.id,
        "child_id": allocation.child_id,
        "la_child_id": allocation.child.la_child_id,
        "worker_id": allocation.worker_id,
        "worker": allocation.worker.name,
        "role": allocation.role,
        "start_date": allocation.start_date,
        "complexity_level": allocation.complexity_level,
        "rationale": allocation.rationale,
        "override_reason": allocation.override_reason,
    }
