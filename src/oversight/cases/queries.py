"""The one doorway to child records. Interfaces never query Child (or its activity) directly.

"Not yours" and "does not exist" look the same: both are a 404. A break-glass grant still
running (accounts.break_glass) adds its child for its user, wherever this doorway is used.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from oversight.accounts.models import BreakGlassGrant
from oversight.accounts.roles import CASE_ROLES, Breadth
from oversight.accounts.scope import scope_of
from oversight.cases.models import Child


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Child]:
    """Children this user may see: worker – own open allocations; ATM – also their supervisees';
    TM – the team's (allocated to a team member, or the team is responsible); SM/LM – the
    locality's; information officer – the council's; administrator – none by that role alone.
    Anyone with a case role also sees the children of their running break-glass grants."""
    scope = scope_of(user)
    children = Child.objects.all()
    if scope.breadth == Breadth.COUNCIL:
        la = scope.local_authority_id
        return children if la is None else children.filter(local_authority_id=la)
    granted = Q(id__in=_granted_to(user)) if scope.roles & CASE_ROLES else Q(pk__in=[])
    if scope.breadth == Breadth.NONE:
        return children.filter(granted)
    assert scope.worker is not None  # breadths below COUNCIL always have a worker
    open_allocation = Q(allocations__end_date__isnull=True)
    if scope.breadth == Breadth.OWN:
        condition = open_allocation & Q(allocations__worker=scope.worker)
    elif scope.breadth == Breadth.SUPERVISEES:
        condition = open_allocation & (
            Q(allocations__worker=scope.worker) | Q(allocations__worker__supervisor=scope.worker)
        )
    elif scope.breadth == Breadth.TEAM:
        condition = Q(responsible_team_id=scope.team_id) | (
            open_allocation & Q(allocations__worker__team_id=scope.team_id)
        )
    else:
        condition = Q(responsible_team__locality_id=scope.locality_id) | (
            open_allocation & Q(allocations__worker__team__locality_id=scope.locality_id)
        )
    # Filter by id so the joins above never duplicate a child in the result.
    return children.filter(Q(id__in=Child.objects.filter(condition).values("id")) | granted)


def _granted_to(user: User | AnonymousUser) -> QuerySet[BreakGlassGrant, int]:
    """The children of the user's break-glass grants that have not yet run out."""
    if not user.is_authenticated:
        return BreakGlassGrant.objects.none().values_list("child_id", flat=True)
    running = BreakGlassGrant.objects.filter(user_id=user.pk, expires_at__gt=timezone.now())
    return running.values_list("child_id", flat=True)


def get_case_for_user(user: User | AnonymousUser, child_id: int) -> Child:
    """One child's case, or 404 whether it is missing or simply not this user's to see."""
    try:
        return cases_visible_to(user).get(id=child_id)
    except Child.DoesNotExist:
        raise Http404("No such case") from None
