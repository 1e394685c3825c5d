"""The one doorway to child records. Interfaces never query Child (or its activity) directly.

"Not yours" and "does not exist" look the same: both are a 404.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import Http404

from oversight.accounts.roles import Breadth
from oversight.accounts.scope import scope_of
from oversight.cases.models import Child


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Child]:
    """Children this user may see: worker – own open allocations; ATM – also their supervisees';
    TM – the team's (allocated to a team member, or the team is responsible); SM/LM – the
    locality's; information officer and administrator – the council's."""
    scope = scope_of(user)
    children = Child.objects.all()
    if scope.breadth == Breadth.NONE:
        return children.none()
    if scope.breadth == Breadth.COUNCIL:
        la = scope.local_authority_id
        return children if la is None else children.filter(local_authority_id=la)
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
    return children.filter(id__in=Child.objects.filter(condition).values("id"))


def get_case_for_user(user: User | AnonymousUser, child_id: int) -> Child:
    """One child's case, or 404 whether it is missing or simply not this user's to see."""
    try:
        return cases_visible_to(user).get(id=child_id)
    except Child.DoesNotExist:
        raise Http404("No such case") from None
