"""Allocation records through the doorway: a case's and a worker's allocation history, and the
decisions that departed from the recommendation (for the monthly audit)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from oversight.cases.models import Allocation, Child
from oversight.cases.queries import cases_visible_to
from oversight.people.models import Team, Worker


def _visible(user: User | AnonymousUser) -> QuerySet[Allocation]:
    return Allocation.objects.filter(child__in=cases_visible_to(user)).select_related(
        "child", "worker", "decided_by"
    )


def case_history(user: User | AnonymousUser, child: Child) -> QuerySet[Allocation]:
    """Every allocation of the child, newest first (the child is already checked in scope)."""
    return _visible(user).filter(child=child).order_by("-start_date", "-id")


def worker_history(user: User | AnonymousUser, worker: Worker) -> QuerySet[Allocation]:
    """The worker's allocations of children the user may see, newest first."""
    return _visible(user).filter(worker=worker).order_by("-start_date", "-id")


def departures(user: User | AnonymousUser, team: Team, *, since: dt.date) -> list[Allocation]:
    """Decisions since `since` for the team's workers that overrode a rule, or chose someone
    other than the top recommendation shown (R-AL-3), for the monthly audit."""
    decided = (
        _visible(user)
        .filter(worker__team=team, decided_at__date__gte=since)
        .exclude(recommendation_shown={})
        .order_by("-decided_at")
    )
    return [a for a in decided if a.override_reason or _not_top(a)]


def _not_top(allocation: Allocation) -> bool:
    ranked = allocation.recommendation_shown.get("ranked") or []
    return not ranked or ranked[0].get("worker_id") != allocation.worker_id


def open_allocations_of(user: User | AnonymousUser, child: Child) -> QuerySet[Allocation]:
    """The child's open allocations, case holder first (the child is already checked in
    scope)."""
    # "holder" sorts after "co": descending puts the case holder first.
    return _visible(user).filter(child=child, end_date__isnull=True).order_by("-role", "start_date")
