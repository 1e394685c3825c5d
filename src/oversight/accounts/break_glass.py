"""Break-glass access (issue 9): a worker or manager may open one child's case outside their
reach for a few hours, giving a reason. It is granted at once — a child's safety cannot wait for
an approval — and paid for in visibility: the grant is in the audit trail, shown in a banner
while it lasts and listed for the requester's team manager, and it ends by itself.

The doorway (cases.queries.cases_visible_to) adds the children of a user's active grants, so a
grant works on every page that reaches child records the proper way.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from oversight.accounts.models import BreakGlassGrant
from oversight.accounts.roles import CASE_ROLES, AccessRole, Breadth
from oversight.accounts.scope import Scope, scope_of
from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.cases.models import Child
from oversight.people.models import Team

# Long enough that "x" is not a reason; the team manager reads it.
REASON_MIN_LENGTH = 10
# How far back the team manager's list goes; the audit trail keeps every grant for good.
REPORT_DAYS = 28
OVERSEERS = frozenset(
    {AccessRole.TEAM_MANAGER, AccessRole.SAFEGUARDING_MANAGER, AccessRole.LOCALITY_MANAGER}
)


class CannotGrant(Exception):
    """Why a request for break-glass access was refused, in words for the form."""


def active_grants(user: User | AnonymousUser) -> QuerySet[BreakGlassGrant]:
    """The user's grants still running now."""
    if not user.is_authenticated:
        return BreakGlassGrant.objects.none()
    return BreakGlassGrant.objects.filter(user_id=user.pk, expires_at__gt=timezone.now())


def may_break_glass(scope: Scope) -> bool:
    """Anyone with a case role and a staff record that places them in a council."""
    return bool(scope.roles & CASE_ROLES) and scope.local_authority_id is not None


def grant_break_glass(
    *, by: User, la_child_id: str, reason: str, request: HttpRequest | None = None
) -> BreakGlassGrant:
    """Open one child's case to `by` for OVERSIGHT_BREAK_GLASS_HOURS, recorded with the reason."""
    scope = scope_of(by)
    if not may_break_glass(scope):
        raise CannotGrant("Your role cannot use break-glass access")
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise CannotGrant(f"Give a reason of at least {REASON_MIN_LENGTH} characters")
    child = _child_in_council(scope, la_child_id.strip())
    if child is None:
        record_event(
            user=by,
            kind=AuditEvent.Kind.DENIED,
            what="Break-glass refused: no case with that LA child ID",
            detail={"la_child_id": la_child_id.strip()[:40], "reason": reason},
            request=request,
        )
        raise CannotGrant("There is no case with that LA child ID in your council")
    return _grant(by, scope, child, reason, request)


def _child_in_council(scope: Scope, la_child_id: str) -> Child | None:
    # The one deliberate step past the doorway: finding a child the user cannot yet see. It
    # reveals only whether the id exists in their own council, and the attempt is audited.
    if not la_child_id:
        return None
    found = Child.objects.filter(
        local_authority_id=scope.local_authority_id, la_child_id=la_child_id
    )
    return found.first()


@transaction.atomic
def _grant(
    by: User, scope: Scope, child: Child, reason: str, request: HttpRequest | None
) -> BreakGlassGrant:
    hours = settings.OVERSIGHT_BREAK_GLASS_HOURS
    now = timezone.now()
    worker = scope.worker
    grant = BreakGlassGrant.objects.create(
        user=by,
        child=child,
        reason=reason,
        granted_at=now,
        expires_at=now + dt.timedelta(hours=hours),
        team_id=worker.team_id if worker else None,
        locality_id=scope.locality_id,
    )
    record_event(
        user=by,
        kind=AuditEvent.Kind.BREAK_GLASS,
        what=f"Break-glass access to {child.la_child_id} for {hours} hours",
        object_type="child",
        object_id=child.pk,
        detail={
            "la_child_id": child.la_child_id,
            "reason": reason,
            "expires_at": grant.expires_at.isoformat(),
            "team": worker.team.name if worker and worker.team else "",
        },
        request=request,
    )
    return grant


def oversees_break_glass(scope: Scope) -> bool:
    """Team managers for their team; safeguarding and locality managers for their locality."""
    return bool(scope.roles & OVERSEERS) and scope.breadth in (Breadth.TEAM, Breadth.LOCALITY)


def grants_reported_to(user: User | AnonymousUser) -> QuerySet[BreakGlassGrant]:
    """Recent grants a team, safeguarding or locality manager oversees: asked for by someone in
    their team or locality, or opening a case their team or locality is responsible for."""
    scope = scope_of(user)
    if not oversees_break_glass(scope):
        return BreakGlassGrant.objects.none()
    since = timezone.now() - dt.timedelta(days=REPORT_DAYS)
    if scope.breadth == Breadth.TEAM:
        where = Q(team_id=scope.team_id) | Q(child__responsible_team_id=scope.team_id)
    else:
        where = Q(locality_id=scope.locality_id) | Q(
            child__responsible_team__locality_id=scope.locality_id
        )
    return (
        BreakGlassGrant.objects.filter(where, granted_at__gte=since)
        .select_related("user", "child", "team")
        .order_by("-granted_at", "-id")
    )


def grants_for_team(user: User | AnonymousUser, team: Team) -> QuerySet[BreakGlassGrant]:
    """The team page's list: what the user oversees, narrowed to this team."""
    return grants_reported_to(user).filter(Q(team=team) | Q(child__responsible_team=team))
