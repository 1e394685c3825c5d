"""Team page, team list and "my caseload": parse input, call a query, record the view, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from oversight.accounts.roles import AccessRole, Breadth
from oversight.accounts.scope import scope_of
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.people.models import Worker
from oversight.people.overview import my_caseload, team_overview
from oversight.people.queries import get_team_for_user, teams_visible_to, workers_visible_to

DATE_ERROR = "Enter a real date, for example 31 10 2026"


def as_at_from(request: HttpRequest) -> tuple[dt.date, str]:
    """The date a page is measured at: today, or the day/month/year from the "Measured at" form,
    or `?as_at=YYYY-MM-DD` in a link. Returns the date and an error message for a date that could
    not be read (today is used instead)."""
    today = timezone.localdate()
    parts = [request.GET.get(name, "").strip() for name in ("year", "month", "day")]
    text = request.GET.get("as_at", "").strip()
    if not text and not any(parts):
        return today, ""
    try:
        if text:
            return dt.date.fromisoformat(text), ""
        year, month, day = (int(part) for part in parts)
        return dt.date(year, month, day), ""
    except ValueError:
        return today, DATE_ERROR


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page it starts from."""
    scope = scope_of(request.user)
    if scope.breadth >= Breadth.SUPERVISEES:
        teams = list(teams_visible_to(request.user)[:2])
        if len(teams) == 1:
            return redirect("team", team_id=teams[0].id)
        return redirect("teams")
    if scope.worker is not None:
        return redirect("my-caseload")
    if AccessRole.ADMINISTRATOR in scope.roles:
        # Administrators look after users, settings and the trail, not children's records.
        return redirect("audit")
    return render(request, "people/no_access.html")


@login_required
def teams(request: HttpRequest) -> HttpResponse:
    visible = teams_visible_to(request.user).order_by("locality__name", "name")
    if not visible.exists():
        raise Http404("No teams")
    return render(request, "people/teams.html", {"teams": visible})


@login_required
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id)
    as_at, date_error = as_at_from(request)
    overview = team_overview(request.user, team, as_at=as_at)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"Team page: {team.name}",
        object_type="team",
        object_id=team.id,
        detail={"as_at": as_at.isoformat()},
        request=request,
    )
    return render(request, "people/team.html", {"overview": overview, "date_error": date_error})


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    worker = scope_of(request.user).worker
    if worker is None:
        raise Http404("No caseload")
    return _caseload_page(request, worker, own=True)


@login_required
def worker_caseload(request: HttpRequest, worker_id: int) -> HttpResponse:
    """A manager's drill-down from the team page to one worker's cases and deadlines."""
    worker = get_object_or_404(workers_visible_to(request.user), id=worker_id)
    return _caseload_page(request, worker, own=False)


def _caseload_page(request: HttpRequest, worker: Worker, *, own: bool) -> HttpResponse:
    as_at, date_error = as_at_from(request)
    mine = my_caseload(worker, request.user, as_at=as_at)  # type: ignore[arg-type]
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what="My caseload" if own else f"Caseload of {worker.name}",
        object_type="worker",
        object_id=worker.id,
        detail={"as_at": as_at.isoformat()},
        request=request,
    )
    return render(
        request,
        "people/my_caseload.html",
        {"mine": mine, "date_error": date_error, "own": own},
    )
