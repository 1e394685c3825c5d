"""The whole allocation meeting at once (R-AL-2), compared with taking cases one at a time.

`one_at_a_time` gives each case, in queue order, to its top recommendation given what the
meeting has already handed out: what a meeting does today. `optimise` assigns every case at
once with an exact solver (HiGHS, through scipy.optimize.milp), in priority order:

1. allocate as many cases as capacity allows (a child protection case counting double);
2. the highest total score (the R-AL-2 scores, worked out against the team as the meeting
   opened);
3. a level load: every worker is kept under the lowest utilisation cap (between the policy's
   amber line and one-at-a-time's busiest worker) at which the score can still beat
   one-at-a-time's.

Siblings waiting together are then moved to one worker where that raises the score. Both plans
respect R-AL-1 and the capacity limit for every assignment, and `evaluate` measures both the
same way. The result is never worse than one-at-a-time's (if the solver's time runs out first,
one-at-a-time's plan is returned).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from oversight.engine.allocation.meeting import Candidate, Meeting, QueueCase
from oversight.engine.allocation.scoring import (
    Part,
    hard_reasons,
    least_eligible_rank,
    recommend,
    score,
    utilisation_after,
)

# How far the relaxation must beat one-at-a-time's score before a lower cap is tried, and how
# many halvings the search for that cap takes.
LEVELLING_MARGIN = 0.01
LEVELLING_STEPS = 4


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
    policy = meeting.policy
    most_s47 = max((c.s47_per_fte for c in meeting.candidates), default=0.0)
    sibling_weight = float(policy.recommendation.siblings_together)
    allowed: dict[tuple[int, int], float] = {}
    bonus: dict[tuple[int, int], float] = {}
    for case in meeting.cases:
        least = least_eligible_rank(case, policy)
        queued_siblings = bool(case.siblings & {c.child_id for c in meeting.cases})
        for candidate in meeting.candidates:
            if not _may_take(case, candidate, meeting):
                continue
            scored = score(case, candidate, policy, least_rank=least, most_s47_per_fte=most_s47)
            key = (case.child_id, candidate.worker_id)
            allowed[key] = scored.total
            together_already = scored.fits[Part.SIBLINGS_TOGETHER] == 1.0
            if queued_siblings and not together_already:
                bonus[key] = sibling_weight
    return PairScores(allowed, bonus)


def _may_take(case: QueueCase, candidate: Candidate, meeting: Meeting) -> bool:
    if candidate.capacity <= 0 or hard_reasons(case, candidate, meeting.policy):
        return False
    after = utilisation_after(candidate, case.weight(meeting.policy))
    return after <= meeting.policy.recommendation.capacity_limit


def optimise(meeting: Meeting, *, seconds: float = 1.8, baseline: Plan | None = None) -> Plan:
    """The exact whole-meeting allocation (see the module's docstring). `baseline` is the
    one-at-a-time plan it must not fall below; worked out here if not given."""
    started = time.perf_counter()
    baseline = baseline or one_at_a_time(meeting)
    scores = pair_scores(meeting)
    if not scores.allowed:
        return Plan(Method.OPTIMISED, dict(baseline.assignments), 0.0, proven_optimal=True)
    policy = meeting.policy

    def left(share: float) -> float:
        return max(0.2, seconds * share - (time.perf_counter() - started))

    limit = _levelled_limit(meeting, scores, baseline)
    solution = _Model(meeting, scores, baseline, limit).solve(left(0.95))
    if solution is None or _rank(meeting, scores, solution.assignments) < _rank(
        meeting, scores, baseline.assignments
    ):
        full = policy.recommendation.capacity_limit
        solution = _Model(meeting, scores, baseline, full).solve(left(1.0)) or solution
    if solution is None:
        return replace(baseline, method=Method.OPTIMISED, seconds=time.perf_counter() - started)
    together = _bring_siblings_together(meeting, scores, solution.assignments)
    plan = Plan(
        Method.OPTIMISED, together, time.perf_counter() - started, solution.optimal, solution.gap
    )
    # Within its time limit the solver may stop short of one-at-a-time's plan on a queue where
    # that plan is already (near) optimal; then that plan is the answer.
    if _rank(meeting, scores, plan.assignments) < _rank(meeting, scores, baseline.assignments):
        return replace(plan, assignments=dict(baseline.assignments))
    return plan


def _levelled_limit(meeting: Meeting, scores: PairScores, baseline: Plan) -> float:
    """The lowest utilisation cap, between the policy's amber line and one-at-a-time's busiest
    worker, at which the relaxed meeting can still beat one-at-a-time's score with room to
    spare (so the optimiser levels the load without giving up score). Found by bisection on
    the relaxation, which takes a fraction of a second."""
    policy = meeting.policy
    measures = evaluate(meeting, baseline, scores)
    ceiling = min(measures.peak_utilisation or 0.0, policy.recommendation.capacity_limit)
    low = min(policy.caseload.utilisation_amber_from, ceiling)
    wanted = measures.total_score * (1 + LEVELLING_MARGIN)
    best = policy.recommendation.capacity_limit
    high = ceiling
    for _ in range(LEVELLING_STEPS):
        if high - low < 0.005:
            break
        middle = (low + high) / 2
        bound = _Model(meeting, scores, baseline, middle).relaxed_score()
        if bound is not None and bound >= wanted:
            best, high = middle, middle
        else:
            low = middle
    return best


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


@dataclass(frozen=True)
class _Solution:
    optimal: bool
    gap: float  # (bound − found) ÷ found, on the score
    assignments: dict[int, int | None]


class _Model:
    """The mixed-integer model HiGHS solves: a 0/1 column for each allowed (case, worker) pair;
    each case placed at most once and each worker kept within `limit` of their capacity.

    Where one-at-a-time allocates every case that has an allowed worker, the model must too
    and maximises the score; otherwise one more case allocated (a child protection case
    counting double) outweighs every score."""

    def __init__(self, meeting: Meeting, scores: PairScores, baseline: Plan, limit: float) -> None:
        self.meeting, self.scores, self.limit = meeting, scores, limit
        self.weights = {c.child_id: c.weight(meeting.policy) for c in meeting.cases}
        self.room = {c.worker_id: c.capacity * limit - c.load for c in meeting.candidates}
        self.keys = [(c, w) for c, w in scores.allowed if self.weights[c] <= self.room[w] + 1e-9]
        placeable = {child for child, _ in self.keys}
        self.all_placed = placeable <= {c for c, w in baseline.assignments.items() if w}

    def solve(self, seconds: float) -> _Solution | None:
        """The relaxation's rounded solution, then the exact solver for the time left: the
        better of the two, with its distance from the best bound either proved."""
        if not self.keys:
            return None
        started = time.perf_counter()
        objective, constraints = self._objective(), self._constraints()
        relaxed = milp(-objective, constraints=constraints, bounds=Bounds(0, 1))
        if relaxed.x is None:  # not even a fractional plan fits
            return None
        bound = -float(relaxed.fun)
        rounded = self._round(relaxed.x)
        exact = milp(
            -objective,
            constraints=constraints,
            integrality=np.ones(len(self.keys)),
            bounds=Bounds(0, 1),
            options={
                "time_limit": max(0.1, seconds - (time.perf_counter() - started)),
                "mip_rel_gap": 1e-6,
            },
        )
        candidates = [rounded] if rounded is not None else []
        if exact.x is not None:
            candidates.append(exact.x > 0.5)
            if exact.status == 0:
                bound = -float(exact.fun)
            elif getattr(exact, "mip_dual_bound", None) is not None:
                bound = min(bound, -float(exact.mip_dual_bound))
        if not candidates:
            return None
        chosen = max(candidates, key=lambda x: float(objective @ x))
        found = float(objective @ chosen)
        assignments: dict[int, int | None] = {c.child_id: None for c in self.meeting.cases}
        for (child, worker), value in zip(self.keys, chosen, strict=True):
            if value:
                assignments[child] = worker
        optimal = bound - found <= 1e-6 * max(abs(found), 1.0)
        # The gap on the score alone (the allocation weights are the same either side).
        score = sum(self.scores.allowed[(c, w)] for c, w in assignments.items() if w is not None)
        return _Solution(
            optimal, 0.0 if optimal else (bound - found) / max(score, 1.0), assignments
        )

    def relaxed_score(self) -> float | None:
        """The best score the relaxation allows (None: no plan fits, or not every placeable
        case can be placed when that is required)."""
        if not self.keys or not self.all_placed:
            return None
        relaxed = milp(-self._objective(), constraints=self._constraints(), bounds=Bounds(0, 1))
        return None if relaxed.x is None else -float(relaxed.fun)

    def _round(self, fractions: np.ndarray) -> np.ndarray | None:
        """Keep what the relaxation settled; give each unsettled case to its best-scoring
        allowed worker with room left, child protection and higher levels first."""
        chosen = fractions > 1 - 1e-6
        room = dict(self.room)
        placed: set[int] = set()
        for (child, worker), taken in zip(self.keys, chosen, strict=True):
            if taken:
                room[worker] -= self.weights[child]
                placed.add(child)
        options: dict[int, list[tuple[float, int]]] = {}
        for n, (child, worker) in enumerate(self.keys):
            if child not in placed:
                options.setdefault(child, []).append((-self.scores.allowed[(child, worker)], n))
        cases = {c.child_id: c for c in self.meeting.cases}
        for child in sorted(
            options, key=lambda c: (not cases[c].child_protection, -cases[c].level)
        ):
            for _, n in sorted(options[child]):
                worker = self.keys[n][1]
                if self.weights[child] <= room[worker] + 1e-9:
                    chosen[n] = True
                    room[worker] -= self.weights[child]
                    break
            else:
                if self.all_placed:
                    return None
        return chosen

    def _objective(self) -> np.ndarray:
        score = np.array([self.scores.allowed[key] for key in self.keys])
        if self.all_placed:
            return score
        protected = {c.child_id for c in self.meeting.cases if c.child_protection}
        best: dict[int, float] = {}
        for (child, _), value in zip(self.keys, score, strict=True):
            best[child] = max(best.get(child, 0.0), value)
        allocate = sum(best.values()) + 1.0
        # Between equal cases, the one that has waited longer (earlier in the queue) goes first.
        position = {c.child_id: n for n, c in enumerate(self.meeting.cases)}
        order = len(position) * 1000.0
        coverage = np.array(
            [
                (2.0 if child in protected else 1.0) + (len(position) - position[child]) / order
                for child, _ in self.keys
            ]
        )
        combined: np.ndarray = allocate * coverage + score
        return combined

    def _constraints(self) -> LinearConstraint:
        """Each case placed once (at most once unless every case must be), and each worker's
        new points within their room."""
        case_row = {child: n for n, child in enumerate(dict.fromkeys(c for c, _ in self.keys))}
        workers = list(dict.fromkeys(w for _, w in self.keys))
        worker_row = {w: len(case_row) + n for n, w in enumerate(workers)}
        entries: list[tuple[int, int, float]] = []
        for n, (child, worker) in enumerate(self.keys):
            entries.append((case_row[child], n, 1.0))
            entries.append((worker_row[worker], n, self.weights[child]))
        lower = [1.0 if self.all_placed else 0.0] * len(case_row) + [-np.inf] * len(workers)
        upper = [1.0] * len(case_row) + [self.room[w] for w in workers]
        r, c, v = zip(*entries, strict=True)
        matrix = sparse.csr_array((v, (r, c)), shape=(len(lower), len(self.keys)))
        return LinearConstraint(matrix, lower, upper)


def _bring_siblings_together(
    meeting: Meeting, scores: PairScores, assignments: Mapping[int, int | None]
) -> dict[int, int | None]:
    """The solver scores siblings together only where a worker already holds one; afterwards,
    each family the meeting split is moved to one of its workers where that is allowed, fits
    within capacity and the peak, and raises the total score."""
    result = dict(assignments)
    limit = meeting.policy.recommendation.capacity_limit
    for family in _queued_families(meeting):
        workers = {result[child] for child in family} - {None}
        if len(workers) < 2 or any(result[child] is None for child in family):
            continue
        current = evaluate(meeting, Plan(Method.OPTIMISED, result, 0.0), scores)
        for worker in sorted(w for w in workers if w is not None):
            trial = {**result, **dict.fromkeys(family, worker)}
            measures = evaluate(meeting, Plan(Method.OPTIMISED, trial, 0.0), scores)
            fits = all((child, worker) in scores.allowed for child in family) and (
                measures.utilisation.get(worker, math.inf) <= limit
            )
            peak_ok = (measures.peak_utilisation or 0.0) <= (current.peak_utilisation or 0.0)
            if fits and peak_ok and measures.total_score > current.total_score:
                result, current = trial, measures
    return result


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


def evaluate(meeting: Meeting, plan: Plan, scores: PairScores | None = None) -> PlanMeasures:
    """The figures a manager compares two plans by, measured the same way for both."""
    scores = scores or pair_scores(meeting)
    cases = {c.child_id: c for c in meeting.cases}
    given: dict[int, set[int]] = {}
    for child, worker in plan.assignments.items():
        if worker is not None:
            given.setdefault(worker, set()).add(child)
    total = 0.0
    for child, worker in plan.assignments.items():
        if worker is None:
            continue
        total += scores.allowed.get((child, worker), 0.0)
        if (child, worker) in scores.sibling_bonus and cases[child].siblings & given[worker]:
            total += scores.sibling_bonus[(child, worker)]
    utilisation = _utilisation_after(meeting, given)
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


def _utilisation_after(meeting: Meeting, given: Mapping[int, set[int]]) -> dict[int, float]:
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
