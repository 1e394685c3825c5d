"""R-AL-1 eligibility and the R-AL-2 recommendation for one case, with every part shown.

A worker is excluded when holding the case would break a hard rule (R-AL-1) or take them past
the policy's capacity limit; every other worker is scored. Each part of the score is a number
from 0 to 1 (1 is the best fit) multiplied by its weight in the policy, so a manager can see
exactly why one worker ranks above another.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from oversight.engine.allocation.meeting import HOLDER, Candidate, QueueCase
from oversight.engine.measures.eligibility import pair_breaches
from oversight.engine.policy import Policy
from oversight.engine.workforce import Grade

# Least to most experienced (the order of the Grade enum).
GRADE_ORDER = tuple(Grade)


class Part(StrEnum):
    """The R-AL-2 preferences, named as in the policy's recommendation weights."""

    EXPERIENCE_FIT = "experience_fit"
    CAPACITY_AFTER = "capacity_after"
    RECENT_S47_LOAD = "recent_s47_load"
    CONTINUITY = "continuity"
    SIBLINGS_TOGETHER = "siblings_together"
    SAME_TEAM = "same_team"


PART_LABELS = {
    Part.EXPERIENCE_FIT: "Experience fit",
    Part.CAPACITY_AFTER: "Capacity after allocation",
    Part.RECENT_S47_LOAD: "Recent s47 load",
    Part.CONTINUITY: "Knows the child",
    Part.SIBLINGS_TOGETHER: "Siblings together",
    Part.SAME_TEAM: "Same team",
}


@dataclass(frozen=True)
class Scored:
    """One eligible worker's score for a case: each part's fit (0–1, None where it does not
    apply) and points (fit × weight), and the total."""

    candidate: Candidate
    fits: dict[Part, float | None]
    points: dict[Part, float]
    total: float
    utilisation_after: float

    @property
    def worker_id(self) -> int:
        return self.candidate.worker_id


@dataclass(frozen=True)
class Excluded:
    candidate: Candidate
    reasons: tuple[str, ...]
    hard: bool  # a hard rule (R-AL-1), as opposed to the capacity limit

    @property
    def worker_id(self) -> int:
        return self.candidate.worker_id


@dataclass(frozen=True)
class Recommendation:
    case: QueueCase
    ranked: tuple[Scored, ...]  # best first
    excluded: tuple[Excluded, ...]

    @property
    def top(self) -> Scored | None:
        return self.ranked[0] if self.ranked else None


def hard_reasons(
    case: QueueCase, candidate: Candidate, policy: Policy, role: str = HOLDER
) -> list[str]:
    """R-AL-1: every hard rule this worker holding (or co-working) the case would break."""
    return [
        text
        for _, text in pair_breaches(
            candidate.grade,
            role,
            case.level,
            child_protection=case.child_protection,
            policy=policy,
        )
    ]


def capacity_reason(utilisation_after: float, policy: Policy) -> str | None:
    """The soft capacity limit (R-AL-2/R-AL-3): a sentence when allocating goes past it."""
    if utilisation_after > policy.recommendation.capacity_limit:
        return f"at {utilisation_after:.0%} of capacity after allocation"
    return None


def utilisation_after(candidate: Candidate, extra_points: float) -> float:
    """Utilisation once `extra_points` more are allocated; infinite without capacity."""
    if candidate.capacity <= 0:
        return float("inf")
    return (candidate.load + extra_points) / candidate.capacity


def points_for(case: QueueCase, policy: Policy, role: str = HOLDER) -> float:
    """The R-CL-2 points the case adds to a worker's load: a co-worker carries the policy's
    fraction of it (R-CL-1)."""
    share = 1.0 if role == HOLDER else policy.caseload.co_worker_fraction
    return case.weight(policy) * share


def least_eligible_rank(case: QueueCase, policy: Policy) -> int:
    """The position (0 = FSW) of the least experienced grade that may hold this case."""
    for rank, grade in enumerate(GRADE_ORDER):
        probe = Candidate(0, "", None, grade, 1.0, 1.0, 0.0, 0)
        if not hard_reasons(case, probe, policy):
            return rank
    return len(GRADE_ORDER) - 1


def score(
    case: QueueCase,
    candidate: Candidate,
    policy: Policy,
    *,
    least_rank: int,
    most_s47_per_fte: float,
    extra_points: float = 0.0,
    also_holds: Collection[int] = (),
    role: str = HOLDER,
) -> Scored:
    """R-AL-2 for an eligible worker. `extra_points` and `also_holds` are what the meeting has
    already proposed for them (load and children); `least_rank` comes from
    `least_eligible_rank` and `most_s47_per_fte` is the highest among the candidates."""
    weights = policy.recommendation
    after = utilisation_after(candidate, extra_points + points_for(case, policy, role))
    rank = GRADE_ORDER.index(candidate.grade)
    span = len(GRADE_ORDER) - 1 - least_rank
    fits: dict[Part, float | None] = {
        Part.EXPERIENCE_FIT: 1.0 - (rank - least_rank) / span if span > 0 else 1.0,
        Part.CAPACITY_AFTER: max(0.0, 1.0 - after),
        Part.RECENT_S47_LOAD: _s47_fit(case, candidate, most_s47_per_fte),
        Part.CONTINUITY: 1.0 if candidate.worker_id in case.previous_workers else 0.0,
        Part.SIBLINGS_TOGETHER: _siblings_fit(case, candidate, also_holds),
        Part.SAME_TEAM: 1.0
        if case.team_id is not None and candidate.team_id == case.team_id
        else 0.0,
    }
    points = {part: (fit or 0.0) * getattr(weights, part.value) for part, fit in fits.items()}
    return Scored(candidate, fits, points, sum(points.values()), after)


def _s47_fit(case: QueueCase, candidate: Candidate, most: float) -> float | None:
    """Fewer recent s47s per FTE is better, relative to the busiest candidate; only for s47
    work."""
    if not case.s47_open:
        return None
    return 1.0 - candidate.s47_per_fte / most if most > 0 else 1.0


def _siblings_fit(
    case: QueueCase, candidate: Candidate, also_holds: Collection[int]
) -> float | None:
    if not case.siblings:
        return None
    holds_one = not case.siblings.isdisjoint(candidate.holds) or any(
        child in case.siblings for child in also_holds
    )
    return 1.0 if holds_one else 0.0


def recommend(
    case: QueueCase,
    candidates: Collection[Candidate],
    policy: Policy,
    *,
    proposed_points: dict[int, float] | None = None,
    proposed_children: dict[int, set[int]] | None = None,
    role: str = HOLDER,
) -> Recommendation:
    """Every candidate ranked for `case` (best first), and those excluded with their reasons,
    for holding it (or, with `role` "co", co-working it). Ties go to the lower utilisation
    after allocation, then the lower worker id."""
    proposed_points = proposed_points or {}
    proposed_children = proposed_children or {}
    least_rank = least_eligible_rank(case, policy)
    most_s47 = max((c.s47_per_fte for c in candidates), default=0.0)
    ranked: list[Scored] = []
    excluded: list[Excluded] = []
    for candidate in candidates:
        extra = proposed_points.get(candidate.worker_id, 0.0)
        reasons = hard_reasons(case, candidate, policy, role)
        after = utilisation_after(candidate, extra + points_for(case, policy, role))
        over = capacity_reason(after, policy) if candidate.capacity > 0 else "no case capacity"
        if reasons or over:
            excluded.append(
                Excluded(candidate, (*reasons, *([over] if over else [])), bool(reasons))
            )
            continue
        ranked.append(
            score(
                case,
                candidate,
                policy,
                least_rank=least_rank,
                most_s47_per_fte=most_s47,
                extra_points=extra,
                also_holds=proposed_children.get(candidate.worker_id, ()),
                role=role,
            )
        )
    ranked.sort(key=lambda s: (-round(s.total, 9), s.utilisation_after, s.worker_id))
    excluded.sort(key=lambda e: (e.hard, e.candidate.name, e.worker_id))
    return Recommendation(case, tuple(ranked), tuple(excluded))
