"""A user's digest, read through the scoped doorways and judged by the engine.

Children come only from `cases_visible_to(user)` and workers only from
`workers_visible_to(user)`, so a digest holds exactly what the user may see on their pages: a
worker their own cases and supervision, an ATM also their supervisees', a TM the team, a
safeguarding or locality manager the locality. Information officers and administrators get no
digest unless they also hold a casework role. The number of queries does not grow with the
number of cases or workers (the notifications panel sits on the team page).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import polars as pl
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from oversight.accounts.roles import AccessRole, Breadth
from oversight.accounts.scope import Scope, scope_of
from oversight.alerts.digest import (
    Digest,
    Facts,
    OpenPlan,
    PendingConference,
    SupervisionDue,
    WithoutQualifiedHolder,
    WriteUpOwed,
    build_digest,
)
from oversight.alerts.schedule import Cadence, look_ahead
from oversight.cases.engine_data import load_case_data
from oversight.cases.frames import assessment_facts, open_assessments
from oversight.cases.models import Child
from oversight.cases.queries import cases_visible_to
from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.caseload import CaseRole
from oversight.engine.frames import CaseData
from oversight.engine.measures import REGISTRY
from oversight.engine.measures.status import child_protection_children, open_allocations
from oversight.engine.policy import Policy
from oversight.engine.registry import Context, Period
from oversight.engine.timeliness import AssessmentStatus, open_deadlines
from oversight.people.models import Worker
from oversight.people.queries import workers_visible_to
from oversight.policy.queries import calendar_for, current_policy
from oversight.supervision.standing import standings, write_ups_owed

# The roles that work with children's cases. An information officer or administrator alone
# gets no digest: council-wide lists of everything overdue are the reports' job.
DIGEST_ROLES = frozenset(
    {
        AccessRole.WORKER,
        AccessRole.ASSISTANT_TEAM_MANAGER,
        AccessRole.TEAM_MANAGER,
        AccessRole.SAFEGUARDING_MANAGER,
        AccessRole.LOCALITY_MANAGER,
    }
)
UNALLOCATED_CP = "allocation.unallocated_child_protection"


def receives_digest(user: User | AnonymousUser) -> bool:
    """A casework role and a staff record that says where the user works."""
    scope = scope_of(user)
    return bool(scope.roles & DIGEST_ROLES) and scope.breadth is not Breadth.NONE


def digest_for(
    user: User | AnonymousUser,
    *,
    as_at: dt.date,
    cadence: Cadence = Cadence.DAILY,
    weekday: int = 0,
) -> Digest | None:
    """What is overdue or due soon in the user's scope at `as_at`; None for a user who gets
    no digest. A weekly digest looks ahead to the next one (schedule.look_ahead)."""
    if not receives_digest(user):
        return None
    scope = scope_of(user)
    policy, _version = current_policy()
    calendar = calendar_for(policy)
    ahead = look_ahead(cadence, weekday, as_at, policy.timescales.due_soon_days, calendar)
    facts = _facts(user, scope, as_at=as_at, policy=policy, calendar=calendar, ahead=ahead)
    return build_digest(
        facts,
        as_at=as_at,
        policy=policy,
        calendar=calendar,
        look_ahead=ahead,
        scope=scope_in_words(scope),
        show_worker=scope.breadth > Breadth.OWN,
    )


def scope_in_words(scope: Scope) -> str:
    worker = scope.worker
    if scope.breadth == Breadth.OWN or worker is None:
        return "your cases and supervision"
    if scope.breadth == Breadth.SUPERVISEES:
        return "your cases and your supervisees'"
    if scope.breadth == Breadth.TEAM and worker.team is not None:
        return _named(worker.team.name, "team")
    if scope.breadth == Breadth.LOCALITY:
        locality = worker.team.locality if worker.team is not None else worker.locality
        return _named(locality.name, "locality") if locality is not None else "your locality"
    return "the council"


def _named(name: str, what: str) -> str:
    """The Safeguarding team, but Locality 2 rather than the Locality 2 locality."""
    return name if what in name.lower() else f"the {name} {what}"


def _facts(
    user: User | AnonymousUser,
    scope: Scope,
    *,
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
    ahead: int,
) -> Facts:
    visible = cases_visible_to(user)
    statuses, assessed = _assessments(visible, as_at, policy, calendar, ahead)
    active = _active(visible, as_at)
    data = load_case_data(active, _workers_involved(active, assessed))
    la_child_ids = dict(assessed.values_list("id", "la_child_id"))
    la_child_ids.update(data.children.select("child_id", "la_child_id").iter_rows())
    holders = open_allocations(data, as_at).filter(pl.col("role") == CaseRole.CASE_HOLDER.value)
    supervision, owed = _supervision(user, scope.worker, as_at)
    return Facts(
        la_child_ids=la_child_ids,
        worker_names=dict(data.workers.select("worker_id", "name").iter_rows()),
        case_holders=dict(holders.select("child_id", "worker_id").iter_rows()),
        assessments=statuses,
        conferences=_pending_conferences(data, as_at),
        plans=_open_plans(data, as_at),
        without_holder=_without_qualified_holder(data, as_at, policy, calendar),
        supervision=supervision,
        write_ups=owed,
    )


def _assessments(
    visible: QuerySet[Child],
    as_at: dt.date,
    policy: Policy,
    calendar: WorkingDayCalendar,
    ahead: int,
) -> tuple[list[AssessmentStatus], QuerySet[Child]]:
    """R-TS-10 as the team page works it out (people.overview), with the digest's look-ahead
    as the "due soon" margin."""
    with_open = open_assessments(visible, as_at=as_at)
    margin = dataclasses.replace(policy.timescales, due_soon_days=ahead)
    statuses = open_deadlines(
        assessment_facts(with_open, as_at=as_at),
        as_at=as_at,
        policy=dataclasses.replace(policy, timescales=margin),
        calendar=calendar,
    )
    return statuses, with_open


def _open_on(relation: str, start: str, as_at: dt.date) -> Q:
    """A record of `relation` begun by as_at and not ended by then."""
    return Q(**{f"{relation}__{start}__lte": as_at}) & (
        Q(**{f"{relation}__end_date__isnull": True}) | Q(**{f"{relation}__end_date__gt": as_at})
    )


def _active(visible: QuerySet[Child], as_at: dt.date) -> QuerySet[Child]:
    """The visible children with child protection work or an allocation open at as_at: all
    the conference, review and R-AL-1 items need, without the closed cases' history."""
    open_then = (
        _open_on("section47s", "strategy_date", as_at)
        | _open_on("cp_plans", "start_date", as_at)
        | _open_on("allocations", "start_date", as_at)
    )
    return visible.filter(id__in=visible.filter(open_then).values("id"))


def _workers_involved(active: QuerySet[Child], assessed: QuerySet[Child]) -> QuerySet[Worker]:
    """Whoever holds, co-works or leads work on these children, in any team: R-AL-1 needs
    every holder's grade, and the items name the worker."""
    return Worker.objects.filter(
        Q(id__in=active.values("allocations__worker_id"))
        | Q(id__in=active.values("section47s__lead_worker_id"))
        | Q(id__in=assessed.values("assessments__worker_id"))
    )


def _pending_conferences(data: CaseData, as_at: dt.date) -> list[PendingConference]:
    """s47 enquiries open at as_at whose initial conference is needed and not yet held."""
    waiting = data.section47s.filter(
        (pl.col("strategy_date") <= as_at)
        & (pl.col("end_date").is_null() | (pl.col("end_date") > as_at))
        & ~pl.col("icpc_not_required").fill_null(False)
        & (pl.col("icpc_date").is_null() | (pl.col("icpc_date") > as_at))
    )
    return [
        PendingConference(child, strategy, lead)
        for child, strategy, lead in waiting.select(
            "child_id", "strategy_date", "lead_worker_id"
        ).iter_rows()
    ]


def _open_plans(data: CaseData, as_at: dt.date) -> list[OpenPlan]:
    """Plans open at as_at, each with the last review held after its start, by as_at."""
    plans = data.cp_plans.filter(
        (pl.col("start") <= as_at) & (pl.col("end").is_null() | (pl.col("end") > as_at))
    ).select("plan_id", "child_id", "start")
    reviews = (
        data.cp_reviews.filter(pl.col("date") <= as_at)
        .join(plans, on="plan_id")
        .filter(pl.col("date") > pl.col("start"))
        .group_by("plan_id")
        .agg(last_review=pl.col("date").max())
    )
    rows = plans.join(reviews, on="plan_id", how="left").sort("plan_id")
    return [
        OpenPlan(child, start, last)
        for child, start, last in rows.select("child_id", "start", "last_review").iter_rows()
    ]


def _without_qualified_holder(
    data: CaseData, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> list[WithoutQualifiedHolder]:
    """R-AL-1 from the registry's measure, dated from when child protection work began."""
    context = Context(as_at, Period(as_at, as_at), policy, calendar)
    children = REGISTRY.compute(data, context, [UNALLOCATED_CP])[UNALLOCATED_CP].cases
    since = dict(child_protection_children(data, as_at).iter_rows())
    return [WithoutQualifiedHolder(child, since.get(child)) for child in children]


def _supervision(
    user: User | AnonymousUser, me: Worker | None, as_at: dt.date
) -> tuple[list[SupervisionDue], list[WriteUpOwed]]:
    """R-SV-3 for every worker in the user's scope who is in post, and R-SV-4: the sessions
    the user must write up, and others' outstanding files in their scope."""
    in_post = (
        workers_visible_to(user)
        .filter(start_date__lte=as_at)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=as_at))
    )
    owed = write_ups_owed(me, as_at) if me is not None else []
    mine = Counter(session.supervisee_id for session in owed)
    return [
        SupervisionDue(
            worker_name=standing.worker.name,
            next_due=standing.next_due,
            days_overdue=standing.days_overdue,
            not_written_up=max(0, standing.not_written_up - mine[standing.worker.pk]),
        )
        for standing in standings(in_post, as_at)
    ], [WriteUpOwed(session.supervisee.name, session.held_on) for session in owed]
