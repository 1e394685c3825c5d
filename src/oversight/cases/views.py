"""The read-only case summary: one child's allocations, open work and complexity history.

Reached only through the doorway (get_case_for_user), so it is also what a safeguarding or
locality manager's "read-only case detail" is, and what a break-glass grant opens. Every view is
in the audit trail, marked when it came through break-glass access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from oversight.accounts.break_glass import active_grants
from oversight.accounts.models import BreakGlassGrant
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.models import (
    Allocation,
    Assessment,
    Child,
    ChildProtectionPlan,
    ComplexityAssessment,
    Section47,
)
from oversight.cases.queries import get_case_for_user
from oversight.people.models import Team


@dataclass(frozen=True)
class CaseSummary:
    child: Child
    team: Team | None
    allocations: list[Allocation]
    open_assessments: list[Assessment]
    open_s47s: list[Section47]
    cp_plan: ChildProtectionPlan | None  # the open plan
    complexity: list[ComplexityAssessment]  # newest first
    grant: BreakGlassGrant | None  # a running break-glass grant of the user's for this child


@login_required
@require_GET
def case(request: HttpRequest, child_id: int) -> HttpResponse:
    child = get_case_for_user(request.user, child_id)
    summary = _summary(request, child)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"Case summary: {child.la_child_id}",
        object_type="child",
        object_id=child.pk,
        detail={"la_child_id": child.la_child_id, "break_glass": summary.grant is not None},
        request=request,
    )
    return render(request, "cases/case.html", {"case": summary})


def _summary(request: HttpRequest, child: Child) -> CaseSummary:
    """Everything through the child's own relations: the doorway already let us have it."""
    plan = child.cp_plans.filter(end_date__isnull=True).first()
    return CaseSummary(
        child=child,
        team=child.responsible_team,
        allocations=list(child.allocations.select_related("worker").order_by("-start_date", "-id")),
        open_assessments=list(
            child.assessments.filter(authorised_date__isnull=True)
            .select_related("worker")
            .order_by("start_date", "id")
        ),
        open_s47s=list(
            child.section47s.filter(end_date__isnull=True)
            .select_related("lead_worker")
            .order_by("strategy_date", "id")
        ),
        cp_plan=plan,
        complexity=list(child.complexity_history.order_by("-assessed_on", "-id")),
        grant=active_grants(request.user).filter(child=child).order_by("-expires_at").first(),
    )
