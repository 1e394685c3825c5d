"""The demo council's workforce: the roster from `story.py` as workers dated back from as_at,
what the allocation meeting needs to know about each of them (`Staff`), their planned absences
and the demo sign-ins.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date, timedelta

from oversight.accounts.roles import AccessRole
from oversight.demo import story
from oversight.demo.context import Context
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy
from oversight.engine.workforce import Absence as AbsenceFacts
from oversight.engine.workforce import Grade, WorkerFacts, experience_grade
from oversight.people.models import Absence, Locality, Team, Worker


@dataclass
class DemoLogin:
    """A demo sign-in the loader turns into a user (council 1 only)."""

    username: str
    description: str
    access_role: AccessRole
    worker: Worker | None
    is_staff: bool = False


@dataclass(eq=False)
class Staff:
    """A worker plus what the allocation meeting needs to know about them."""

    worker: Worker
    member: story.StaffMember
    team_kind: str | None
    facts: WorkerFacts
    supervisor: Staff | None = None
    # Open holdings by end date, so the load on any later day is one pop away.
    _open: list[tuple[int, int, float]] = field(default_factory=list)
    _load: float = 0.0
    _taken: int = 0

    def grade(self, day: date, policy: Policy) -> Grade:
        return experience_grade(self.facts, day, policy)

    def in_post(self, day: date) -> bool:
        return self.worker.start_date <= day

    def load_on(self, day: date) -> float:
        """R-CL-2 weighted load on `day` of the holdings given so far."""
        while self._open and self._open[0][0] <= day.toordinal():
            self._load -= heapq.heappop(self._open)[2]
        return self._load

    def take(self, until: date, points: float) -> None:
        self._taken += 1
        heapq.heappush(self._open, (until.toordinal(), self._taken, points))
        self._load += points


def workforce(ctx: Context, locality: Locality, teams: dict[str, Team]) -> list[Staff]:
    """The roster from story.py, with dates counted back from as_at and supervisors linked."""
    staff = [_staff(ctx, m, None, locality, None) for m in story.LOCALITY_STAFF]
    for team_story in story.TEAMS:
        team = teams[team_story.kind]
        staff += [_staff(ctx, m, team_story.kind, locality, team) for m in team_story.staff]
    by_name = {s.member.name: s for s in staff}
    for s in staff:
        if s.member.supervisor:
            s.supervisor = by_name[s.member.supervisor]
            s.worker.supervisor = s.supervisor.worker
    return staff


def _staff(
    ctx: Context,
    member: story.StaffMember,
    team_kind: str | None,
    locality: Locality,
    team: Team | None,
) -> Staff:
    started = add_months(ctx.as_at, -member.started_months_ago) - timedelta(
        weeks=member.started_weeks_ago
    )
    qualified = (
        None
        if member.qualified_months_ago is None
        else add_months(ctx.as_at, -member.qualified_months_ago)
    )
    worker = Worker(
        name=member.name,
        role=story.WORKER_ROLE[member.job],
        team=team,
        locality=locality if team is None else None,
        qualified=qualified is not None,
        qualification_date=qualified,
        start_date=started,
        fte=member.fte,
        agency=member.agency,
        swe_number=f"SW{ctx.rng.randint(10_000, 199_999)}" if qualified else "",
    )
    absences = tuple(
        AbsenceFacts(
            ctx.as_at + timedelta(days=a.first_day_offset),
            ctx.as_at + timedelta(days=a.last_day_offset),
        )
        for a in story.PLANNED_ABSENCES
        if a.worker == member.name
    )
    facts = WorkerFacts(
        worker_id=id(worker),
        name=member.name,
        role=worker.role,
        team_id=None,
        qualified=worker.qualified,
        qualification_date=qualified,
        start_date=started,
        end_date=None,
        fte=float(member.fte),
        absences=absences,
    )
    return Staff(worker=worker, member=member, team_kind=team_kind, facts=facts)


def planned_absences(ctx: Context, staff: list[Staff]) -> list[Absence]:
    by_name = {s.member.name: s.worker for s in staff}
    return [
        Absence(
            worker=by_name[a.worker],
            start_date=ctx.as_at + timedelta(days=a.first_day_offset),
            end_date=ctx.as_at + timedelta(days=a.last_day_offset),
            reason=a.reason,
        )
        for a in story.PLANNED_ABSENCES
    ]


def demo_logins(staff: list[Staff]) -> list[DemoLogin]:
    """One sign-in per access role; each role-holder's access follows their job."""
    access = {
        story.TM: AccessRole.TEAM_MANAGER,
        story.ATM: AccessRole.ASSISTANT_TEAM_MANAGER,
        story.SM: AccessRole.SAFEGUARDING_MANAGER,
        story.LM: AccessRole.LOCALITY_MANAGER,
        story.IO: AccessRole.INFORMATION_OFFICER,
    }
    logins = [
        DemoLogin(
            username=s.member.login,
            description=story.LOGIN_DESCRIPTIONS[s.member.login],
            access_role=access.get(s.member.job, AccessRole.WORKER),
            worker=s.worker,
        )
        for s in staff
        if s.member.login
    ]
    order = list(story.LOGIN_DESCRIPTIONS)
    logins.sort(key=lambda login: order.index(login.username))
    logins.append(
        DemoLogin(
            username=story.ADMIN_USERNAME,
            description=story.LOGIN_DESCRIPTIONS[story.ADMIN_USERNAME],
            access_role=AccessRole.ADMINISTRATOR,
            worker=None,
            is_staff=True,
        )
    )
    return logins
