"""The plan at a glance and "my actions": parse the date, call a query, render.

The action page and its forms are in action_views.py, the import in import_views.py and the
downloads in export_views.py. The plan holds no child data, so reading it is not audited;
changes, imports and exports are.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from oversight.actionplan.access import PlanAccess, plan_access
from oversight.actionplan.models import Inspection
from oversight.actionplan.queries import (
    get_inspection,
    inspections_of,
    my_actions,
    plan_overview,
    plan_starts,
)
from oversight.people.views import as_at_from
from oversight.policy.queries import calendar_for, current_policy


@login_required
@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    """The council's latest inspection's plan."""
    access = plan_access(request.user)
    inspections = inspections_of(access.council)
    if not inspections:
        return render(request, "actionplan/no_plan.html", {"access": access})
    return _plan_page(request, access, inspections[0], inspections)


@login_required
@require_GET
def inspection(request: HttpRequest, inspection_id: int) -> HttpResponse:
    access = plan_access(request.user)
    chosen = get_inspection(access, inspection_id)
    return _plan_page(request, access, chosen, inspections_of(access.council))


def _plan_page(
    request: HttpRequest, access: PlanAccess, chosen: Inspection, inspections: list[Inspection]
) -> HttpResponse:
    as_at, date_error = as_at_from(request)
    return render(
        request,
        "actionplan/plan.html",
        {
            "overview": plan_overview(chosen, as_at),
            "send_by": send_to_ofsted_by(chosen),
            "send_by_days": current_policy()[0].timescales.action_plan_days,
            "inspections": inspections,
            "starts": plan_starts(chosen),
            "access": access,
            "as_at": as_at,
            "date_error": date_error,
        },
    )


def send_to_ofsted_by(inspection: Inspection) -> dt.date | None:
    """domain.md §8: the plan is due with Ofsted a number of working days (70, a policy
    setting) after the inspection report is published."""
    if inspection.report_published_on is None:
        return None
    policy, _version = current_policy()
    days = policy.timescales.action_plan_days
    return calendar_for(policy).add(inspection.report_published_on, days)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    access = plan_access(request.user)
    as_at, date_error = as_at_from(request)
    return render(
        request,
        "actionplan/my_actions.html",
        {
            "rows": my_actions(access, as_at),
            "access": access,
            "as_at": as_at,
            "date_error": date_error,
        },
    )
