"""Where things stand at a date: open allocations with complexity in force, child protection."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.measures.status import (
    child_protection_children,
    open_allocations,
    worker_standing,
)
from oversight.engine.policy import Policy
from oversight.engine.workforce import Absence, WorkerFacts, case_capacity, experience_grade

D = dt.date
AS_AT = D(2023, 6, 14)
POLICY = Policy()
CALENDAR = WorkingDayCalendar.england()


def data() -> CaseData:
    return CaseData.of(
        allocations=pl.DataFrame(
            {
                "allocation_id": [1, 2, 3, 4],
                "child_id": [10, 11, 12, 13],
                "worker_id": [1, 1, 1, 2],
                "role": ["holder", "holder", "co", "holder"],
                "start": [D(2023, 3, 1), D(2023, 3, 1), D(2023, 3, 1), D(2023, 6, 15)],
                "end": [None, AS_AT, None, None],
                "complexity_level": [1, 2, 3, 1],
            }
        ),
        complexity=pl.DataFrame(
            {
                "child_id": [10, 10, 10],
                "assessed_on": [D(2023, 2, 1), D(2023, 5, 1), D(2023, 6, 20)],
                "level": [4, 3, 2],
            }
        ),
        section47s=pl.DataFrame(
            {
                "s47_id": [1, 2],
                "child_id": [10, 12],
                "referral_id": [None, None],
                "lead_worker_id": [1, 1],
                "strategy_date": [D(2023, 5, 2), D(2023, 1, 1)],
                "icpc_not_required": [False, True],
                "icpc_date": [None, None],
                "end_date": [None, D(2023, 2, 1)],
            }
        ),
        cp_plans=pl.DataFrame(
            {
                "plan_id": [1],
                "child_id": [10],
                "start": [D(2023, 5, 20)],
                "end": [None],
                "category": ["NEG"],
            }
        ),
        workers=pl.DataFrame(
            {
                "worker_id": [1, 2],
                "name": ["A", "B"],
                "role": ["SW", "FSW"],
                "team_id": [1, 1],
                "qualified": [True, False],
                "qualification_date": [D(2015, 1, 1), None],
                "start_date": [D(2016, 1, 1), D(2020, 1, 1)],
                "end_date": [None, None],
                "fte": [1.0, 0.5],
                "supervisor_id": [None, None],
            }
        ),
    )


def test_r_cl_2_open_allocations_carry_the_complexity_in_force() -> None:
    """Child 10: re-assessed to 3 on 1 May (after allocation); the 20 June re-assessment is
    not yet known and the February one predates the allocation. Allocation 2 ended on AS_AT;
    allocation 4 starts after it."""
    frame = open_allocations(data(), AS_AT).sort("allocation_id")
    assert frame["allocation_id"].to_list() == [1, 3]
    assert frame["level"].to_list() == [3, 3]
    assert frame["level_since"].to_list() == [D(2023, 5, 1), D(2023, 3, 1)]


def test_child_protection_at_a_date() -> None:
    frame = child_protection_children(data(), AS_AT)
    assert frame.rows() == [(10, D(2023, 5, 2))]


def test_worker_standing_uses_the_scalar_rules() -> None:
    frame = worker_standing(data(), AS_AT, Policy(), WorkingDayCalendar.england()).sort("worker_id")
    assert frame.select("grade", "capacity").rows() == [("EXPERIENCED_SW", 85.0), ("FSW", 42.5)]


@settings(max_examples=150, deadline=None)
@given(
    qualified=st.booleans(),
    qualification=st.dates(D(2010, 1, 1), D(2024, 12, 31)),
    start=st.dates(D(2010, 1, 1), D(2024, 12, 31)),
    role=st.sampled_from(["SW", "FSW", "ATM", "SP", "TM"]),
    as_at=st.dates(D(2012, 1, 1), D(2026, 12, 31)),
    fte=st.sampled_from([0.5, 0.8, 1.0]),
    absence=st.one_of(st.none(), st.tuples(st.integers(-30, 40), st.integers(0, 30))),
)
def test_worker_standing_agrees_with_the_scalar_rules(
    qualified: bool,
    qualification: dt.date,
    start: dt.date,
    role: str,
    as_at: dt.date,
    fte: float,
    absence: tuple[int, int] | None,
) -> None:
    """The vectorised grade and capacity equal engine.workforce's (domain.md §1, R-CL-3)."""
    assume(start <= as_at)
    absences = (
        ()
        if absence is None
        else (
            Absence(
                as_at + dt.timedelta(days=absence[0]),
                as_at + dt.timedelta(days=absence[0] + absence[1]),
            ),
        )
    )
    facts = WorkerFacts(
        1, "W", role, 1, qualified, qualification if qualified else None, start, None, fte, absences
    )
    frames = CaseData.of(
        workers=pl.DataFrame(
            {
                "worker_id": [1],
                "name": ["W"],
                "role": [role],
                "team_id": [1],
                "qualified": [qualified],
                "qualification_date": [qualification if qualified else None],
                "start_date": [start],
                "end_date": [None],
                "fte": [fte],
                "supervisor_id": [None],
            },
            schema_overrides={"qualification_date": pl.Date, "end_date": pl.Date},
        ),
        absences=pl.DataFrame(
            {
                "worker_id": [1] * len(absences),
                "start": [a.start for a in absences],
                "end": [a.end for a in absences],
            },
            schema={"worker_id": pl.Int64, "start": pl.Date, "end": pl.Date},
        ),
    )
    (row,) = worker_standing(frames, as_at, POLICY, CALENDAR).iter_rows(named=True)
    assert row["grade"] == experience_grade(facts, as_at, POLICY).value
    assert row["capacity"] == pytest.approx(case_capacity(facts, as_at, POLICY, CALENDAR))
