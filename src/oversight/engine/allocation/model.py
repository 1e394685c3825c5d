"""The whole allocation meeting as a mixed-integer programme, solved by HiGHS (through
scipy.optimize.milp): a 0/1 column for each (case, worker) pair R-AL-1 and the capacity limit
allow; each case placed at most once (exactly once where one-at-a-time placed every case that
could be placed); each worker's new points within their room under a utilisation cap.

The matrix is built once per meeting; each cap only changes the workers' room and which pairs
still fit, so trying several caps costs a relaxation each, not a rebuild.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

from oversight.engine.allocation.meeting import Meeting, QueueCase

Assignments = dict[int, int | None]


@dataclass(frozen=True)
class Solution:
    optimal: bool
    gap: float  # (bound − found) ÷ found, on the score; 0 when proven optimal
    assignments: Assignments


class MeetingModel:
    def __init__(
        self,
        meeting: Meeting,
        allowed: Mapping[tuple[int, int], float],
        placed_by_baseline: set[int],
    ) -> None:
        self.meeting = meeting
        self.keys = list(allowed)
        cases = {c.child_id: c for c in meeting.cases}
        self.children = np.array([child for child, _ in self.keys], dtype=np.int64)
        self.workers = np.array([worker for _, worker in self.keys], dtype=np.int64)
        self.points = np.array([cases[c].weight(meeting.policy) for c, _ in self.keys])
        self.score = np.array([allowed[key] for key in self.keys])
        placeable = set(self.children.tolist())
        # Where one-at-a-time placed every case that can be placed, the model must too.
        self.all_placed = placeable <= placed_by_baseline
        self.case_rows = {child: n for n, child in enumerate(dict.fromkeys(self.children.tolist()))}
        self.worker_ids = list(dict.fromkeys(self.workers.tolist()))
        worker_rows = {w: len(self.case_rows) + n for n, w in enumerate(self.worker_ids)}
        columns = np.arange(len(self.keys))
        rows = np.concatenate(
            [
                np.array([self.case_rows[c] for c in self.children.tolist()]),
                np.array([worker_rows[w] for w in self.workers.tolist()]),
            ]
        )
        values = np.concatenate([np.ones(len(self.keys)), self.points])
        self.matrix = sparse.csr_array(
            (values, (rows, np.concatenate([columns, columns]))),
            shape=(len(self.case_rows) + len(self.worker_ids), len(self.keys)),
        )
        self.objective = self._objective(cases)
        candidates = {c.worker_id: c for c in meeting.candidates}
        self.capacity = np.array([candidates[w].capacity for w in self.worker_ids])
        self.load = np.array([candidates[w].load for w in self.worker_ids])

    def _objective(self, cases: Mapping[int, QueueCase]) -> np.ndarray:
        """The score; where not every case must be placed, one more case placed (a child
        protection case counting double, and between equal cases the one waiting longer)
        outweighs every score."""
        if self.all_placed:
            return self.score
        best: dict[int, float] = {}
        for child, value in zip(self.children.tolist(), self.score.tolist(), strict=True):
            best[child] = max(best.get(child, 0.0), value)
        allocate = sum(best.values()) + 1.0
        position = {c.child_id: n for n, c in enumerate(self.meeting.cases)}
        order = len(position) * 1000.0
        coverage = np.array(
            [
                (2.0 if cases[child].child_protection else 1.0)
                + (len(position) - position[child]) / order
                for child in self.children.tolist()
            ]
        )
        combined: np.ndarray = allocate * coverage + self.score
        return combined

    def _room(self, cap: float) -> np.ndarray:
        room: np.ndarray = self.capacity * cap - self.load
        return room

    def _problem(self, cap: float) -> tuple[LinearConstraint, Bounds]:
        room = self._room(cap)
        lower = [1.0 if self.all_placed else 0.0] * len(self.case_rows)
        lower += [-np.inf] * len(self.worker_ids)
        upper = np.concatenate([np.ones(len(self.case_rows)), room])
        # Pairs that no longer fit under this cap are closed.
        room_of = dict(zip(self.worker_ids, room.tolist(), strict=True))
        fits = self.points <= np.array([room_of[w] for w in self.workers.tolist()]) + 1e-9
        return LinearConstraint(self.matrix, lower, upper), Bounds(0, fits.astype(float))

    def relaxed(self, cap: float) -> OptimizeResult | None:
        constraints, bounds = self._problem(cap)
        result = milp(-self.objective, constraints=constraints, bounds=bounds)
        return result if result.x is not None else None

    def relaxed_score(self, cap: float) -> float | None:
        """The best score the relaxation allows under this cap (None: nothing fits, or not
        every case that must be placed can be)."""
        result = self.relaxed(cap) if self.all_placed else None
        return None if result is None else -float(result.fun)

    def solve(self, cap: float, seconds: float) -> Solution | None:
        """The relaxation rounded, then the exact solver for the time left: the better of
        the two, with its distance from the best bound."""
        started = time.perf_counter()
        relaxed = self.relaxed(cap)
        if relaxed is None:
            return None
        bound = -float(relaxed.fun)
        constraints, bounds = self._problem(cap)
        found = [x for x in (self._round(relaxed.x, cap),) if x is not None]
        exact = milp(
            -self.objective,
            constraints=constraints,
            integrality=np.ones(len(self.keys)),
            bounds=bounds,
            options={
                "time_limit": max(0.05, seconds - (time.perf_counter() - started)),
                "mip_rel_gap": 1e-6,
            },
        )
        if exact.x is not None:
            found.append(exact.x > 0.5)
            if exact.status == 0:
                bound = -float(exact.fun)
            elif getattr(exact, "mip_dual_bound", None) is not None:
                bound = min(bound, -float(exact.mip_dual_bound))
        if not found:
            return None
        chosen = max(found, key=lambda x: float(self.objective @ x))
        value = float(self.objective @ chosen)
        optimal = bound - value <= 1e-6 * max(abs(value), 1.0)
        score = float(self.score @ chosen)
        gap = 0.0 if optimal else (bound - value) / max(score, 1.0)
        return Solution(optimal, gap, self._assignments(chosen))

    def _assignments(self, chosen: np.ndarray) -> Assignments:
        assignments: Assignments = {c.child_id: None for c in self.meeting.cases}
        for n in np.flatnonzero(chosen).tolist():
            assignments[int(self.children[n])] = int(self.workers[n])
        return assignments

    def _round(self, fractions: np.ndarray, cap: float) -> np.ndarray | None:
        """Keep what the relaxation settled; give each unsettled case to its best-scoring
        worker with room left, child protection and higher levels first."""
        chosen = fractions > 1 - 1e-6
        room = dict(zip(self.worker_ids, self._room(cap).tolist(), strict=True))
        for n in np.flatnonzero(chosen).tolist():
            room[int(self.workers[n])] -= float(self.points[n])
        settled = set(self.children[chosen].tolist())
        options: dict[int, list[tuple[float, int]]] = {}
        for n, child in enumerate(self.children.tolist()):
            if child not in settled:
                options.setdefault(child, []).append((-float(self.score[n]), n))
        cases = {c.child_id: c for c in self.meeting.cases}
        for child in sorted(
            options, key=lambda c: (not cases[c].child_protection, -cases[c].level)
        ):
            for _, n in sorted(options[child]):
                worker = int(self.workers[n])
                if self.points[n] <= room[worker] + 1e-9:
                    chosen[n] = True
                    room[worker] -= float(self.points[n])
                    break
            else:
                if self.all_placed:
                    return None
        return chosen
