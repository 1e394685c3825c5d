"""The whole allocation meeting at once (R-AL-2), compared with taking cases one at a time.

`one_at_a_time` gives each case, in queue order, to its top recommendation given what the
meeting has already handed out: what a meeting does today. `optimise` assigns every case at
once with an exact solver (HiGHS, through scipy.optimize.milp, `model.py`):

1. allocate as many cases as capacity allows (a child protection case counting double);
2. then the highest total score (the R-AL-2 scores, worked out against the team as the meeting
   opened);
3. then siblings waiting together are moved to one worker where that raises the score;
4. then the busiest workers' loads are levelled, moving the cheapest cases off them, for as
   long as the score stays within the policy's levelling allowance of the best possible score
   and never below one-at-a-time's.

Both plans respect R-AL-1 and the capacity limit for every assignment, and `evaluate` measures
both the same way. The result is never worse than one-at-a-time's: if the solver's time runs
out first, one-at-a-time's plan is returned.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from oversight.engine.allocation.meeting import Meeting
from oversight.engine.allocation.model import MeetingModel
from oversight.engine.allocation.scoring import (
    Part,
    capacity_reason,
    hard_reasons,
    least_eligible_rank,
    recommend,
    score,
    utilisation_after,
)
from oversight.engine.workforce import Grade


class Method(StrEnum):
    OPTIMISED = "optimised"
    ONE_AT_A_TIME = "one at a time"


@dataclass(frozen=True)
class Plan:
    """Proposals for a meeting: child → worker (None: no eligible worker with room)."""

    method: Method
    assignments: dict[int, int | None]
    seconds: float
    proven_optimal: bool = False
    gap: float = 0.0  # (bound − score) ÷ score at the score step; 0 when proven optimal


@dataclass(frozen=True)
class PlanMeasures:
    total_score: float
    allocated: int
    unallocated: int
    unallocated_child_protection: int
    peak_utilisation: float | None
    s47_spread: float  # highest − lowest s47s per FTE after the meeting, among candidates
    soft_breaches: int  # siblings split up, and s47 work given to the busiest on s47s
    utilisation: dict[int, float]  # worker → utilisation after the meeting


def one_at_a_time(meeting: Meeting) -> Plan:
    started = time.perf_counter()
    points: dict[int, float] = {}
    children: dict[int, set[int]] = {}
    assignments: dict[int, int | None] = {}
    for case in meeting.cases:
        top = recommend(
            case,
            meeting.candidates,
            meeting.policy,
            proposed_points=points,
            proposed_children=children,
        ).top
        assignments[case.child_id] = top.worker_id if top else None
        if top:
            points[top.worker_id] = points.get(top.worker_id, 0.0) + case.weight(meeting.policy)
            children.setdefault(top.worker_id, set()).add(case.child_id)
    return Plan(Method.ONE_AT_A_TIME, assignments, time.perf_counter() - started)


@dataclass(frozen=True)
class PairScores:
    """What each allowed (case, worker) pair is worth as the meeting opens: `base` without the
    siblings part where it depends on the meeting's other proposals (`sibling_bonus`)."""

    allowed: dict[tuple[int, int], float]
    sibling_bonus: dict[tuple[int, int], float]


def pair_scores(meeting: Meeting) -> PairScores:
    """Each (case, worker) pair R-AL-1 and the capacity limit allow, with its R-AL-2 score as
    the meeting opens; and the siblings part each pair would add if the meeting also gives the
    worker a sibling waiting in the same queue."""
    policy = meeting.policy
    most_s47 = max((c.s47_per_fte for c in meeting.candidates), default=0.0)
    sibling_weight = float(policy.recommendation.siblings_together)
    queued = {c.child_id for c in meeting.cases}
    eligible: dict[tuple[Grade, int, bool], bool] = {}
    allowed: dict[tuple[int, int], float] = {}
    bonus: dict[tuple[int, int], float] = {}
    for case in meeting.cases:
        least = least_eligible_rank(case, policy)
        points = case.weight(policy)
        for candidate in meeting.candidates:
            rule = (candidate.grade, case.level, case.child_protection)
            if rule not in eligible:
                eligible[rule] = not hard_reasons(case, candidate, policy)
            if (
                not eligible[rule]
                or capacity_reason(utilisation_after(candidate, points), policy)
                or candidate.capacity <= 0
            ):
                continue
            scored = score(case, candidate, policy, least_rank=least, most_s47_per_fte=most_s47)
            key = (case.child_id, candidate.worker_id)
            allowed[key] = scored.total
            if case.siblings & queued and scored.fits[Part.SIBLINGS_TOGETHER] != 1.0:
                bonus[key] = sibling_weight
    return PairScores(allowed, bonus)


def optimise(meeting: Meeting, *, seconds: float = 1.5, baseline: Plan | None = None) -> Plan:
    """The exact whole-meeting allocation (see the module's docstring). `baseline` is the
    one-at-a-time plan it must not fall below; worked out here if not given."""
    started = time.perf_counter()
    baseline = baseline or one_at_a_time(meeting)
    scores = pair_scores(meeting)
    if not scores.allowed:
        return replace(baseline, method=Method.OPTIMISED, seconds=0.0, proven_optimal=True)
    placed = {child for child, worker in baseline.assignments.items() if worker is not None}
    model = MeetingModel(meeting, scores.allowed, placed)
    limit = meeting.policy.recommendation.capacity_limit
    solution = model.solve(limit, max(0.2, seconds - (time.perf_counter() - started)))
    if solution is None:
        return replace(baseline, method=Method.OPTIMISED, seconds=time.perf_counter() - started)
    together = _bring_siblings_together(meeting, scores, solution.assignments)
    best = evaluate(meeting, Plan(Method.OPTIMISED, together, 0.0), scores).total_score
    bound = best * (1 + solution.gap)  # the best score possible, as far as the solver proved
    allowance = meeting.policy.recommendation.levelling_allowance
    floor = max(evaluate(meeting, baseline, scores).total_score, bound * (1 - allowance))
    levelled = _level_the_load(meeting, scores, together, floor) if best > floor else together
    final = evaluate(meeting, Plan(Method.OPTIMISED, levelled, 0.0), scores).total_score
    gap = (bound - final) / bound if bound > 0 else 0.0
    plan = Plan(
        Method.OPTIMISED,
        levelled,
        time.perf_counter() - started,
        solution.optimal and final >= best,
        max(gap, 0.0),
    )
    # Within its time limit the solver may stop short of one-at-a-time's plan on a queue where
    # that plan is already (near) optimal; then that plan is the answer.
    if _rank(meeting, scores, plan.assignments) < _rank(meeting, scores, baseline.assignments):
        return replace(plan, assignments=dict(baseline.assignments))
    return plan


def _level_the_load(
    meeting: Meeting, scores: PairScores, assignments: Mapping[int, int | None], floor: float
) -> dict[int, int | None]:
    """Spend the score the optimiser gained over one-at-a-time on a level load: while the
    busiest worker has a case from this meeting that another allowed worker could take and
    stay below them, move the one that costs least, as long as the total stays at or above
    `floor`. Siblings waiting together are left where they are."""
    result = dict(assignments)
    cases = {c.child_id: c for c in meeting.cases}
    candidates = [c for c in meeting.candidates if c.capacity > 0]
    by_id = {c.worker_id: c for c in candidates}
    queued = set(cases)
    given = {c.worker_id: 0.0 for c in candidates}
    for child, worker in result.items():
        if worker is not None:
            given[worker] += cases[child].weight(meeting.policy)
    options: dict[int, list[int]] = {}
    for child, worker in scores.allowed:
        options.setdefault(child, []).append(worker)
    total = evaluate(meeting, Plan(Method.OPTIMISED, result, 0.0), scores).total_score
    for _ in range(len(result)):
        busiest = max(candidates, key=lambda c: utilisation_after(c, given[c.worker_id]))
        peak = utilisation_after(busiest, given[busiest.worker_id])
        best: tuple[float, int, int] | None = None
        for child, worker in result.items():
            if worker != busiest.worker_id or cases[child].siblings & queued:
                continue
            points = cases[child].weight(meeting.policy)
            here = scores.allowed[(child, worker)]
            for other in options.get(child, ()):
                if other == worker or other not in by_id:
                    continue
                if utilisation_after(by_id[other], given[other] + points) >= peak - 1e-9:
                    continue
                loss = here - scores.allowed[(child, other)]
                if best is None or loss < best[0]:
                    best = (loss, child, other)
        if best is None or total - best[0] < floor - 1e-9:
            break
        loss, child, other = best
        points = cases[child].weight(meeting.policy)
        given[busiest.worker_id] -= points
        given[other] += points
        result[child] = other
        total -= loss
    return result


def _rank(
    meeting: Meeting, scores: PairScores, assignments: Mapping[int, int | None]
) -> tuple[int, int, float]:
    measures = evaluate(meeting, Plan(Method.OPTIMISED, dict(assignments), 0.0), scores)
    protected = sum(c.child_protection for c in meeting.cases)
    return (
        protected - measures.unallocated_child_protection,
        measures.allocated,
        round(measures.total_score, 6),
    )


def _bring_siblings_together(
    meeting: Meeting, scores: PairScores, assignments: Mapping[int, int | None]
) -> dict[int, int | None]:
    """The solver scores siblings together only where a worker already holds one; afterwards,
    each family the meeting split is moved to one of its workers where every move is allowed,
    fits the capacity limit without raising the busiest worker's utilisation, and raises the
    total score."""
    result = dict(assignments)
    cases = {c.child_id: c for c in meeting.cases}
    candidates = {c.worker_id: c for c in meeting.candidates}
    limit = meeting.policy.recommendation.capacity_limit
    given: dict[int, float] = {}
    for child, worker in result.items():
        if worker is not None:
            given[worker] = given.get(worker, 0.0) + cases[child].weight(meeting.policy)
    peak = max(
        (utilisation_after(c, given.get(c.worker_id, 0.0)) for c in meeting.candidates),
        default=0.0,
    )
    for family in _queued_families(meeting):
        now = [result[child] for child in family]
        if None in now or len(set(now)) < 2:
            continue
        before = _family_score(family, result, scores)
        for worker in sorted({w for w in now if w is not None}):
            moving = [child for child in family if result[child] != worker]
            keys = [(child, worker) for child in family]
            if not all(key in scores.allowed for key in keys):
                continue
            extra = sum(cases[child].weight(meeting.policy) for child in moving)
            after = utilisation_after(candidates[worker], given.get(worker, 0.0) + extra)
            gain = sum(scores.allowed[k] + scores.sibling_bonus.get(k, 0.0) for k in keys)
            if after <= min(limit, max(peak, 0.0)) and gain > before:
                for child in moving:
                    old = result[child]
                    if old is not None:
                        given[old] -= cases[child].weight(meeting.policy)
                    result[child] = worker
                given[worker] = given.get(worker, 0.0) + extra
                break
    return result


def _family_score(
    family: tuple[int, ...], assignments: Mapping[int, int | None], scores: PairScores
) -> float:
    """The family's scores as placed, with the siblings part for each child placed with a
    sibling."""
    total = 0.0
    for child in family:
        worker = assignments[child]
        if worker is None:
            continue
        total += scores.allowed[(child, worker)]
        if any(assignments[other] == worker for other in family if other != child):
            total += scores.sibling_bonus.get((child, worker), 0.0)
    return total


def _queued_families(meeting: Meeting) -> list[tuple[int, ...]]:
    """Groups of siblings who are all in the queue (two or more), each sorted, in case order."""
    queued = {c.child_id: c for c in meeting.cases}
    seen: set[int] = set()
    families: list[tuple[int, ...]] = []
    for case in meeting.cases:
        if case.child_id in seen:
            continue
        family, waiting = {case.child_id}, [case]
        while waiting:
            for sibling in waiting.pop().siblings:
                if sibling in queued and sibling not in family:
                    family.add(sibling)
                    waiting.append(queued[sibling])
        seen |= family
        if len(family) > 1:
            families.append(tuple(sorted(family)))
    return families


def given_to(assignments: Mapping[int, int | None]) -> dict[int, set[int]]:
    """The children a plan gives each worker."""
    given: dict[int, set[int]] = {}
    for child, worker in assignments.items():
        if worker is not None:
            given.setdefault(worker, set()).add(child)
    return given


def evaluate(meeting: Meeting, plan: Plan, scores: PairScores | None = None) -> PlanMeasures:
    """The figures a manager compares two plans by, measured the same way for both."""
    scores = scores or pair_scores(meeting)
    cases = {c.child_id: c for c in meeting.cases}
    given = given_to(plan.assignments)
    total = 0.0
    for child, worker in plan.assignments.items():
        if worker is None:
            continue
        total += scores.allowed.get((child, worker), 0.0)
        if (child, worker) in scores.sibling_bonus and cases[child].siblings & given[worker]:
            total += scores.sibling_bonus[(child, worker)]
    utilisation = utilisation_after_plan(meeting, given)
    unallocated = [child for child, worker in plan.assignments.items() if worker is None]
    return PlanMeasures(
        total_score=round(total, 6),
        allocated=len(plan.assignments) - len(unallocated),
        unallocated=len(unallocated),
        unallocated_child_protection=sum(cases[c].child_protection for c in unallocated),
        peak_utilisation=max(utilisation.values(), default=None),
        s47_spread=_s47_spread(meeting, given),
        soft_breaches=_soft_breaches(meeting, plan.assignments),
        utilisation=utilisation,
    )


def utilisation_after_plan(meeting: Meeting, given: Mapping[int, set[int]]) -> dict[int, float]:
    """Each candidate's utilisation once they take the children `given` them (R-CL-3); those
    without case capacity are left out."""
    cases = {c.child_id: c for c in meeting.cases}
    return {
        c.worker_id: utilisation_after(
            c, sum(cases[child].weight(meeting.policy) for child in given.get(c.worker_id, ()))
        )
        for c in meeting.candidates
        if c.capacity > 0
    }


def _s47_per_fte_after(meeting: Meeting, given: Mapping[int, set[int]]) -> dict[int, float]:
    cases = {c.child_id: c for c in meeting.cases}
    return {
        c.worker_id: (c.s47_recent + sum(cases[ch].s47_open for ch in given.get(c.worker_id, ())))
        / c.fte
        for c in meeting.candidates
        if c.fte > 0
    }


def _s47_spread(meeting: Meeting, given: Mapping[int, set[int]]) -> float:
    per_fte = _s47_per_fte_after(meeting, given).values()
    return round(max(per_fte) - min(per_fte), 6) if per_fte else 0.0


def _soft_breaches(meeting: Meeting, assignments: Mapping[int, int | None]) -> int:
    """Siblings the meeting split between workers (each pair once), and s47 cases given to a
    worker already above the team's s47 flag line (R-CL-4) as the meeting opened."""
    policy = meeting.policy
    loads = sorted(c.s47_per_fte for c in meeting.candidates if c.fte > 0)
    median = (loads[(len(loads) - 1) // 2] + loads[len(loads) // 2]) / 2 if loads else 0.0
    flag_line = median * (1 + policy.caseload.s47_flag_above_median)
    by_id = {c.worker_id: c for c in meeting.candidates}
    breaches = 0
    for case in meeting.cases:
        worker = assignments.get(case.child_id)
        if worker is None:
            continue
        if case.s47_open and by_id[worker].s47_per_fte > flag_line:
            breaches += 1
        for sibling in case.siblings:
            other = assignments.get(sibling)
            if sibling > case.child_id and other is not None and other != worker:
                breaches += 1
    return breaches
