"""A case already held: reallocating it, adding a co-worker and ending an allocation (R-AL-3),
each a POST from the case's allocation page, with the same recommendation, checks and audit as
allocating a waiting case. A refused decision shows the page again with what to fix."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from oversight.allocation.actions import (
    Decision,
    DecisionRefused,
    add_co_worker,
    end_allocation,
    reallocate_case,
)
from oversight.allocation.case_page import (
    CO,
    HOLDER,
    decision_form,
    end_choices,
    load_case,
    render_case,
)
from oversight.allocation.forms import EndForm
from oversight.allocation.queries import open_allocations_of
from oversight.people.queries import workers_visible_to

FORM_OF: dict[str, str] = {HOLDER: "reallocate_form", CO: "co_worker_form"}
DONE: dict[str, str] = {HOLDER: "reallocated to", CO: "now co-worked by"}


def _decide(request: HttpRequest, child_id: int, role: str) -> HttpResponse:
    child, gathered = load_case(request, child_id)
    form = decision_form(request.POST, gathered, child, role)
    if form is None:
        messages.info(request, f"{child.la_child_id} has no open episode to allocate")
        return redirect("allocation-case", child_id=child.id)
    if form.is_valid():
        worker = workers_visible_to(request.user).filter(id=form.cleaned_data["worker"]).first()
        if worker is None:
            raise Http404("No such worker")
        decision = Decision(
            child,
            worker,
            gathered.meeting.as_at,
            form.cleaned_data["rationale"],
            form.cleaned_data["override_reason"],
        )
        act = reallocate_case if role == HOLDER else add_co_worker
        recommendation = gathered.held_recommendation(child.id, role)
        assert recommendation is not None  # the form was made from it
        try:
            act(request.user, decision, recommendation)  # type: ignore[arg-type]
        except DecisionRefused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(request, f"{child.la_child_id} {DONE[role]} {worker.name}")
            return redirect("allocation-case", child_id=child.id)
    return render_case(request, child, gathered, bound={FORM_OF[role]: form}, status=400)


@login_required
@require_POST
def reallocate(request: HttpRequest, child_id: int) -> HttpResponse:
    return _decide(request, child_id, HOLDER)


@login_required
@require_POST
def co_worker(request: HttpRequest, child_id: int) -> HttpResponse:
    return _decide(request, child_id, CO)


@login_required
@require_POST
def end(request: HttpRequest, child_id: int) -> HttpResponse:
    child, gathered = load_case(request, child_id)
    current = list(open_allocations_of(request.user, child))
    form = EndForm(request.POST, choices=end_choices(current))
    if form.is_valid():
        allocation = next(a for a in current if a.id == form.cleaned_data["allocation"])
        try:
            end_allocation(
                request.user,  # type: ignore[arg-type]
                allocation,
                on=gathered.meeting.as_at,
                reason=form.cleaned_data["reason"],
            )
        except DecisionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"{allocation.worker.name}'s allocation of {child.la_child_id} ended"
            )
            return redirect("allocation-case", child_id=child.id)
    return render_case(request, child, gathered, bound={"end_form": form}, status=400)
