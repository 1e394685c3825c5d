"""Supervision: where each worker stands (R-SV-1..4), recording a session, reading one back.

Compliance dates are workforce facts: anyone whose token sees the worker sees them. Sessions
are the worker's supervision file (supervision.queries): an information officer's or a
service token never reads or records them. A session is recorded exactly as the web's form
records it: the same form checks (supervision.forms.SessionForm) and the same action
(supervision.actions.record_session), which writes the audit event.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param
from ninja.responses import Status

from oversight.accounts.scope import supervision_scope_of
from oversight.api.audit import record_call, require_write, user_of
from oversight.api.feed import SessionKind
from oversight.api.params import (
    MAX_ID,
    Paging,
    Strict,
    as_at_field,
    day_or_today,
    page_of,
    team_field,
)
from oversight.api.problems import ApiProblem, ProblemError, documented
from oversight.people.models import Worker
from oversight.people.queries import get_team_for_user, workers_visible_to
from oversight.supervision.actions import record_session
from oversight.supervision.forms import ACTION_ROWS, MAX_MINUTES, SessionForm
from oversight.supervision.models import SupervisionSession
from oversight.supervision.queries import files_visible_to, get_session_for_user, may_record_for
from oversight.supervision.standing import Standing, standings
from oversight.supervision.suggestions import cases_to_discuss

router = Router(tags=["Supervision"])
DECISION_LENGTH = 2000


def today() -> dt.date:
    """The date sessions are checked against (tests fix it), as on the web."""
    return timezone.localdate()


# Shapes -----------------------------------------------------------------------------------------
class StandingOut(Schema):
    worker_id: int
    name: str
    team_id: int | None
    stage: str = Field(description="The interval in force, in words (R-SV-1)")
    last_session: dt.date | None = Field(description="Last formal session long enough to count")
    next_due: dt.date | None = Field(description="None when not held to an interval")
    days_overdue: int = Field(description="Calendar days past next_due (R-SV-3)")
    overdue: bool
    not_written_up: int = Field(description="Sessions past the write-up deadline (R-SV-4)")


class StandingPage(Schema):
    as_at: dt.date
    count: int
    limit: int
    offset: int
    items: list[StandingOut]


class ComplianceFilter(Schema):
    as_at: dt.date | None = as_at_field()
    team_id: int | None = team_field()
    overdue: bool | None = Field(None, description="true: only those overdue")


class DecisionIn(Strict):
    child_id: int = Field(ge=1, le=MAX_ID, description="One of the supervisee's open cases")
    decision: str = Field(min_length=1, max_length=DECISION_LENGTH)


class AgreedActionIn(Strict):
    description: str = Field(min_length=1, max_length=300)
    due_on: dt.date


class SessionIn(Strict):
    supervisee_id: int = Field(ge=1, le=MAX_ID)
    held_on: dt.date = Field(description="Today or earlier")
    kind: SessionKind
    minutes: int = Field(ge=1, le=MAX_MINUTES)
    written_up_on: dt.date | None = None
    decisions: list[DecisionIn] = Field([], max_length=200)
    actions: list[AgreedActionIn] = Field([], max_length=ACTION_ROWS)


class DecisionOut(Schema):
    child_id: int
    la_child_id: str
    decision: str


class AgreedActionOut(Schema):
    description: str
    due_on: dt.date
    done_on: dt.date | None


class SessionOut(Schema):
    id: int
    supervisee_id: int
    supervisee: str
    supervisor_id: int
    supervisor: str
    held_on: dt.date
    kind: str
    minutes: int
    written_up_on: dt.date | None
    decisions: list[DecisionOut]
    actions: list[AgreedActionOut]


# Endpoints --------------------------------------------------------------------------------------
@router.get(
    "/supervision/compliance",
    response={200: StandingPage, **documented(401, 404, 422, 429)},
    operation_id="supervision_compliance",
    summary="Each worker's supervision: interval, last session, next due, days overdue",
)
def compliance(
    request: HttpRequest, filters: Query[ComplianceFilter], paging: Query[Paging]
) -> dict[str, Any]:
    user = user_of(request)
    day = day_or_today(filters.as_at)
    workers = workers_visible_to(user)
    if filters.team_id is not None:
        workers = workers.filter(team=get_team_for_user(user, filters.team_id))
    rows = [_standing(s) for s in standings(workers, day) if filters.overdue in (None, s.overdue)]
    record_call(request, f"supervision compliance, {day:%d/%m/%Y}", object_type="worker")
    return {"as_at": day, **page_of(rows, paging)}


@router.post(
    "/supervision/sessions",
    response={201: SessionOut, **documented(400, 401, 403, 404, 413, 422, 429)},
    operation_id="record_supervision_session",
    summary="Record a supervision session, with the cases discussed and actions agreed",
)
def record(request: HttpRequest, payload: SessionIn) -> Status[dict[str, Any]]:
    require_write(request)
    user = user_of(request)
    supervisee = _supervisee(user, payload.supervisee_id)
    day = today()
    cases = cases_to_discuss(user, supervisee, day)
    _check_decisions(payload, {c.child_id for c in cases})
    form = SessionForm(_form_data(payload), cases=cases, today=day)
    if not form.is_valid() or form.record is None:
        raise ApiProblem(
            422,
            "The session cannot be recorded as sent.",
            errors=[ProblemError(field=_field(a), reason=m) for a, m in form.error_list()],
        )
    me = supervision_scope_of(user).worker
    assert me is not None  # may_record_for needs a staff record
    session = record_session(by=user, supervisor=me, supervisee=supervisee, record=form.record)
    return Status(201, _session(session))


@router.get(
    "/supervision/sessions/{session_id}",
    response={200: SessionOut, **documented(401, 404, 422, 429)},
    operation_id="get_supervision_session",
    summary="One supervision session (the worker's supervision file)",
)
def get_session(request: HttpRequest, session_id: int = param.Path(..., ge=1, le=MAX_ID)) -> Any:
    found = get_session_for_user(user_of(request), session_id)
    record_call(
        request,
        f"supervision record: {found.supervisee.name}, {found.held_on:%d/%m/%Y}",
        object_type="supervision_session",
        object_id=found.pk,
    )
    return _session(found)


# Helpers ----------------------------------------------------------------------------------------
def _supervisee(user: User, worker_id: int) -> Worker:
    """A worker whose file the user may read and whose sessions they may record; 404 else."""
    worker = files_visible_to(user).filter(pk=worker_id).first()
    if worker is None or not may_record_for(user, worker):
        raise Http404("No such supervisee")
    return worker


def _check_decisions(payload: SessionIn, open_cases: set[int]) -> None:
    errors = []
    seen: set[int] = set()
    for n, decision in enumerate(payload.decisions):
        if decision.child_id not in open_cases:
            reason = "not one of the supervisee's open cases"
        elif decision.child_id in seen:
            reason = "this case is given twice"
        else:
            seen.add(decision.child_id)
            continue
        errors.append(
            ProblemError(
                field=f"decisions.{n}.child_id", value=str(decision.child_id), reason=reason
            )
        )
    if errors:
        raise ApiProblem(422, "The session cannot be recorded as sent.", errors=errors)


def _form_data(payload: SessionIn) -> dict[str, str]:
    """The session as the web form posts it, so the form's checks apply unchanged."""
    data = {"kind": str(payload.kind), "minutes": str(payload.minutes)}
    data |= _date_parts("held_on", payload.held_on)
    data |= _date_parts("written_up_on", payload.written_up_on)
    for decision in payload.decisions:
        data[f"decision-{decision.child_id}"] = decision.decision
    for n, action in enumerate(payload.actions, start=1):
        data[f"action-{n}-text"] = action.description
        data |= _date_parts(f"action-{n}-due", action.due_on)
    return data


def _date_parts(name: str, day: dt.date | None) -> dict[str, str]:
    if day is None:
        return {}
    return {
        f"{name}-day": str(day.day),
        f"{name}-month": str(day.month),
        f"{name}-year": str(day.year),
    }


ACTION_ANCHOR = re.compile(r"^action-(\d+)-(text|due-day)$")


def _field(anchor: str) -> str:
    """The form's error anchor (held_on-day, action-2-due-day …) as the JSON field's name."""
    if match := ACTION_ANCHOR.match(anchor):
        number, part = match.groups()
        return f"actions.{int(number) - 1}.{'description' if part == 'text' else 'due_on'}"
    if anchor.startswith("decision-"):
        return "decisions"
    return anchor.removesuffix("-day").removesuffix("-0")


def _standing(standing: Standing) -> dict[str, Any]:
    worker = standing.worker
    return {
        "worker_id": worker.pk,
        "name": worker.name,
        "team_id": worker.team_id,
        "stage": standing.stage,
        "last_session": standing.last_session,
        "next_due": standing.next_due,
        "days_overdue": standing.days_overdue,
        "overdue": standing.overdue,
        "not_written_up": standing.not_written_up,
    }


def _session(session: SupervisionSession) -> dict[str, Any]:
    return {
        "id": session.pk,
        "supervisee_id": session.supervisee_id,
        "supervisee": session.supervisee.name,
        "supervisor_id": session.supervisor_id,
        "supervisor": session.supervisor.name,
        "held_on": session.held_on,
        "kind": session.kind,
        "minutes": session.minutes,
        "written_up_on": session.written_up_on,
        "decisions": [
            {"child_id": d.child_id, "la_child_id": d.child.la_child_id, "decision": d.decision}
            for d in session.cases_discussed.select_related("child").order_by("child__la_child_id")
        ],
        "actions": [
            {"description": a.description, "due_on": a.due_on, "done_on": a.done_on}
            for a in session.actions.all()
        ],
    }
