"""The allocation meeting and one case's allocation: parse, call the engine, record, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.allocation.actions import (
    Decision,
    DecisionRefused,
    allocate_case,
    may_decide,
)
from oversight.allocation.forms import DecisionForm
from oversight.allocation.meeting import compare, team_meeting
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.queries import get_case_for_user
from oversight.engine.allocation.scoring import PART_LABELS, Part
from oversight.people.queries import get_team_for_user, workers_visible_to


@login_required
def meeting(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's waiting cases, child protection first, with the top recommendation for each;
    `?plan=optimised` adds the whole-meeting optimisation beside one-at-a-time."""
    team = get_team_for_user(request.user, team_id)
    as_at = timezone.localdate()
    gathered = team_meeting(request.user, team, as_at=as_at)
    optimised = request.GET.get("plan") == "optimised"
    comparison = compare(gathered.meeting) if optimised else None
    names = {c.worker_id: c.name for c in gathered.meeting.candidates}
    proposals = comparison.optimised.assignments if comparison else {}
    rows = [
        {
            "case": case,
            "waiting_days": (as_at - case.waiting_since).days,
            "top": gathered.recommendation(case.child_id).top,
            "proposed": names.get(proposals.get(case.child_id) or 0),
        }
        for case in gathered.meeting.cases
    ]
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"Allocation meeting: {team.name}",
        object_type="team",
        object_id=team.id,
        detail={"cases": len(rows), "optimised": optimised},
        request=request,
    )
    return render(
        request,
        "allocation/meeting.html",
        {
            "team": team,
            "as_at": as_at,
            "rows": rows,
            "comparison": comparison,
            "policy_version": gathered.policy_version,
            "may_decide": may_decide(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
def case(request: HttpRequest, child_id: int) -> HttpResponse:
    """One waiting case: every worker ranked with each part of the score, those excluded with
    their reasons, and the decision form."""
    child = get_case_for_user(request.user, child_id)
    if child.responsible_team_id is None:
        raise Http404("No responsible team")
    team = get_team_for_user(request.user, child.responsible_team_id)
    as_at = timezone.localdate()
    gathered = team_meeting(request.user, team, as_at=as_at)
    if all(c.child_id != child.id for c in gathered.meeting.cases):
        messages.info(request, f"{child.la_child_id} is not waiting for allocation")
        return redirect("allocation-meeting", team_id=team.id)
    recommendation = gathered.recommendation(child.id)
    form = DecisionForm(
        request.POST if request.method == "POST" else None, recommendation=recommendation
    )
    if request.method == "POST" and form.is_valid():
        worker = workers_visible_to(request.user).filter(id=form.cleaned_data["worker"]).first()
        if worker is None:
            raise Http404("No such worker")
        decision = Decision(
            child,
            worker,
            as_at,
            form.cleaned_data["rationale"],
            form.cleaned_data["override_reason"],
        )
        try:
            allocate_case(request.user, decision, recommendation)  # type: ignore[arg-type]
        except DecisionRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(request, f"{child.la_child_id} allocated to {worker.name}")
            return redirect("allocation-meeting", team_id=team.id)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"Allocation of {child.la_child_id}",
        object_type="child",
        object_id=child.id,
        request=request,
    )
    return render(
        request,
        "allocation/case.html",
        {
            "child": child,
            "team": team,
            "recommendation": recommendation,
            "part_labels": [PART_LABELS[part] for part in Part],
            "ranked": [
                (scored, [_part_cell(scored.fits[p], scored.points[p]) for p in Part])
                for scored in recommendation.ranked
            ],
            "form": form,
            "may_decide": may_decide(request.user),  # type: ignore[arg-type]
        },
    )


def _part_cell(fit: float | None, points: float) -> str:
    """A score part as the table shows it: points, or a dash where the preference does not
    apply to this case."""
    return "–" if fit is None else f"{points:.1f}"
