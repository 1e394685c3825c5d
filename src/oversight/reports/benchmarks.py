"""England benchmarks (domain.md §9): the published DfE figures a council compares itself with.

Kept in one place, each with the year it is from, so a new year's figure is one edit here and
every report that prints it says which year it is. Keyed by the registry's measure id (and the
breakdown that matches the published figure, when the measure's headline is wider than it).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Benchmark:
    measure_id: str
    value: float
    year: str  # the collection year the figure is for, as DfE writes it
    source: str

    @property
    def label(self) -> str:
        return "England"


CIN_STATISTICS = "DfE, Children in need statistics"
WORKFORCE_STATISTICS = "DfE, Children's social work workforce statistics"

BENCHMARKS: dict[str, Benchmark] = {
    b.measure_id: b
    for b in (
        # Re-referrals within 12 months of a previous referral (R-RR-2).
        Benchmark("referrals.rereferral_rate", 22.6, "2024-25", CIN_STATISTICS),
        # Referrals ending in no further action (R-RR-3).
        Benchmark("referrals.nfa_rate", 6.5, "2024-25", CIN_STATISTICS),
        # Single assessments completed within 45 working days (R-TS-4).
        Benchmark("assessments.within_timescale_rate", 85.7, "2024-25", CIN_STATISTICS),
        # Completed assessments, median duration in working days.
        Benchmark("assessments.median_duration", 33, "2024-25", CIN_STATISTICS),
        # ICPCs within 15 working days of the strategy discussion (R-TS-5).
        Benchmark("icpc.within_15wd_rate", 81.4, "2024-25", CIN_STATISTICS),
        # Average caseload per FTE case-holding children's social worker, 30 September.
        Benchmark("caseload.average_per_fte", 15.2, "2025", WORKFORCE_STATISTICS),
    )
}


def benchmark_for(measure_id: str) -> Benchmark | None:
    return BENCHMARKS.get(measure_id)
