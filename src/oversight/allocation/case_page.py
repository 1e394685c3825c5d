"""One case's allocation page, shared by the views that answer it: the waiting case's ranking
and decision form, or the held case's allocations and the forms to change them; its history;
re-assessing its complexity."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.allocation.actions import may_decide
from oversight.allocation.forms import ComplexityForm, DecisionForm, EndForm
from oversight.allocation.meeting import TeamMeeting, team_meeting
from oversight.allocation.queries import case_history, open_allocations_of
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation, Child
from oversight.cases.queries import get_case_for_user
from oversight.engine.allocation.scoring import PART_LABELS, Part, Recommendation
from oversight.people.queries import get_team_for_user

HOLDER, CO = Allocation.Role.CASE_HOLDER, Allocation.Role.CO_WORKER


def load_case(request: HttpRequest, child_id: int) -> tuple[Child, TeamMeeting]:
    """The case (through the doorway) and its responsible team's meeting, as at today."""
    child = get_case_for_user(request.user, child_id)
    if child.responsible_team_id is None:
        raise Http404("No responsible team")
    team = get_team_for_user(request.user, child.responsible_team_id)
    return child, team_meeting(request.user, team, as_at=timezone.localdate())


def is_waiting(gathered: TeamMeeting, child: Child) -> bool:
    return any(c.child_id == child.id for c in gathered.meeting.cases)


def render_case(
    request: HttpRequest,
    child: Child,
    gathered: TeamMeeting,
    *,
    form: DecisionForm | None = None,
    proposal: int | None = None,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page, with `bound` forms (carrying errors) in place of the empty ones."""
    waiting = is_waiting(gathered, child)
    recommendation = gathered.recommendation(child.id) if waiting else None
    context: dict[str, Any] = {
        "child": child,
        "team": gathered.team,
        "recommendation": recommendation,
        "proposal": proposal,
        "part_labels": [PART_LABELS[part] for part in Part],
        "ranked": _ranked(recommendation),
        "form": form,
        "history": case_history(request.user, child),
        "complexity_form": ComplexityForm(),
        "may_decide": may_decide(request.user),  # type: ignore[arg-type]
    }
    if not waiting:
        context |= _held(request, child, gathered)
    context |= bound or {}
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"Allocation of {child.la_child_id}",
        object_type="child",
        object_id=child.id,
        request=request,
    )
    return render(request, "allocation/case.html", context, status=status)


def _ranked(found: Recommendation | None) -> list[tuple[Any, list[str]]]:
    return [
        (scored, [_part_cell(scored.fits[p], scored.points[p]) for p in Part])
        for scored in (found.ranked if found else ())
    ]


def _part_cell(fit: float | None, points: float) -> str:
    """A score part as the table shows it: points, or a dash where the preference does not
    apply to this case."""
    return "–" if fit is None else f"{points:.1f}"


def _held(request: HttpRequest, child: Child, gathered: TeamMeeting) -> dict[str, Any]:
    """For a case already held: its open allocations and the forms to change them."""
    current = list(open_allocations_of(request.user, child))
    return {
        "current": current,
        "reallocate_form": decision_form(None, gathered, child, HOLDER),
        "co_worker_form": decision_form(None, gathered, child, CO),
        "end_form": EndForm(choices=end_choices(current)) if current else None,
    }


def decision_form(data: Any, gathered: TeamMeeting, child: Child, role: str) -> DecisionForm | None:
    """The decision form for taking over (`role` holder) or co-working a held case, ranked for
    that role; None when the case has no open episode."""
    found = gathered.held_recommendation(child.id, role)
    if found is None:
        return None
    return DecisionForm(data, recommendation=found, prefix=role)


def end_choices(current: list[Allocation]) -> list[tuple[int, str]]:
    return [
        (a.id, f"{a.worker.name} ({a.get_role_display().lower()}, since {a.start_date:%-d %b %Y})")
        for a in current
    ]
