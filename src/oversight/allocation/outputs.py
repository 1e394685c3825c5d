"""A recommendation and a meeting's comparison as JSON-ready data, with stable field names: the
API answers them and `oversight allocation --format json` prints them."""

from __future__ import annotations

from typing import Any

from oversight.allocation.meeting import Comparison
from oversight.engine.allocation.scoring import PART_LABELS, Recommendation
from oversight.engine.allocation.solver import PlanMeasures


def recommendation_json(found: Recommendation) -> dict[str, Any]:
    case = found.case
    return {
        "child_id": case.child_id,
        "la_child_id": case.la_child_id,
        "level": case.level,
        "child_protection": case.child_protection,
        "waiting_since": case.waiting_since,
        "ranked": [
            {
                "worker_id": s.worker_id,
                "worker": s.candidate.name,
                "grade": s.candidate.grade.value,
                "score": round(s.total, 2),
                "parts": {PART_LABELS[p]: round(v, 2) for p, v in s.points.items()},
                "utilisation_after": round(s.utilisation_after, 4),
            }
            for s in found.ranked
        ],
        "excluded": [
            {
                "worker_id": e.worker_id,
                "worker": e.candidate.name,
                "reasons": list(e.reasons),
                "hard_rule": e.hard,
            }
            for e in found.excluded
        ],
    }


def plan_figures(measures: PlanMeasures) -> dict[str, Any]:
    return {
        "allocated": measures.allocated,
        "unallocated_child_protection": measures.unallocated_child_protection,
        "total_score": round(measures.total_score, 2),
        "peak_utilisation": None
        if measures.peak_utilisation is None
        else round(measures.peak_utilisation, 4),
        "s47_spread": round(measures.s47_spread, 4),
        "soft_breaches": measures.soft_breaches,
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    return {
        "one_at_a_time": plan_figures(comparison.one_at_a_time_measures),
        "optimised": plan_figures(comparison.optimised_measures),
        "proven_optimal": comparison.optimised.proven_optimal,
        "gap": round(comparison.optimised.gap, 6),
    }
