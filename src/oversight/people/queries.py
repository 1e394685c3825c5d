"""Reads of the workforce, scoped like child records."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from oversight.accounts.roles import Breadth
from oversight.accounts.scope import Scope, scope_of
from oversight.people.models import Team, Worker


def workers_visible_to(user: User | AnonymousUser) -> QuerySet[Worker]:
    """Worker – themselves; ATM – themselves and supervisees; TM – their team; SM/LM – their
    locality; information officer and administrator – the council."""
    return workers_within(scope_of(user))


def workers_within(scope: Scope) -> QuerySet[Worker]:
    """The workers a scope reaches (workers_visible_to, for a scope already worked out)."""
    workers = Worker.objects.all()
    if scope.breadth == Breadth.NONE:
        return workers.none()
    if scope.breadth == Breadth.COUNCIL:
        la = scope.local_authority_id
        if la is None:
            return workers
        return workers.filter(
            Q(team__locality__local_authority_id=la) | Q(locality__local_authority_id=la)
        )
    assert scope.worker is not None
    if scope.breadth == Breadth.OWN:
        return workers.filter(id=scope.worker.id)
    if scope.breadth == Breadth.SUPERVISEES:
        return workers.filter(Q(id=scope.worker.id) | Q(supervisor=scope.worker))
    if scope.breadth == Breadth.TEAM:
        return workers.filter(team=scope.worker.team)
    locality = scope.locality_id or 0  # never None here: see scope_of
    return workers.filter(Q(team__locality_id=locality) | Q(locality_id=locality))


def teams_visible_to(user: User | AnonymousUser) -> QuerySet[Team]:
    """Teams whose page this user may open: one with at least one worker they can see."""
    scope = scope_of(user)
    teams = Team.objects.select_related("locality")
    if scope.breadth < Breadth.SUPERVISEES:
        return teams.none()
    if scope.breadth == Breadth.COUNCIL:
        la = scope.local_authority_id
        return teams if la is None else teams.filter(locality__local_authority_id=la)
    if scope.breadth == Breadth.LOCALITY:
        return teams.filter(locality_id=scope.locality_id or 0)
    return teams.filter(id=scope.team_id or 0)


def get_team_for_user(user: User | AnonymousUser, team_id: int) -> Team:
    try:
        return teams_visible_to(user).get(id=team_id)
    except Team.DoesNotExist:
        raise Http404("No such team") from None
