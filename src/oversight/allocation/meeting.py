"""The allocation meeting from the database: the team's waiting cases and the workers in the
user's scope, as the engine's `Meeting`, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User

from oversight.cases.engine_data import load_case_data
from oversight.cases.queries import cases_visible_to
from oversight.engine.allocation.meeting import Meeting, build_meeting, queue_frame
from oversight.engine.allocation.scoring import Recommendation, recommend
from oversight.engine.allocation.solver import (
    Plan,
    PlanMeasures,
    evaluate,
    one_at_a_time,
    optimise,
    pair_scores,
)
from oversight.people.models import Team
from oversight.people.queries import workers_visible_to
from oversight.policy.queries import calendar_for, current_policy


@dataclass(frozen=True)
class TeamMeeting:
    team: Team
    meeting: Meeting
    policy_version: int

    def recommendation(self, child_id: int) -> Recommendation:
        case = next(c for c in self.meeting.cases if c.child_id == child_id)
        return recommend(case, self.meeting.candidates, self.meeting.policy)


def team_meeting(user: User | AnonymousUser, team: Team, *, as_at: dt.date) -> TeamMeeting:
    """The team's queue (cases the user may see) and the workers the user may allocate to."""
    policy, version = current_policy()
    calendar = calendar_for(policy)
    children = cases_visible_to(user)
    workers = workers_visible_to(user)
    data = load_case_data(children, workers)
    waiting = queue_frame(data, as_at, [team.id])["child_id"].to_list()
    families = dict(
        children.filter(id__in=waiting)
        .exclude(family_reference="")
        .values_list("id", "family_reference")
    )
    # Siblings already allocated count too ("siblings together" with their worker).
    if families:
        families |= dict(
            children.filter(family_reference__in=set(families.values())).values_list(
                "id", "family_reference"
            )
        )
    meeting = build_meeting(
        data,
        as_at=as_at,
        policy=policy,
        calendar=calendar,
        case_ids=waiting,
        worker_ids=list(workers.filter(team=team).values_list("id", flat=True)),
        families=families,
    )
    return TeamMeeting(team, meeting, version)


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
