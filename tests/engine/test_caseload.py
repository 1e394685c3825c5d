"""R-CL-1 caseload, R-CL-2 weighted load, R-CL-3 utilisation."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.caseload import (
    AllocationFacts,
    CaseRole,
    Rag,
    team_load,
    worker_loads,
)
from oversight.engine.policy import CaseloadPolicy, Policy
from oversight.engine.workforce import WorkerFacts

AS_AT = dt.date(2023, 6, 14)
CALENDAR = WorkingDayCalendar.england()
SW = WorkerFacts(1, "Sam", "SW", 1, True, dt.date(2015, 1, 1), dt.date(2016, 1, 1), None, 1.0)


def held(
    n: int, level: int, role: CaseRole = CaseRole.CASE_HOLDER, **kw: object
) -> AllocationFacts:
    fields: dict[str, object] = {
        "allocation_id": n,
        "child_id": n,
        "worker_id": 1,
        "role": role,
        "start": dt.date(2023, 1, 2),
        "end": None,
        "complexity_level": level,
    }
    fields.update(kw)
    return AllocationFacts(**fields)  # type: ignore[arg-type]


def test_r_cl_2_default_weights_and_co_worker_fraction() -> None:
    """Levels 1–4 = 4, 6, 8, 10 points; a co-worked level 4 counts 5."""
    allocations = [held(1, 1), held(2, 2), held(3, 3), held(4, 4), held(5, 4, CaseRole.CO_WORKER)]
    (load,) = worker_loads([SW], allocations, as_at=AS_AT, policy=Policy(), calendar=CALENDAR)
    assert (load.cases, load.co_worked, load.weighted_load) == (4, 1, 33.0)
    assert load.utilisation == pytest.approx(33 / 85)
    assert load.rag is Rag.GREEN


def test_r_cl_1_allocation_open_from_start_until_the_day_before_its_end() -> None:
    allocations = [
        held(1, 1, end=AS_AT),  # handed over today: the new holder has it
        held(2, 1, start=AS_AT),  # allocated today: counts
        held(3, 1, start=AS_AT + dt.timedelta(days=1)),  # tomorrow: not yet
    ]
    (load,) = worker_loads([SW], allocations, as_at=AS_AT, policy=Policy(), calendar=CALENDAR)
    assert load.cases == 1


def test_r_cl_2_weights_come_from_the_policy() -> None:
    policy = Policy(
        caseload=CaseloadPolicy(
            complexity_weights={1: 1, 2: 2, 3: 3, 4: 4}, co_worker_fraction=0.25
        )
    )
    allocations = [held(1, 3), held(2, 4, CaseRole.CO_WORKER)]
    (load,) = worker_loads([SW], allocations, as_at=AS_AT, policy=policy, calendar=CALENDAR)
    assert load.weighted_load == 4.0


@pytest.mark.parametrize(
    ("cases_at_level_4", "rag"), [(7, Rag.GREEN), (8, Rag.AMBER), (9, Rag.RED)]
)
def test_utilisation_rag(cases_at_level_4: int, rag: Rag) -> None:
    """70/85 = 82 % green, 80/85 = 94 % amber, 90/85 = 106 % red."""
    allocations = [held(n, 4) for n in range(cases_at_level_4)]
    (load,) = worker_loads([SW], allocations, as_at=AS_AT, policy=Policy(), calendar=CALENDAR)
    assert load.rag is rag


def test_workers_not_in_post_and_idle_managers_are_left_out() -> None:
    left = WorkerFacts(
        2, "Lee", "SW", 1, True, dt.date(2015, 1, 1), dt.date(2016, 1, 1), dt.date(2023, 5, 31), 1.0
    )
    manager = WorkerFacts(
        3, "Tia", "TM", 1, True, dt.date(2005, 1, 1), dt.date(2010, 1, 1), None, 1.0
    )
    loads = worker_loads([SW, left, manager], [], as_at=AS_AT, policy=Policy(), calendar=CALENDAR)
    assert [load.name for load in loads] == ["Sam"]


def test_team_load_totals() -> None:
    part_time = WorkerFacts(
        2, "Pat", "SW", 1, True, dt.date(2015, 1, 1), dt.date(2016, 1, 1), None, 0.5
    )
    allocations = [held(1, 4), held(2, 2, worker_id=2)]
    loads = worker_loads(
        [SW, part_time], allocations, as_at=AS_AT, policy=Policy(), calendar=CALENDAR
    )
    totals = team_load(loads)
    assert (totals.cases, totals.weighted_load, totals.capacity) == (2, 16.0, 127.5)
    assert totals.cases_per_fte == pytest.approx(2 / 1.5)
    assert totals.utilisation == pytest.approx(16 / 127.5)
