"""Measures: the registry, any measure's value for a scope, date and period, and the cases
behind it. The numbers come from the engine's registry, as everywhere else, and the JSON is the
CLI's (`oversight measures --format json`, reports.measures_output), so a value read here is
the value the CLI, the pages and the reports show.

The scope is what the token's user may see (cases_visible_to, workers_visible_to), optionally
narrowed to one of their teams the way `oversight measures --team` narrows the council.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param

from oversight.accounts.roles import Breadth
from oversight.accounts.scope import scope_of
from oversight.api.audit import record_call, user_of
from oversight.api.params import (
    EARLIEST,
    LATEST,
    Paging,
    as_at_field,
    day_or_today,
    page_of,
    period_start_for,
    team_field,
)
from oversight.api.problems import ApiProblem, ProblemError, documented
from oversight.cases.engine_data import load_case_data
from oversight.cases.queries import cases_visible_to
from oversight.engine.frames import CaseData
from oversight.engine.measures import REGISTRY
from oversight.engine.registry import Context, Measure, Period, Result, describe
from oversight.people.queries import get_team_for_user, workers_visible_to
from oversight.policy.queries import calendar_for, current_policy
from oversight.reports.measures_output import measures_document, result_json

router = Router(tags=["Measures"])


def measure_id_path() -> Any:
    """Measure ids are lower-case words joined by dots and underscores (engine.registry)."""
    return param.Path(
        ..., max_length=80, pattern=r"^[a-z0-9_.]+$", description="e.g. referrals.count"
    )


READ_PROBLEMS = (401, 422, 429)
BREADTH_LABELS = {
    Breadth.COUNCIL: "the council",
    Breadth.LOCALITY: "the locality",
    Breadth.TEAM: "the team",
    Breadth.SUPERVISEES: "own and supervisees' cases",
    Breadth.OWN: "own cases",
    Breadth.NONE: "nothing",
}


# Shapes -----------------------------------------------------------------------------------------
class MeasureOut(Schema):
    id: str
    title: str
    definition: str
    rule: str = Field(description="The rule(s) in domain.md, e.g. R-RR-1, R-RR-2")
    unit: str = Field(description="percent, count, number or working_days")
    direction: str = Field(description="Which way is better: up, down or neutral")
    family: str


class MeasurePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MeasureOut]


Number = int | float | None


class MeasurePart(Schema):
    value: Number
    numerator: Number
    denominator: Number


class MeasureResult(Schema):
    """As `oversight measures --format json` gives each measure."""

    title: str
    value: Number = Field(description="Percentages to one decimal place, counts whole")
    numerator: Number
    denominator: Number
    unit: str
    direction: str
    rule: str
    cases: int = Field(description="How many children are behind the value")
    breakdown: dict[str, MeasurePart]


class PeriodOut(Schema):
    start: dt.date
    end: dt.date


class PolicyOut(Schema):
    version: int | None = Field(description="The policy version in force (0: the defaults)")


class ValuesDocument(Schema):
    as_at: dt.date
    period: PeriodOut
    scope: str
    policy: PolicyOut
    measures: dict[str, MeasureResult]


class OneMeasureResult(MeasureResult):
    id: str
    as_at: dt.date
    period: PeriodOut
    scope: str
    policy: PolicyOut


class CaseRef(Schema):
    child_id: int
    la_child_id: str


class CaseRefPage(Schema):
    measure_id: str
    count: int
    limit: int
    offset: int
    items: list[CaseRef]


class MeasureScope(Schema):
    as_at: dt.date | None = as_at_field()
    period_start: dt.date | None = Field(
        None,
        ge=EARLIEST,
        le=LATEST,
        description="The period's first day (default: 12 months before as_at, plus a day)",
    )
    team_id: int | None = team_field()


class ValuesFilter(MeasureScope):
    id: list[str] = Field([], description="Only these measure ids (repeat to give several)")
    family: str | None = Field(None, max_length=40, description="Only this family's measures")


# Endpoints --------------------------------------------------------------------------------------
@router.get(
    "/measures",
    response={200: MeasurePage, **documented(*READ_PROBLEMS)},
    operation_id="list_measures",
    summary="The measures registry",
)
def list_measures(
    request: HttpRequest, paging: Query[Paging], family: str | None = None
) -> dict[str, Any]:
    measures = [m for m in REGISTRY.measures.values() if family is None or m.family == family]
    record_call(request, "measures registry")
    return page_of([_definition(m) for m in measures], paging)


@router.get(
    "/measures/{measure_id}",
    response={200: MeasureOut, **documented(*READ_PROBLEMS, 404)},
    operation_id="get_measure",
    summary="One measure's definition",
)
def get_measure(request: HttpRequest, measure_id: str = measure_id_path()) -> dict[str, Any]:
    measure = _measure(measure_id)
    record_call(request, f"measure definition: {measure.id}", object_type="measure")
    return _definition(measure)


@router.get(
    "/measure-values",
    response={200: ValuesDocument, **documented(*READ_PROBLEMS, 404)},
    operation_id="measure_values",
    summary="Every measure's value (or those chosen) for a scope, date and period",
)
def measure_values(request: HttpRequest, filters: Query[ValuesFilter]) -> dict[str, Any]:
    ids = _chosen(filters.id, filters.family)
    context, version = _context(filters)
    data, scope = scoped_data(user_of(request), filters.team_id)
    results = REGISTRY.compute(data, context, ids)
    record_call(
        request,
        f"measures as at {context.as_at:%d/%m/%Y}, {scope}",
        object_type="measures",
        detail={"measures": len(results)},
    )
    return measures_document(REGISTRY, results, context, policy_version=version, scope=scope)


@router.get(
    "/measures/{measure_id}/value",
    response={200: OneMeasureResult, **documented(*READ_PROBLEMS, 404)},
    operation_id="measure_value",
    summary="One measure's value, with its breakdown",
)
def measure_value(
    request: HttpRequest, filters: Query[MeasureScope], measure_id: str = measure_id_path()
) -> dict[str, Any]:
    measure = _measure(measure_id)
    context, version = _context(filters)
    data, scope = scoped_data(user_of(request), filters.team_id)
    result = REGISTRY.compute(data, context, [measure.id])[measure.id]
    record_call(
        request,
        f"measure {measure.id} as at {context.as_at:%d/%m/%Y}, {scope}",
        object_type="measure",
    )
    document = measures_document(
        REGISTRY, {measure.id: result}, context, policy_version=version, scope=scope
    )
    return {"id": measure.id, **result_json(measure, result)} | {
        key: document[key] for key in ("as_at", "period", "scope", "policy")
    }


@router.get(
    "/measures/{measure_id}/cases",
    response={200: CaseRefPage, **documented(*READ_PROBLEMS, 404)},
    operation_id="measure_cases",
    summary="The children behind a measure's value",
)
def measure_cases(
    request: HttpRequest,
    filters: Query[MeasureScope],
    paging: Query[Paging],
    measure_id: str = measure_id_path(),
) -> dict[str, Any]:
    measure = _measure(measure_id)
    context, _version = _context(filters)
    user = user_of(request)
    data, scope = scoped_data(user, filters.team_id)
    result: Result = REGISTRY.compute(data, context, [measure.id])[measure.id]
    page = page_of(result.cases, paging)
    ids = dict(cases_visible_to(user).filter(id__in=page["items"]).values_list("id", "la_child_id"))
    page["items"] = [{"child_id": i, "la_child_id": ids[i]} for i in page["items"] if i in ids]
    record_call(
        request,
        f"cases behind {measure.id} as at {context.as_at:%d/%m/%Y}, {scope}",
        object_type="measure",
        detail={"children": [case["la_child_id"] for case in page["items"]]},
    )
    return {"measure_id": measure.id, **page}


# Helpers ----------------------------------------------------------------------------------------
def scoped_data(user: User, team_id: int | None) -> tuple[CaseData, str]:
    """The engine's frames for what `user` sees, or for one of their teams."""
    children = cases_visible_to(user)
    workers = workers_visible_to(user)
    if team_id is None:
        return load_case_data(children, workers), BREADTH_LABELS[scope_of(user).breadth]
    team = get_team_for_user(user, team_id)
    in_team = children.filter(Q(responsible_team=team) | Q(allocations__worker__team=team))
    return load_case_data(in_team.distinct(), workers.filter(team=team)), f"team {team.name}"


def _definition(measure: Measure) -> dict[str, Any]:
    return describe(measure) | {"family": measure.family}


def _measure(measure_id: str) -> Measure:
    measure = REGISTRY.measures.get(measure_id)
    if measure is None:
        raise Http404("No such measure")
    return measure


def _chosen(ids: list[str], family: str | None) -> list[str] | None:
    unknown = [i for i in ids if i not in REGISTRY.measures]
    if unknown:
        raise ApiProblem(
            422,
            "Some measure ids are not in the registry (see /measures).",
            errors=[
                ProblemError(field="id", value=i[:200], reason="no such measure") for i in unknown
            ],
        )
    chosen = ids or list(REGISTRY.measures)
    if family is not None:
        chosen = [i for i in chosen if REGISTRY.measures[i].family == family]
    return chosen


def _context(filters: MeasureScope) -> tuple[Context, int]:
    as_at = day_or_today(filters.as_at)
    start = period_start_for(as_at, filters.period_start)
    policy, version = current_policy()
    return Context(as_at, Period(start, as_at), policy, calendar_for(policy)), version
