"""The allocation meeting from the database: the team's waiting cases and the workers in the
user's scope, as the engine's `Meeting`, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.contrib.auth.models import AnonymousUser, User

from oversight.cases.engine_data import load_case_data
from oversight.cases.queries import cases_visible_to
from oversight.engine.allocation.meeting import (
    Candidate,
    Meeting,
    build_meeting,
    case_now,
)
from oversight.engine.allocation.scoring import Recommendation, recommend
from oversight.engine.allocation.solver import (
    Plan,
    PlanMeasures,
    evaluate,
    given_to,
    one_at_a_time,
    optimise,
    pair_scores,
    utilisation_after_plan,
)
from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.measures.eligibility import allocation_breaches
from oversight.engine.measures.status import open_allocations
from oversight.engine.workforce import Grade
from oversight.people.models import Team
from oversight.people.queries import workers_visible_to
from oversight.policy.queries import calendar_for, current_policy


@dataclass(frozen=True)
class TeamMeeting:
    team: Team
    meeting: Meeting
    policy_version: int
    data: CaseData
    calendar: WorkingDayCalendar
    families: dict[int, str]

    def recommendation(self, child_id: int) -> Recommendation:
        case = next(c for c in self.meeting.cases if c.child_id == child_id)
        return recommend(case, self.meeting.candidates, self.meeting.policy)

    def held_recommendation(self, child_id: int, role: str) -> Recommendation | None:
        """For a case already held: every other worker ranked to take it over (`role`
        "holder") or to co-work it ("co"). None if the case is not open."""
        case = case_now(self.data, self.meeting.as_at, child_id, self.families)
        if case is None:
            return None
        open_now = open_allocations(self.data, self.meeting.as_at)
        current = set(open_now.filter(pl.col("child_id") == child_id)["worker_id"].to_list())
        others = [c for c in self.meeting.candidates if c.worker_id not in current]
        return recommend(case, others, self.meeting.policy, role=role)


def team_meeting(user: User | AnonymousUser, team: Team, *, as_at: dt.date) -> TeamMeeting:
    """The team's queue (cases the user may see) and the workers the user may allocate to."""
    policy, version = current_policy()
    calendar = calendar_for(policy)
    children = cases_visible_to(user)
    workers = workers_visible_to(user)
    data = load_case_data(children, workers)
    # Every family the user can see: siblings already held count too ("siblings together").
    families = dict(children.exclude(family_reference="").values_list("id", "family_reference"))
    meeting = build_meeting(
        data,
        as_at=as_at,
        policy=policy,
        calendar=calendar,
        team_ids=[team.id],
        worker_ids=list(workers.filter(team=team).values_list("id", flat=True)),
        families=families,
    )
    return TeamMeeting(team, meeting, version, data, calendar, families)


@dataclass(frozen=True)
class Comparison:
    """One-at-a-time and optimised proposals for the same meeting, measured alike."""

    one_at_a_time: Plan
    optimised: Plan
    one_at_a_time_measures: PlanMeasures
    optimised_measures: PlanMeasures


def compare(meeting: Meeting) -> Comparison:
    greedy = one_at_a_time(meeting)
    best = optimise(meeting, baseline=greedy)
    scores = pair_scores(meeting)
    return Comparison(
        greedy, best, evaluate(meeting, greedy, scores), evaluate(meeting, best, scores)
    )


@dataclass(frozen=True)
class BoardRow:
    """One worker on the capacity board: now, and after the meeting's pending proposals."""

    candidate: Candidate
    utilisation: float | None
    utilisation_after: float | None
    proposed: int  # cases the meeting proposes to give them
    marked: str  # "ASYE" or "FSW": protected caseloads and limits to watch

    @property
    def percent(self) -> int:
        return round((self.utilisation or 0.0) * 100)

    @property
    def percent_after(self) -> int:
        return round((self.utilisation_after or 0.0) * 100)


def capacity_board(gathered: TeamMeeting, proposals: dict[int, int | None]) -> list[BoardRow]:
    """Each worker in the meeting, busiest after the proposals first."""
    given = given_to(proposals)
    after = utilisation_after_plan(gathered.meeting, given)
    rows = [
        BoardRow(
            candidate,
            candidate.utilisation,
            after.get(candidate.worker_id),
            len(given.get(candidate.worker_id, ())),
            candidate.grade.value if candidate.grade in (Grade.ASYE, Grade.FSW) else "",
        )
        for candidate in gathered.meeting.candidates
    ]
    return sorted(rows, key=lambda r: (-(r.utilisation_after or 0.0), r.candidate.name))


@dataclass(frozen=True)
class Breach:
    la_child_id: str
    worker: str
    reason: str
    since: dt.date
    days: int


def breaches_now(gathered: TeamMeeting) -> list[Breach]:
    """R-AL-1 / R-AL-4: open allocations of the team's workers that break a hard rule now,
    including cases that escalated after allocation, longest in breach first."""
    frame = allocation_breaches(
        gathered.data,
        as_at=gathered.meeting.as_at,
        policy=gathered.meeting.policy,
        calendar=gathered.calendar,
    )
    team_workers = {c.worker_id: c.name for c in gathered.meeting.candidates}
    children = dict(
        zip(gathered.data.children["child_id"], gathered.data.children["la_child_id"], strict=True)
    )
    found = [
        Breach(
            children.get(row["child_id"], ""),
            team_workers[row["worker_id"]],
            row["reason"],
            row["breach_since"],
            row["days_in_breach"],
        )
        for row in frame.iter_rows(named=True)
        if row["worker_id"] in team_workers
    ]
    return sorted(found, key=lambda b: (-b.days, b.la_child_id))
