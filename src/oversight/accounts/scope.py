"""What part of the council a signed-in user may see, worked out once per request."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from oversight.accounts.roles import BREADTH, AccessRole, Breadth
from oversight.people.models import Worker


@dataclass(frozen=True)
class Scope:
    breadth: Breadth
    worker: Worker | None
    roles: frozenset[AccessRole]

    @property
    def team_id(self) -> int | None:
        return self.worker.team_id if self.worker else None

    @property
    def locality_id(self) -> int | None:
        return self.worker.home_locality_id if self.worker else None

    @property
    def local_authority_id(self) -> int | None:
        if self.worker is None:
            return None
        if self.worker.team is not None:
            return self.worker.team.locality.local_authority_id
        return self.worker.locality.local_authority_id if self.worker.locality else None


def scope_of(user: User | AnonymousUser) -> Scope:
    """The widest breadth among the user's roles. A role that needs a worker record but has
    none (e.g. a team manager not yet linked to their staff record) sees nothing."""
    if not user.is_authenticated or not user.is_active:
        return Scope(Breadth.NONE, None, frozenset())
    cached: Scope | None = getattr(user, "_oversight_scope", None)
    if cached is not None:
        return cached
    scope = _work_out_scope(user)
    user._oversight_scope = scope  # type: ignore[attr-defined]
    return scope


# Roles that reach data across the council but not anyone's supervision file (issue 9's matrix:
# "information officer (council-wide data, no supervision notes)").
NO_SUPERVISION_FILES = frozenset({AccessRole.INFORMATION_OFFICER, AccessRole.ADMINISTRATOR})


def supervision_scope_of(user: User | AnonymousUser) -> Scope:
    """The reach of the user's casework roles alone, for supervision records: sessions, the
    decisions given and the actions agreed."""
    scope = scope_of(user)
    return _scope_for(scope.roles - NO_SUPERVISION_FILES, scope.worker)


def _work_out_scope(user: User) -> Scope:
    names = set(user.groups.values_list("name", flat=True))
    roles = frozenset(role for role in AccessRole if role.value in names)
    worker = Worker.objects.select_related("team__locality", "locality").filter(user=user).first()
    return _scope_for(roles, worker)


def _scope_for(roles: frozenset[AccessRole], worker: Worker | None) -> Scope:
    breadth = max((BREADTH[r] for r in roles), default=Breadth.NONE)
    # A role that reaches through a staff record sees nothing until the record says where the
    # user works: never fall back to "everything with no team".
    if breadth < Breadth.COUNCIL and (
        worker is None
        or (breadth == Breadth.TEAM and worker.team_id is None)
        or (breadth == Breadth.LOCALITY and worker.home_locality_id is None)
    ):
        breadth = Breadth.NONE
    return Scope(breadth, worker, roles)
