"""The allocation meeting, the capacity board, one case's allocation and a worker's history:
parse, call the engine through the doorway, record the view, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone

from oversight.allocation.actions import (
    Decision,
    DecisionRefused,
    allocate_siblings,
    may_decide,
    reassess_complexity,
)
from oversight.allocation.case_page import is_waiting, load_case, render_case
from oversight.allocation.forms import ComplexityForm, DecisionForm
from oversight.allocation.meeting import (
    TeamMeeting,
    breaches_now,
    capacity_board,
    compare,
    team_meeting,
)
from oversight.allocation.queries import departures, worker_history
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.cases.queries import cases_visible_to, get_case_for_user
from oversight.engine.allocation.solver import one_at_a_time, optimise
from oversight.people.queries import get_team_for_user, workers_visible_to

AUDIT_MONTHS = 1  # overrides listed on the board: the last month, as the monthly audit reads


def _viewed(request: HttpRequest, what: str, object_type: str, object_id: int) -> None:
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=what,
        object_type=object_type,
        object_id=object_id,
        request=request,
    )


@login_required
def meeting(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's waiting cases, child protection first, with the top recommendation for each;
    `?plan=optimised` adds the whole-meeting optimisation beside one-at-a-time."""
    team = get_team_for_user(request.user, team_id)
    as_at = timezone.localdate()
    gathered = team_meeting(request.user, team, as_at=as_at)
    comparison = compare(gathered.meeting) if request.GET.get("plan") == "optimised" else None
    proposals = comparison.optimised.assignments if comparison else {}
    names = {c.worker_id: c.name for c in gathered.meeting.candidates}
    rows = [
        {
            "case": case,
            "waiting_days": (as_at - case.waiting_since).days,
            "top": gathered.recommendation(case.child_id).top,
            "proposed_id": proposals.get(case.child_id),
            "proposed": names.get(proposals.get(case.child_id) or 0),
        }
        for case in gathered.meeting.cases
    ]
    _viewed(request, f"Allocation meeting: {team.name}", "team", team.id)
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
def board(request: HttpRequest, team_id: int) -> HttpResponse:
    """Each worker's weighted load against capacity, now and after the meeting's pending
    proposals (one at a time, or the whole meeting with `?plan=optimised`); eligibility and FSW
    policy breaches now; and decisions that departed from the recommendation."""
    team = get_team_for_user(request.user, team_id)
    as_at = timezone.localdate()
    gathered = team_meeting(request.user, team, as_at=as_at)
    optimised = request.GET.get("plan") == "optimised"
    plan = compare(gathered.meeting).optimised if optimised else one_at_a_time(gathered.meeting)
    since = as_at - dt.timedelta(days=31 * AUDIT_MONTHS)
    _viewed(request, f"Capacity board: {team.name}", "team", team.id)
    return render(
        request,
        "allocation/board.html",
        {
            "team": team,
            "as_at": as_at,
            "optimised": optimised,
            "waiting": len(gathered.meeting.cases),
            "rows": capacity_board(gathered, plan.assignments),
            "breaches": breaches_now(gathered),
            "departures": departures(request.user, team, since=since),
            "since": since,
            "s47_weeks": gathered.meeting.policy.caseload.s47_window_weeks,
        },
    )


@login_required
def case(request: HttpRequest, child_id: int) -> HttpResponse:
    """One case: while it waits, every worker ranked with each part of the score, those
    excluded with their reasons and the decision form; once held, its allocations and the forms
    to reallocate it, add a co-worker or end one; always its history."""
    child, gathered = load_case(request, child_id)
    if not is_waiting(gathered, child):
        if request.method == "POST":
            messages.info(request, f"{child.la_child_id} is no longer waiting for allocation")
            return redirect("allocation-meeting", team_id=gathered.team.id)
        return render_case(request, child, gathered)
    proposal = _proposal(request, gathered, child.id)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        recommendation=gathered.recommendation(child.id),
        waiting_siblings=_waiting_siblings(gathered, child.id),
        initial={"worker": proposal} if proposal else None,
    )
    if request.method == "POST" and form.is_valid():
        done = _decide(request, form, gathered, child, proposal)
        if done:
            messages.success(request, done)
            return redirect("allocation-meeting", team_id=gathered.team.id)
    return render_case(request, child, gathered, form=form, proposal=proposal)


@login_required
def complexity(request: HttpRequest, child_id: int) -> HttpResponse:
    """Re-assess a case's complexity (POST only), then re-check its allocations (R-AL-1)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    child = get_case_for_user(request.user, child_id)
    form = ComplexityForm(request.POST)
    back = redirect("allocation-case", child_id=child.id)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return back
    try:
        broken = reassess_complexity(
            request.user,  # type: ignore[arg-type]
            child,
            level=form.cleaned_data["level"],
            on=timezone.localdate(),
            reason=form.cleaned_data["reason"],
        )
    except DecisionRefused as refused:
        messages.error(request, str(refused))
        return back
    level = form.cleaned_data["level"]
    if broken:
        messages.warning(
            request, f"Now at level {level}, the allocation breaks a rule: " + "; ".join(broken)
        )
    else:
        messages.success(request, f"{child.la_child_id} re-assessed at level {level}")
    return back


@login_required
def worker(request: HttpRequest, worker_id: int) -> HttpResponse:
    """A worker's allocation history (the cases the user may see)."""
    found = workers_visible_to(request.user).filter(id=worker_id).first()
    if found is None:
        raise Http404("No such worker")
    _viewed(request, f"Allocation history: {found.name}", "worker", found.id)
    return render(
        request,
        "allocation/worker.html",
        {"worker": found, "history": worker_history(request.user, found)},
    )


def _waiting_siblings(gathered: TeamMeeting, child_id: int) -> list[tuple[int, str]]:
    cases = {c.child_id: c for c in gathered.meeting.cases}
    return sorted(
        (
            (sibling, cases[sibling].la_child_id)
            for sibling in cases[child_id].siblings
            if sibling in cases
        ),
        key=lambda pair: pair[1],
    )


def _decide(
    request: HttpRequest,
    form: DecisionForm,
    gathered: TeamMeeting,
    child: Child,
    proposal: int | None,
) -> str:
    """Record the decision for the child (and the siblings ticked); the message to show, or ""
    with the form's errors set when a rule refuses it."""
    worker = workers_visible_to(request.user).filter(id=form.cleaned_data["worker"]).first()
    if worker is None:
        raise Http404("No such worker")
    children = [child]
    siblings = form.cleaned_data.get("siblings") or []
    if siblings:
        children += list(
            cases_visible_to(request.user).filter(id__in=siblings).order_by("la_child_id")
        )
    decisions = [
        (
            Decision(
                each,
                worker,
                gathered.meeting.as_at,
                form.cleaned_data["rationale"],
                form.cleaned_data["override_reason"],
            ),
            gathered.recommendation(each.id),
        )
        for each in children
    ]
    try:
        allocate_siblings(request.user, decisions, proposal=proposal)  # type: ignore[arg-type]
    except DecisionRefused as refused:
        form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        return ""
    names = " and ".join(each.la_child_id for each in children)
    return f"{names} allocated to {worker.name}"


def _proposal(request: HttpRequest, gathered: TeamMeeting, child_id: int) -> int | None:
    """The worker the whole meeting proposed for the case, when the manager came from the
    meeting's proposals. Worked out again here, never taken on trust from the request: following
    the proposal is what spares the manager a rationale."""
    if not (request.POST.get("proposal") or request.GET.get("proposal")):
        return None
    return optimise(gathered.meeting).assignments.get(child_id)
