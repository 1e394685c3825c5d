"""The read-only supervision pages (R-SV-1..4): my supervision, a worker's supervision with the
ASYE timeline, the team's month-by-month compliance, and the monthly audit as CSV.

Compliance dates are workforce facts (anyone who sees the worker sees them: the team page); the
sessions themselves are the worker's supervision file (supervision.queries.files_visible_to).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from oversight.accounts.scope import scope_of
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.queries import cases_visible_to
from oversight.engine.policy import Policy, SupervisionPolicy
from oversight.engine.workforce import Grade, experience_grade
from oversight.people.frames import worker_facts
from oversight.people.models import Team, Worker
from oversight.people.queries import get_team_for_user, teams_visible_to, workers_visible_to
from oversight.people.views import as_at_from
from oversight.supervision.audit import (
    ComplianceRate,
    MonthRate,
    audit_csv,
    month_rates,
    overall_rate,
    supervision_audit_rows,
)
from oversight.supervision.models import SupervisionSession
from oversight.supervision.queries import files_visible_to
from oversight.supervision.standing import (
    Month,
    Standing,
    Step,
    asye_timeline,
    context_for,
    monthly_history,
    oversight_gaps_by_worker,
    standings,
)


@dataclass(frozen=True)
class ActionRow:
    description: str
    due_on: dt.date
    done_on: dt.date | None  # None: not done by the measured-at date
    late: bool  # past its due date and not done


@dataclass(frozen=True)
class SessionRow:
    session: SupervisionSession
    not_counted: str  # why it does not count towards R-SV-1 ("" when it counts)
    written_up_on: dt.date | None  # None: not written up by the measured-at date
    cases_discussed: int
    actions: list[ActionRow]


@dataclass(frozen=True)
class TimelineRow:
    step: Step
    held_late_on: dt.date | None  # a missed step: the session that came after its due date


@dataclass(frozen=True)
class GridRow:
    worker: Worker
    months: list[Month]
    asye: bool
    linked: bool  # the user may open this worker's supervision file


# --- A worker's supervision file ---------------------------------------------------------------


@login_required
@require_GET
def my_supervision(request: HttpRequest) -> HttpResponse:
    worker = scope_of(request.user).worker
    if worker is None:
        raise Http404("No staff record")
    return _file_page(request, worker, own=True)


@login_required
@require_GET
def worker_supervision(request: HttpRequest, worker_id: int) -> HttpResponse:
    """A manager's view of one worker's supervision file: 404 outside the user's reach."""
    worker = get_object_or_404(files_visible_to(request.user), id=worker_id)
    return _file_page(request, worker, own=False)


def _file_page(request: HttpRequest, worker: Worker, *, own: bool) -> HttpResponse:
    as_at, date_error = as_at_from(request)
    standing = standings(Worker.objects.filter(pk=worker.pk), as_at)[0]
    ctx, policy_version = context_for(as_at)
    rules = ctx.policy.supervision
    steps = asye_timeline(worker, as_at) if _asye_on(worker, as_at, ctx.policy) else []
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what="My supervision" if own else f"Supervision of {worker.name}",
        object_type="worker",
        object_id=worker.pk,
        detail={"as_at": as_at.isoformat()},
        request=request,
    )
    context = {
        "own": own,
        "as_at": as_at,
        "date_error": date_error,
        "policy_version": policy_version,
        "rules": rules,
        "standing": standing,
        "sessions": _sessions(worker, as_at, rules),
        "timeline": _timeline(steps),
        "timeline_met": sum(1 for s in steps if s.state == "met"),
        "timeline_required": sum(1 for s in steps if s.state != "not yet due"),
        "next_step": next((s for s in steps if s.state == "not yet due"), None),
        "team": None if own else _team_for_breadcrumb(request.user, worker),
    }
    template = "my_supervision.html" if own else "worker_supervision.html"
    return render(request, f"supervision/{template}", context)


def _asye_on(worker: Worker, as_at: dt.date, policy: Policy) -> bool:
    """In the ASYE year on as_at. asye_timeline also returns the year of someone who finished
    it long ago (every worker who started newly qualified had one)."""
    facts = worker_facts(Worker.objects.filter(pk=worker.pk))[0]
    return experience_grade(facts, as_at, policy) == Grade.ASYE


def _sessions(worker: Worker, as_at: dt.date, rules: SupervisionPolicy) -> list[SessionRow]:
    """The sessions the worker received up to as_at, newest first, as known on that date."""
    received = (
        SupervisionSession.objects.filter(supervisee=worker, held_on__lte=as_at)
        .select_related("supervisor")
        .prefetch_related("actions")
        .annotate(cases=Count("cases_discussed"))
        .order_by("-held_on", "-id")
    )
    return [
        SessionRow(
            session=s,
            not_counted=_why_not_counted(s, rules),
            written_up_on=_known(s.written_up_on, as_at),
            cases_discussed=s.cases,
            actions=[_action(a.description, a.due_on, a.done_on, as_at) for a in s.actions.all()],
        )
        for s in received
    ]


def _why_not_counted(session: SupervisionSession, rules: SupervisionPolicy) -> str:
    """R-SV-2: only a formal one-to-one of at least the minimum length counts."""
    if session.kind != SupervisionSession.Kind.FORMAL:
        return f"{session.get_kind_display()} session"
    if session.minutes < rules.minimum_minutes:
        return f"Shorter than {rules.minimum_minutes} minutes"
    return ""


def _known(day: dt.date | None, as_at: dt.date) -> dt.date | None:
    """A date that had not happened by as_at was not known then: looking back hides it."""
    return day if day is not None and day <= as_at else None


def _action(description: str, due_on: dt.date, done: dt.date | None, as_at: dt.date) -> ActionRow:
    done_on = _known(done, as_at)
    return ActionRow(description, due_on, done_on, done_on is None and due_on < as_at)


def _timeline(steps: list[Step]) -> list[TimelineRow]:
    """Each step with, when missed, the late session that restarted the chain (the next step's
    start): a long gap is one missed step in the engine's chain, so the date says how long."""
    rows = []
    for k, step in enumerate(steps):
        following = steps[k + 1].since if k + 1 < len(steps) else None
        rows.append(TimelineRow(step, following if step.state == "missed" else None))
    return rows


def _team_for_breadcrumb(user: User | AnonymousUser, worker: Worker) -> Team | None:
    if worker.team_id is None:
        return None
    return teams_visible_to(user).filter(id=worker.team_id).first()


# --- The team ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamSupervision:
    team: Team
    as_at: dt.date
    policy_version: int
    standings: list[Standing]  # workers in post at as_at
    linked: set[int]  # workers whose supervision file the user may open
    months: list[dt.date]
    grid: list[GridRow]
    rates: list[MonthRate]
    year: ComplianceRate
    overdue: int
    not_written_up: int
    oversight_gaps: dict[int, int]  # worker id → held cases past the R-SV-5 interval

    @property
    def cases_without_oversight(self) -> int:
        return sum(self.oversight_gaps.values())

    @property
    def rows(self) -> list[tuple[Standing, int]]:
        """Each worker's standing with their cases past the oversight interval."""
        return [(s, self.oversight_gaps.get(s.worker.pk, 0)) for s in self.standings]

    @property
    def this_month(self) -> MonthRate:
        return self.rates[-1]


def _in_post(workers: QuerySet[Worker], as_at: dt.date) -> QuerySet[Worker]:
    # The same test as the engine's WorkerFacts.in_post.
    return workers.filter(
        Q(start_date__lte=as_at), Q(end_date__isnull=True) | Q(end_date__gte=as_at)
    )


def team_supervision_for(user: User | AnonymousUser, team: Team, as_at: dt.date) -> TeamSupervision:
    """Every worker of the team the user may see: standing now and the 12 months' cells."""
    workers = workers_visible_to(user).filter(team=team)
    rows = standings(_in_post(workers, as_at), as_at)
    months, cells = monthly_history(workers, as_at)
    linked = set(files_visible_to(user).filter(team=team).values_list("id", flat=True))
    grid = [
        GridRow(w, cells[w.pk], any(m.asye for m in cells[w.pk]), w.pk in linked)
        for w in workers.order_by("name")
        if any(m.compliant is not None for m in cells[w.pk])
    ]
    rates = month_rates(months, cells)
    return TeamSupervision(
        team=team,
        as_at=as_at,
        policy_version=context_for(as_at)[1],
        standings=rows,
        linked=linked,
        months=months,
        grid=grid,
        rates=rates,
        year=overall_rate(rates),
        overdue=sum(1 for s in rows if s.overdue),
        not_written_up=sum(s.not_written_up for s in rows),
        oversight_gaps=oversight_gaps_by_worker(cases_visible_to(user), workers, as_at),
    )


@login_required
@require_GET
def team_supervision(request: HttpRequest, team_id: int) -> HttpResponse:
    team = get_team_for_user(request.user, team_id)
    as_at, date_error = as_at_from(request)
    page = team_supervision_for(request.user, team, as_at)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"Team supervision: {team.name}",
        object_type="team",
        object_id=team.id,
        detail={"as_at": as_at.isoformat()},
        request=request,
    )
    return render(
        request, "supervision/team_supervision.html", {"page": page, "date_error": date_error}
    )


@login_required
@require_GET
def team_supervision_audit(request: HttpRequest, team_id: int) -> HttpResponse:
    """The month's audit rows for the team's workers the user may see, as CSV."""
    team = get_team_for_user(request.user, team_id)
    as_at = _as_at_alone(request.GET.get("as_at", ""))
    month = _month_from(request.GET.get("month", ""))
    if as_at is None or month is None or month > as_at:
        return HttpResponseBadRequest(
            "Give the month as YYYY-MM and any as_at as YYYY-MM-DD, the month no later than it.",
            content_type="text/plain; charset=utf-8",
        )
    rows = supervision_audit_rows(workers_visible_to(request.user).filter(team=team), month, as_at)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.EXPORT,
        what=f"Supervision audit {month:%Y-%m}: {team.name}",
        object_type="team",
        object_id=team.id,
        detail={"month": f"{month:%Y-%m}", "as_at": as_at.isoformat(), "rows": len(rows)},
        request=request,
    )
    response = HttpResponse(audit_csv(rows), content_type="text/csv; charset=utf-8")
    name = f"supervision-audit-{team.id}-{month:%Y-%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _month_from(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        return None


def _as_at_alone(text: str) -> dt.date | None:
    """Today, or `as_at=YYYY-MM-DD` (None when unreadable). Not as_at_from: that would read this
    link's `month=YYYY-MM` as the date form's month field."""
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else timezone.localdate()
    except ValueError:
        return None
