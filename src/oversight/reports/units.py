"""What a report covers (a team, a locality or the council) and who may have it.

A report is about a *unit* of the council, not about one person's view of it, so the same
report can be scheduled, archived and downloaded again by anyone whose role covers that unit:
information officers and administrators the council (and any locality or team in it), safeguarding
and locality managers their locality (and its teams), team managers their team. Workers and
assistant team managers get no audit workbooks: their role reaches only their own (or their
supervisees') cases, and a team's audit would show them more.

A unit's data is loaded as it was known at the report's as-at date: its children are those its
team(s) were responsible for, or had allocated to one of its workers by that date, so a report
regenerated later for the same date covers the same children (docs/reports.md, "Past dates").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from oversight.accounts.roles import Breadth
from oversight.accounts.scope import scope_of
from oversight.cases.engine_data import load_case_data
from oversight.cases.models import Child
from oversight.engine.frames import CaseData
from oversight.people.models import LocalAuthority, Locality, Team, Worker


class UnitKind(StrEnum):
    COUNCIL = "council"
    LOCALITY = "locality"
    TEAM = "team"


@dataclass(frozen=True)
class Unit:
    kind: UnitKind
    id: int
    name: str
    local_authority_id: int

    @property
    def key(self) -> str:
        """How a form or the command line names the unit: `team:3`."""
        return f"{self.kind.value}:{self.id}"

    @property
    def title(self) -> str:
        if self.kind == UnitKind.COUNCIL:
            return self.name
        return f"{self.name} ({self.kind.value})"


def council_unit(la: LocalAuthority) -> Unit:
    return Unit(UnitKind.COUNCIL, la.pk, la.name, la.pk)


def locality_unit(locality: Locality) -> Unit:
    return Unit(UnitKind.LOCALITY, locality.pk, locality.name, locality.local_authority_id)


def team_unit(team: Team) -> Unit:
    return Unit(UnitKind.TEAM, team.pk, team.name, team.locality.local_authority_id)


def every_unit() -> list[Unit]:
    """Each council, then its localities, then its teams (what the schedule reports on)."""
    units = [council_unit(la) for la in LocalAuthority.objects.order_by("name")]
    units += [locality_unit(loc) for loc in Locality.objects.order_by("name", "id")]
    units += [
        team_unit(team)
        for team in Team.objects.select_related("locality").order_by("locality__name", "name")
    ]
    return units


def units_for(user: User | AnonymousUser) -> list[Unit]:
    """The units this user may generate and download reports for, widest first."""
    scope = scope_of(user)
    if scope.breadth == Breadth.COUNCIL:
        la = scope.local_authority_id
        return [u for u in every_unit() if la is None or u.local_authority_id == la]
    locality_id = scope.locality_id
    if scope.breadth == Breadth.LOCALITY and locality_id is not None:
        locality = Locality.objects.get(pk=locality_id)
        teams = Team.objects.select_related("locality").filter(locality=locality)
        return [locality_unit(locality), *(team_unit(t) for t in teams.order_by("name"))]
    team_id = scope.team_id
    if scope.breadth == Breadth.TEAM and team_id is not None:
        return [team_unit(Team.objects.select_related("locality").get(pk=team_id))]
    return []


def may_use_reports(user: User | AnonymousUser) -> bool:
    """Whether the user's role covers a whole team at least (for the menu)."""
    return scope_of(user).breadth >= Breadth.TEAM


def unit_from_key(user: User | AnonymousUser, key: str) -> Unit | None:
    """The unit named `key` if this user may have it (None otherwise, as for a missing one)."""
    return next((u for u in units_for(user) if u.key == key), None)


def find_unit(key: str) -> Unit | None:
    """The unit named `key` (`council:1`, `locality:2`, `team:3`), for the command line."""
    return next((u for u in every_unit() if u.key == key), None)


def covers(user: User | AnonymousUser, kind: str, unit_id: int) -> bool:
    return any(u.kind.value == kind and u.id == unit_id for u in units_for(user))


def unit_workers(unit: Unit) -> QuerySet[Worker]:
    """The unit's staff: a council's and a locality's include managers above team level."""
    workers = Worker.objects.all()
    if unit.kind == UnitKind.COUNCIL:
        return workers.filter(
            Q(team__locality__local_authority_id=unit.id) | Q(locality__local_authority_id=unit.id)
        )
    if unit.kind == UnitKind.LOCALITY:
        return workers.filter(Q(team__locality_id=unit.id) | Q(locality_id=unit.id))
    return workers.filter(team_id=unit.id)


def unit_children(unit: Unit, as_at: dt.date) -> QuerySet[Child]:
    """The unit's children as known at `as_at`: the team(s) responsible for them, or one of its
    workers allocated to them by that date (an allocation made later is not yet known)."""
    children = Child.objects.all()
    if unit.kind == UnitKind.COUNCIL:
        return children.filter(local_authority_id=unit.id)
    if unit.kind == UnitKind.LOCALITY:
        responsible = Q(responsible_team__locality_id=unit.id)
        allocated = Q(allocations__worker__team__locality_id=unit.id)
    else:
        responsible = Q(responsible_team_id=unit.id)
        allocated = Q(allocations__worker__team_id=unit.id)
    condition = responsible | (allocated & Q(allocations__start_date__lte=as_at))
    # By id, so the join through allocations never repeats a child.
    return children.filter(id__in=Child.objects.filter(condition).values("id"))


def unit_data(unit: Unit, as_at: dt.date) -> CaseData:
    """The engine's frames for the unit (a fixed number of queries, whatever its size)."""
    return load_case_data(unit_children(unit, as_at), unit_workers(unit))
