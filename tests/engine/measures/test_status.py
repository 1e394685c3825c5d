"""Where things stand at a date: open allocations with complexity in force, child protection."""

from __future__ import annotations

import datetime as dt

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.measures.status import (
    child_protection_children,
    open_allocations,
    worker_standing,
)
from oversight.engine.policy import Policy

D = dt.date
AS_AT = D(2023, 6, 14)


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
