"""The action plan with its RAG: the council's inspections, and each action as it stands on a
date (actionplan.queries: status, overdue, reviews, evidence measured month by month).

The plan holds no child data, so anyone with an access role reads their council's plan, as on
the web (actionplan.access.plan_access).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param

from oversight.actionplan.access import plan_access
from oversight.actionplan.evidence import Evidence
from oversight.actionplan.models import Inspection
from oversight.actionplan.queries import (
    ActionRow,
    Counts,
    get_inspection,
    inspections_of,
    plan_overview,
)
from oversight.api.audit import record_call, user_of
from oversight.api.params import MAX_ID, AsAt, Paging, day_or_today, page_of
from oversight.api.problems import documented

router = Router(tags=["Action plan"])
READ_PROBLEMS = (401, 404, 422, 429)


class InspectionOut(Schema):
    id: int
    body: str
    kind: str
    start_date: dt.date
    end_date: dt.date
    report_published_on: dt.date | None
    judgement: str


class InspectionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[InspectionOut]


class ReadingOut(Schema):
    month_end: dt.date
    value: float | None
    rag: str


class EvidenceOut(Schema):
    measure_id: str
    title: str
    unit: str
    comparison: str = Field(description="gte (at least), lte (at most) or eq (exactly)")
    target: float
    amber_margin: float
    breakdown: str = Field(description="A breakdown key such as grade:ASYE; blank: the whole")
    latest: ReadingOut | None
    trend: str = Field(description="better, worse, the same, or blank with too little data")
    readings: list[ReadingOut]


class ActionOut(Schema):
    id: int
    number: str = Field(description="The finding's and the action's place, e.g. 2.1")
    finding: str
    text: str
    lead: str
    timescale: str
    status: str = Field(description="not_started, in_progress, completed or superseded")
    completed_on: dt.date | None
    due_on: dt.date | None
    recurrence: str
    overdue: bool
    next_review: dt.date | None
    review_missed: bool
    last_update: dt.date | None
    rag: str = Field(description="green, amber, red or none: the worst of its evidence")
    evidence: list[EvidenceOut]


class CountsOut(Schema):
    total: int
    by_rag: dict[str, int]
    by_status: dict[str, int]
    overdue: int
    review_missed: int


class PlanOut(Schema):
    inspection: InspectionOut
    as_at: dt.date
    counts: CountsOut
    actions: list[ActionOut]


@router.get(
    "/action-plan/inspections",
    response={200: InspectionPage, **documented(*READ_PROBLEMS)},
    operation_id="list_inspections",
    summary="The council's inspections, newest first",
)
def list_inspections(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    access = plan_access(user_of(request))
    record_call(request, "action plan inspections")
    return page_of([_inspection(i) for i in inspections_of(access.council)], paging)


@router.get(
    "/action-plan/inspections/{inspection_id}",
    response={200: PlanOut, **documented(*READ_PROBLEMS)},
    operation_id="get_action_plan",
    summary="An inspection's action plan as it stands on a date, with each action's RAG",
)
def get_plan(
    request: HttpRequest,
    filters: Query[AsAt],
    inspection_id: int = param.Path(..., ge=1, le=MAX_ID),
) -> dict[str, Any]:
    inspection = get_inspection(plan_access(user_of(request)), inspection_id)
    day = day_or_today(filters.as_at)
    overview = plan_overview(inspection, day)
    record_call(
        request,
        f"action plan: {inspection}, {day:%d/%m/%Y}",
        object_type="inspection",
        object_id=inspection.pk,
    )
    return {
        "inspection": _inspection(inspection),
        "as_at": day,
        "counts": _counts(overview.counts),
        "actions": [_action(row) for row in overview.rows],
    }


def _inspection(inspection: Inspection) -> dict[str, Any]:
    return {
        "id": inspection.pk,
        "body": inspection.body,
        "kind": inspection.kind,
        "start_date": inspection.start_date,
        "end_date": inspection.end_date,
        "report_published_on": inspection.report_published_on,
        "judgement": inspection.judgement,
    }


def _counts(counts: Counts) -> dict[str, Any]:
    return {
        "total": counts.total,
        "by_rag": {c.key: c.n for c in counts.by_rag},
        "by_status": {c.key: c.n for c in counts.by_status},
        "overdue": counts.overdue,
        "review_missed": counts.review_missed,
    }


def _action(row: ActionRow) -> dict[str, Any]:
    action, standing = row.action, row.standing
    return {
        "id": action.pk,
        "number": row.number,
        "finding": action.finding.text,
        "text": action.text,
        "lead": row.lead,
        "timescale": action.timescale,
        "status": action.status,
        "completed_on": action.completed_on,
        "due_on": action.due_on,
        "recurrence": action.recurrence,
        "overdue": standing.overdue,
        "next_review": standing.next_review,
        "review_missed": standing.review_missed,
        "last_update": standing.last_update,
        "rag": row.rag,
        "evidence": [_evidence(e) for e in row.evidence],
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    link = evidence.link
    readings = [
        {"month_end": r.month_end, "value": r.value, "rag": r.rag} for r in evidence.readings
    ]
    return {
        "measure_id": link.measure_id,
        "title": evidence.title,
        "unit": evidence.unit,
        "comparison": link.comparison,
        "target": _number(link.target),
        "amber_margin": _number(link.amber_margin),
        "breakdown": link.breakdown,
        "latest": readings[-1] if readings else None,
        "trend": evidence.trend,
        "readings": readings,
    }


def _number(value: Decimal) -> float:
    return float(value)
