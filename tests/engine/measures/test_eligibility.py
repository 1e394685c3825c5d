"""R-AL-1 eligibility and the R-AL-4 FSW policy audit, as at a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.caseload import AllocationFacts, CaseRole
from oversight.engine.frames import SCHEMAS, CaseData
from oversight.engine.measures.eligibility import allocation_breaches, eligibility
from oversight.engine.policy import EligibilityPolicy, Policy
from oversight.engine.registry import REGISTRY, Context, Period, Result, count
from oversight.engine.workforce import WorkerFacts, experience_grade

D = dt.date
AS_AT = D(2023, 6, 14)  # a Wednesday
ALLOCATED = D(2023, 3, 1)  # when the hand-worked cases were allocated, unless said
POLICY = Policy()
CALENDAR = WorkingDayCalendar.england()
Row = dict[str, Any]

# Staff, graded as at AS_AT by the scalar rules (engine/workforce.py).
FSW, ASYE, SW, EXPERIENCED, SENIOR, LEAVER, NEWLY_SW, NOT_STARTED = 1, 2, 3, 4, 5, 6, 7, 8


def worker(
    worker_id: int,
    role: str,
    qualification_date: dt.date | None,
    start_date: dt.date,
    end_date: dt.date | None = None,
) -> Row:
    return {
        "worker_id": worker_id,
        "name": f"W{worker_id}",
        "role": role,
        "team_id": 1,
        "qualified": qualification_date is not None,
        "qualification_date": qualification_date,
        "start_date": start_date,
        "end_date": end_date,
        "fte": 1.0,
        "supervisor_id": None,
    }


STAFF = [
    worker(FSW, "FSW", None, D(2020, 1, 6)),
    # ASYE year runs from starting in post: 1 Feb 2023 to 31 Jan 2024.
    worker(ASYE, "SW", D(2023, 1, 10), D(2023, 2, 1)),
    # Out of the ASYE year (Oct 2022); experienced only from 1 Sep 2024.
    worker(SW, "SW", D(2021, 9, 1), D(2021, 10, 1)),
    worker(EXPERIENCED, "SW", D(2015, 7, 1), D(2016, 1, 4)),
    worker(SENIOR, "SP", D(2010, 7, 1), D(2012, 1, 3)),
    worker(LEAVER, "SW", D(2015, 7, 1), D(2016, 1, 4), D(2023, 5, 31)),
    # ASYE from 1 June 2022 to 31 May 2023; a social worker from 1 June 2023.
    worker(NEWLY_SW, "SW", D(2022, 6, 1), D(2022, 6, 1)),
    worker(NOT_STARTED, "SW", D(2015, 7, 1), D(2023, 7, 3)),
]


def allocation(
    allocation_id: int,
    child_id: int,
    worker_id: int,
    level: int,
    *,
    role: str = "holder",
    start: dt.date = ALLOCATED,
    end: dt.date | None = None,
) -> Row:
    return {
        "allocation_id": allocation_id,
        "child_id": child_id,
        "worker_id": worker_id,
        "role": role,
        "start": start,
        "end": end,
        "complexity_level": level,
    }


def reassessed(child_id: int, assessed_on: dt.date, level: int) -> Row:
    return {"child_id": child_id, "assessed_on": assessed_on, "level": level}


def s47(s47_id: int, child_id: int, strategy_date: dt.date, end_date: dt.date | None = None) -> Row:
    return {
        "s47_id": s47_id,
        "child_id": child_id,
        "referral_id": None,
        "lead_worker_id": None,
        "strategy_date": strategy_date,
        "icpc_not_required": False,
        "icpc_date": None,
        "end_date": end_date,
    }


def plan(plan_id: int, child_id: int, start: dt.date, end: dt.date | None = None) -> Row:
    return {"plan_id": plan_id, "child_id": child_id, "start": start, "end": end, "category": "NEG"}


def frame(table: str, rows: Iterable[Row]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(SCHEMAS[table]))


def case_data(
    allocations: Iterable[Row] = (),
    complexity: Iterable[Row] = (),
    section47s: Iterable[Row] = (),
    cp_plans: Iterable[Row] = (),
    workers: Iterable[Row] = STAFF,
) -> CaseData:
    return CaseData.of(
        workers=frame("workers", workers),
        allocations=frame("allocations", allocations),
        complexity=frame("complexity", complexity),
        section47s=frame("section47s", section47s),
        cp_plans=frame("cp_plans", cp_plans),
    )


def measures(data: CaseData, as_at: dt.date = AS_AT, policy: Policy = POLICY) -> dict[str, Result]:
    return dict(eligibility(data, Context(as_at, Period(as_at, as_at), policy, CALENDAR)))


def breaches(data: CaseData, as_at: dt.date = AS_AT, policy: Policy = POLICY) -> pl.DataFrame:
    return allocation_breaches(data, as_at=as_at, policy=policy, calendar=CALENDAR)


def reasons(
    data: CaseData, as_at: dt.date = AS_AT, policy: Policy = POLICY
) -> list[tuple[Any, ...]]:
    """(reason_code, reason, breach_since, days_in_breach) per row."""
    return (
        breaches(data, as_at, policy)
        .select("reason_code", "reason", "breach_since", "days_in_breach")
        .rows()
    )


def eligibility_policy(**changes: Any) -> Policy:
    return Policy(eligibility=EligibilityPolicy(**changes))


# --- R-AL-1 / R-AL-4: the FSW rules ------------------------------------------------------------


def test_r_al_1_fsw_may_hold_level_1() -> None:
    assert breaches(case_data([allocation(1, 10, FSW, 1)])).height == 0


def test_r_al_4_fsw_case_reassessed_to_level_2_breaches_from_the_reassessment() -> None:
    """Allocated 1 March at level 1; re-assessed to 2 on 2 May. 2 May → 14 June = 29 + 14 = 43
    days."""
    data = case_data([allocation(1, 10, FSW, 1)], [reassessed(10, D(2023, 5, 2), 2)])
    assert breaches(data).rows() == [
        (
            1,
            10,
            FSW,
            "holder",
            "FSW",
            2,
            "above_grade_max",
            "Level 2 is above the most an FSW may hold (1)",
            D(2023, 5, 2),
            43,
        )
    ]


def test_r_al_4_fsw_policy_breach_counts_days_and_escalation() -> None:
    """The same case: one FSW allocation in breach, escalated after allocation, 43 days."""
    data = case_data([allocation(1, 10, FSW, 1)], [reassessed(10, D(2023, 5, 2), 2)])
    result = measures(data)["allocation.fsw_policy_breaches"]
    assert (result.value, result.numerator, result.denominator, result.cases) == (1, 1, None, (10,))
    assert result.breakdown == {
        "escalated_after_allocation": count(1, (10,)),
        "days:10": count(43, (10,)),
    }


def test_r_al_4_fsw_case_where_an_s47_started_after_allocation() -> None:
    """Level 1 stays within the FSW limit; the s47 from 1 June is child protection: 13 days."""
    data = case_data([allocation(1, 10, FSW, 1)], section47s=[s47(1, 10, D(2023, 6, 1))])
    assert reasons(data) == [
        (
            "fsw_child_protection",
            "FSW: child protection cases are never held by a family support worker",
            D(2023, 6, 1),
            13,
        )
    ]


def test_r_al_4_a_co_worked_child_protection_case_breaks_the_fsw_rule() -> None:
    """A CP plan from 3 April; the FSW co-works it. 3 April → 14 June = 27 + 31 + 14 = 72."""
    data = case_data([allocation(1, 10, FSW, 1, role="co")], cp_plans=[plan(1, 10, D(2023, 4, 3))])
    assert breaches(data).select("role", "reason_code", "days_in_breach").rows() == [
        ("co", "fsw_child_protection", 72)
    ]


def test_r_al_4_breach_never_begins_before_the_allocation() -> None:
    """The s47 began 3 April, before the FSW had the case (2 May): 43 days, not escalated."""
    data = case_data(
        [allocation(1, 10, FSW, 1, start=D(2023, 5, 2))], section47s=[s47(1, 10, D(2023, 4, 3))]
    )
    result = measures(data)["allocation.fsw_policy_breaches"]
    assert result.breakdown == {
        "escalated_after_allocation": count(0),
        "days:10": count(43, (10,)),
    }


def test_r_al_1_fsw_at_level_3_breaks_two_rules_but_is_one_allocation() -> None:
    """Level 3 is above the FSW limit and is child protection (R-CL-2): two reasons, one
    allocation. 1 March → 14 June = 30 + 30 + 31 + 14 = 105 days."""
    data = case_data([allocation(1, 10, FSW, 3)])
    assert reasons(data) == [
        ("above_grade_max", "Level 3 is above the most an FSW may hold (1)", D(2023, 3, 1), 105),
        (
            "fsw_child_protection",
            "FSW: child protection cases are never held by a family support worker",
            D(2023, 3, 1),
            105,
        ),
    ]
    result = measures(data)["allocation.eligibility_breaches"]
    assert (result.value, result.cases) == (1, (10,))
    assert result.breakdown == {
        "reason:above_grade_max": count(1, (10,)),
        "reason:asye_co_work_only": count(0),
        "reason:asye_care_proceedings": count(0),
        "reason:fsw_child_protection": count(1, (10,)),
    }


def test_r_al_4_days_count_from_the_start_of_an_unbroken_breach() -> None:
    """Level 1 → 2 on 3 April → 3 on 2 May → 3 again on 1 June (a confirmation). Above the FSW
    limit since 3 April (72 days); child protection level since 2 May (43 days)."""
    data = case_data(
        [allocation(1, 10, FSW, 1)],
        [
            reassessed(10, D(2023, 4, 3), 2),
            reassessed(10, D(2023, 5, 2), 3),
            reassessed(10, D(2023, 6, 1), 3),
        ],
    )
    assert breaches(data).select("reason_code", "breach_since", "days_in_breach").rows() == [
        ("above_grade_max", D(2023, 4, 3), 72),
        ("fsw_child_protection", D(2023, 5, 2), 43),
    ]


def test_r_al_4_a_spell_back_within_the_limit_restarts_the_count() -> None:
    """2 on 3 April, back to 1 on 2 May, 2 again on 1 June: in breach since 1 June (13 days)."""
    data = case_data(
        [allocation(1, 10, FSW, 1)],
        [
            reassessed(10, D(2023, 4, 3), 2),
            reassessed(10, D(2023, 5, 2), 1),
            reassessed(10, D(2023, 6, 1), 2),
        ],
    )
    assert breaches(data).select("breach_since", "days_in_breach").rows() == [(D(2023, 6, 1), 13)]


def test_r_al_4_reassessment_on_the_allocation_day_replaces_the_recorded_level() -> None:
    """Recorded at 1 on 1 March, re-assessed to 2 the same day: in breach from the start."""
    data = case_data([allocation(1, 10, FSW, 1)], [reassessed(10, D(2023, 3, 1), 2)])
    result = measures(data)["allocation.fsw_policy_breaches"]
    assert result.breakdown == {
        "escalated_after_allocation": count(0),
        "days:10": count(105, (10,)),
    }


def test_r_al_4_several_fsw_cases_each_with_their_days() -> None:
    """Child 10 at level 2 since 1 March (105 days); child 11 co-worked, s47 from 1 June (13
    days, escalated); child 12 at level 1 is fine."""
    data = case_data(
        [
            allocation(1, 10, FSW, 2),
            allocation(2, 11, FSW, 1, role="co"),
            allocation(3, 12, FSW, 1),
        ],
        section47s=[s47(1, 11, D(2023, 6, 1))],
    )
    result = measures(data)["allocation.fsw_policy_breaches"]
    assert (result.value, result.cases) == (2, (10, 11))
    assert result.breakdown == {
        "escalated_after_allocation": count(1, (11,)),
        "days:10": count(105, (10,)),
        "days:11": count(13, (11,)),
    }


def test_r_al_4_leap_day() -> None:
    """Re-assessed to 2 on 29 February 2024; as at 1 March 2024 that is 1 day in breach."""
    data = case_data(
        [allocation(1, 10, FSW, 1, start=D(2024, 1, 2))], [reassessed(10, D(2024, 2, 29), 2)]
    )
    assert breaches(data, D(2024, 3, 1)).select("breach_since", "days_in_breach").rows() == [
        (D(2024, 2, 29), 1)
    ]


def test_r_al_4_only_fsw_cases_are_in_the_fsw_audit() -> None:
    data = case_data([allocation(1, 10, SW, 4)])
    result = measures(data)["allocation.fsw_policy_breaches"]
    assert (result.value, result.cases, result.breakdown) == (
        0,
        (),
        {"escalated_after_allocation": count(0)},
    )


# --- R-AL-1: ASYE, social workers and seniors --------------------------------------------------


def test_r_al_1_asye_holding_level_3_breaches() -> None:
    data = case_data([allocation(1, 10, ASYE, 3)])
    assert reasons(data) == [
        ("asye_co_work_only", "ASYE: level 3 only when co-worked", D(2023, 3, 1), 105)
    ]


def test_r_al_1_asye_co_working_level_3_is_fine() -> None:
    assert breaches(case_data([allocation(1, 10, ASYE, 3, role="co")])).height == 0


def test_r_al_1_asye_co_working_care_proceedings_breaches() -> None:
    data = case_data([allocation(1, 10, ASYE, 4, role="co")])
    assert breaches(data).select("role", "grade", "reason_code", "reason").rows() == [
        (
            "co",
            "ASYE",
            "asye_care_proceedings",
            "ASYE: care proceedings (level 4) are never held by an ASYE, even co-worked",
        )
    ]


def test_r_al_1_asye_holding_level_4_breaches() -> None:
    data = case_data([allocation(1, 10, ASYE, 4)])
    assert breaches(data).select("reason_code", "reason").rows() == [
        ("above_grade_max", "Level 4 is above the most an ASYE may hold (2)")
    ]


def test_r_al_1_social_worker_at_level_4_breaches() -> None:
    data = case_data([allocation(1, 10, SW, 4)])
    assert breaches(data).select("grade", "reason").rows() == [
        ("SW", "Level 4 is above the most a social worker may hold (3)")
    ]


def test_r_al_1_social_worker_co_working_level_4_breaches() -> None:
    data = case_data([allocation(1, 10, SW, 4, role="co")])
    assert breaches(data).select("reason").rows() == [
        ("Level 4 is above the most a social worker may co-work (3)",)
    ]


@pytest.mark.parametrize("worker_id", [EXPERIENCED, SENIOR], ids=["experienced", "senior"])
def test_r_al_1_experienced_and_senior_may_hold_level_4(worker_id: int) -> None:
    assert breaches(case_data([allocation(1, 10, worker_id, 4)])).height == 0


@pytest.mark.parametrize(
    ("as_at", "expected"),
    [
        # 31 May: the last day of the ASYE year; 1 March → 31 May = 30 + 30 + 31 = 91 days.
        (D(2023, 5, 31), [("asye_co_work_only", 91)]),
        (D(2023, 6, 1), []),  # a social worker from 1 June may hold level 3
    ],
    ids=["still-asye", "now-sw"],
)
def test_r_al_1_worker_leaving_the_asye_year_mid_month(
    as_at: dt.date, expected: list[tuple[str, int]]
) -> None:
    data = case_data([allocation(1, 10, NEWLY_SW, 3)])
    assert breaches(data, as_at).select("reason_code", "days_in_breach").rows() == expected


# --- R-AL-1: the policy ------------------------------------------------------------------------


def test_r_al_1_policy_may_let_an_fsw_hold_level_2() -> None:
    limits = {"FSW": 2, "ASYE": 2, "SW": 3, "EXPERIENCED_SW": 4, "SENIOR": 4}
    data = case_data([allocation(1, 10, FSW, 1)], [reassessed(10, D(2023, 5, 2), 2)])
    assert breaches(data, policy=eligibility_policy(max_complexity=limits)).height == 0


def test_r_al_1_policy_may_let_an_fsw_hold_child_protection() -> None:
    data = case_data([allocation(1, 10, FSW, 1)], section47s=[s47(1, 10, D(2023, 6, 1))])
    policy = eligibility_policy(fsw_may_hold_child_protection=True)
    assert breaches(data, policy=policy).height == 0


def test_r_al_1_policy_sets_the_asye_co_worked_limit() -> None:
    data = case_data([allocation(1, 10, ASYE, 3, role="co")])
    policy = eligibility_policy(asye_co_worked_max_complexity=2)
    assert breaches(data, policy=policy).select("reason_code", "reason").rows() == [
        ("above_grade_max", "Level 3 is above the most an ASYE may co-work (2)")
    ]


def test_r_al_1_asye_never_co_works_care_proceedings_whatever_the_co_worked_limit() -> None:
    data = case_data([allocation(1, 10, ASYE, 4, role="co")])
    policy = eligibility_policy(asye_co_worked_max_complexity=4)
    assert breaches(data, policy=policy).select("reason_code").rows() == [
        ("asye_care_proceedings",)
    ]


# --- R-AL-1: time travel -----------------------------------------------------------------------


def test_r_al_1_allocation_ending_on_the_as_at_date_is_not_counted() -> None:
    """Open from its start up to the day before its end: handed over today."""
    data = case_data([allocation(1, 10, SW, 4, end=AS_AT)])
    assert measures(data)["allocation.eligibility_breaches"] == Result(
        0, 0, None, (), {f"reason:{code}": count(0) for code in REASON_CODES}
    )


def test_r_al_1_reassessment_after_as_at_is_ignored() -> None:
    data = case_data([allocation(1, 10, FSW, 1)], [reassessed(10, D(2023, 6, 15), 2)])
    assert breaches(data).height == 0


def test_r_al_1_s47_after_as_at_is_ignored() -> None:
    data = case_data([allocation(1, 10, FSW, 1)], section47s=[s47(1, 10, D(2023, 6, 15))])
    assert breaches(data).height == 0


def test_r_al_1_s47_ended_on_as_at_is_no_longer_child_protection() -> None:
    data = case_data(
        [allocation(1, 10, FSW, 1)], section47s=[s47(1, 10, D(2023, 6, 1), end_date=AS_AT)]
    )
    assert breaches(data).height == 0


# --- R-AL-1: every child protection case has a qualified social worker -------------------------


def unallocated(data: CaseData, as_at: dt.date = AS_AT) -> Result:
    return measures(data, as_at)["allocation.unallocated_child_protection"]


def test_r_al_1_unallocated_child_protection_child() -> None:
    data = case_data(section47s=[s47(1, 20, D(2023, 6, 1))])
    assert unallocated(data) == count(1, (20,))


def test_r_al_1_cp_child_allocated_only_to_an_fsw_is_unallocated() -> None:
    data = case_data([allocation(1, 20, FSW, 1)], cp_plans=[plan(1, 20, D(2023, 4, 3))])
    assert unallocated(data) == count(1, (20,))


@pytest.mark.parametrize("worker_id", [ASYE, SW, SENIOR], ids=["asye", "sw", "senior"])
def test_r_al_1_cp_child_held_by_a_qualified_worker_is_allocated(worker_id: int) -> None:
    data = case_data([allocation(1, 20, worker_id, 3)], cp_plans=[plan(1, 20, D(2023, 4, 3))])
    assert unallocated(data) == count(0)


def test_r_al_1_cp_child_only_co_worked_by_a_social_worker_is_unallocated() -> None:
    data = case_data(
        [allocation(1, 20, FSW, 1), allocation(2, 20, EXPERIENCED, 3, role="co")],
        cp_plans=[plan(1, 20, D(2023, 4, 3))],
    )
    assert unallocated(data) == count(1, (20,))


def test_r_al_1_cp_child_held_by_a_worker_who_has_left_is_unallocated() -> None:
    data = case_data([allocation(1, 20, LEAVER, 3)], cp_plans=[plan(1, 20, D(2023, 4, 3))])
    assert unallocated(data) == count(1, (20,))


def test_r_al_1_level_3_case_held_by_an_fsw_is_unallocated_child_protection() -> None:
    """No s47 or plan recorded, but level 3 is child protection / pre-proceedings (R-CL-2)."""
    data = case_data([allocation(1, 20, FSW, 3)])
    assert unallocated(data) == count(1, (20,))


def test_r_al_1_handover_on_the_as_at_date_leaves_the_case_allocated() -> None:
    """The leaver's allocation ends today; the new social worker's starts today."""
    data = case_data(
        [
            allocation(1, 20, LEAVER, 3, end=AS_AT),
            allocation(2, 20, EXPERIENCED, 3, start=AS_AT),
        ],
        cp_plans=[plan(1, 20, D(2023, 4, 3))],
    )
    assert unallocated(data) == count(0)


def test_r_al_1_plan_ended_by_as_at_is_not_child_protection() -> None:
    data = case_data(cp_plans=[plan(1, 20, D(2023, 1, 9), end=AS_AT)])
    assert unallocated(data) == count(0)


def test_r_al_1_plan_ending_after_as_at_is_still_child_protection() -> None:
    data = case_data(cp_plans=[plan(1, 20, D(2023, 1, 9), end=D(2023, 6, 15))])
    assert unallocated(data) == count(1, (20,))


# --- data quality ------------------------------------------------------------------------------


def test_data_quality_allocation_to_a_worker_not_in_post() -> None:
    """A leaver, a worker who has not started yet and an id not on the workforce list."""
    data = case_data(
        [
            allocation(1, 30, LEAVER, 1),
            allocation(2, 31, NOT_STARTED, 1),
            allocation(3, 32, 99, 1),
            allocation(4, 33, SW, 1),
        ]
    )
    assert measures(data)["data_quality.allocation_to_absent_worker"] == count(3, (30, 31, 32))


def test_data_quality_allocation_to_a_leaver_is_not_judged_for_eligibility() -> None:
    data = case_data([allocation(1, 30, LEAVER, 4)])
    assert breaches(data).height == 0


def test_measures_are_registered_with_their_rules() -> None:
    family = {m.id: m.rule for m in REGISTRY.measures.values() if m.family == "eligibility"}
    assert family == {
        "allocation.eligibility_breaches": "R-AL-1",
        "allocation.fsw_policy_breaches": "R-AL-1, R-AL-4",
        "allocation.unallocated_child_protection": "R-AL-1",
        "data_quality.allocation_to_absent_worker": "R-CL-1, R-AL-1",
    }


# --- property: the engine agrees with a row-by-row reference -----------------------------------

REASON_CODES = (
    "above_grade_max",
    "asye_co_work_only",
    "asye_care_proceedings",
    "fsw_child_protection",
)
CARE_PROCEEDINGS = 4
CHILD_PROTECTION = 3


def _run_start(history: list[tuple[dt.date, bool]]) -> dt.date | None:
    """First day of the latest unbroken spell in which the flag held; None if it does not now."""
    begun: dt.date | None = None
    for day, holds in history:
        if not holds:
            begun = None
        elif begun is None:
            begun = day
    return begun


def _allocation_count(rows: list[tuple[Any, ...]]) -> Result:
    return count(len({r[0] for r in rows}), sorted({r[1] for r in rows}))


def reference(
    tables: dict[str, list[Row]], as_at: dt.date, policy: Policy
) -> tuple[list[tuple[Any, ...]], dict[str, Result]]:
    """R-AL-1 and R-AL-4 one record at a time, with the scalar grade and open-allocation rules."""
    rules = policy.eligibility
    grades: dict[int, str] = {}
    for w in tables["workers"]:
        facts = WorkerFacts(
            worker_id=w["worker_id"],
            name="",
            role=w["role"],
            team_id=1,
            qualified=w["qualified"],
            qualification_date=w["qualification_date"] if w["qualified"] else None,
            start_date=w["start_date"],
            end_date=w["end_date"],
            fte=1.0,
        )
        if facts.in_post(as_at):
            grades[w["worker_id"]] = experience_grade(facts, as_at, policy).value

    def cp_since(child: int) -> dt.date | None:
        days = [
            s["strategy_date"]
            for s in tables["section47s"]
            if s["child_id"] == child
            and s["strategy_date"] <= as_at
            and (s["end_date"] is None or s["end_date"] > as_at)
        ] + [
            p["start"]
            for p in tables["cp_plans"]
            if p["child_id"] == child
            and p["start"] <= as_at
            and (p["end"] is None or p["end"] > as_at)
        ]
        return min(days, default=None)

    def history(a: Row) -> list[tuple[dt.date, int]]:
        levels = {a["start"]: a["complexity_level"]}
        for c in tables["complexity"]:
            if c["child_id"] == a["child_id"] and a["start"] <= c["assessed_on"] <= as_at:
                levels[c["assessed_on"]] = c["level"]
        return sorted(levels.items())

    open_allocations = [
        a
        for a in tables["allocations"]
        if AllocationFacts(
            a["allocation_id"],
            a["child_id"],
            a["worker_id"],
            CaseRole(a["role"]),
            a["start"],
            a["end"],
            a["complexity_level"],
        ).open_at(as_at)
    ]
    asye_holds = rules.max_complexity.get("ASYE")
    asye_co_works = (
        None
        if asye_holds is None
        else max(asye_holds, min(rules.asye_co_worked_max_complexity, CARE_PROCEEDINGS - 1))
    )
    phrases = {
        "FSW": "an FSW",
        "ASYE": "an ASYE",
        "SW": "a social worker",
        "EXPERIENCED_SW": "an experienced social worker",
        "SENIOR": "a senior practitioner",
    }

    rows: list[tuple[Any, ...]] = []
    levels: dict[int, int] = {}
    for a in open_allocations:
        past = history(a)
        level = past[-1][1]
        levels[a["allocation_id"]] = level
        grade = grades.get(a["worker_id"])
        if grade is None:
            continue
        key = (a["allocation_id"], a["child_id"], a["worker_id"], a["role"], grade, level)
        co = a["role"] == "co"
        limit = asye_co_works if grade == "ASYE" and co else rules.max_complexity.get(grade)
        if limit is not None and level > limit:
            since = _run_start([(day, lv > limit) for day, lv in past])
            assert since is not None
            if grade == "ASYE" and not co and asye_co_works is not None and level <= asye_co_works:
                code, text = "asye_co_work_only", f"ASYE: level {level} only when co-worked"
            elif grade == "ASYE" and co and level >= CARE_PROCEEDINGS:
                code = "asye_care_proceedings"
                text = (
                    f"ASYE: care proceedings (level {level}) are never held by an ASYE, "
                    "even co-worked"
                )
            else:
                verb = "co-work" if co else "hold"
                code = "above_grade_max"
                text = f"Level {level} is above the most {phrases[grade]} may {verb} ({limit})"
            rows.append((*key, code, text, since, (as_at - since).days))
        protection = cp_since(a["child_id"])
        if (
            grade == "FSW"
            and not rules.fsw_may_hold_child_protection
            and (protection is not None or level >= CHILD_PROTECTION)
        ):
            began = [
                d
                for d in (
                    protection,
                    _run_start([(day, lv >= CHILD_PROTECTION) for day, lv in past]),
                )
                if d is not None
            ]
            since = max(a["start"], min(began))
            text = "FSW: child protection cases are never held by a family support worker"
            rows.append((*key, "fsw_child_protection", text, since, (as_at - since).days))
    rows.sort(key=lambda r: (r[0], r[6]))

    starts = {a["allocation_id"]: a["start"] for a in open_allocations}
    fsw_since: dict[int, tuple[int, dt.date]] = {}
    for r in rows:
        if r[4] == "FSW":
            earlier = fsw_since.get(r[0])
            if earlier is None or r[8] < earlier[1]:
                fsw_since[r[0]] = (r[1], r[8])
    escalated = [(i, child) for i, (child, since) in fsw_since.items() if since > starts[i]]
    days: dict[int, int] = {}
    for child, since in fsw_since.values():
        days[child] = max(days.get(child, 0), (as_at - since).days)
    fsw_breakdown = {"escalated_after_allocation": _allocation_count(escalated)}
    fsw_breakdown |= {f"days:{child}": count(n, (child,)) for child, n in sorted(days.items())}
    fsw_total = _allocation_count([(i, child) for i, (child, _) in fsw_since.items()])

    children = {s["child_id"] for s in tables["section47s"]} | {
        p["child_id"] for p in tables["cp_plans"]
    }
    in_protection = {c for c in children if cp_since(c) is not None} | {
        a["child_id"] for a in open_allocations if levels[a["allocation_id"]] >= CHILD_PROTECTION
    }
    covered = {
        a["child_id"]
        for a in open_allocations
        if a["role"] == "holder" and grades.get(a["worker_id"]) not in (None, "FSW")
    }
    absent = [
        (a["allocation_id"], a["child_id"])
        for a in open_allocations
        if a["worker_id"] not in grades
    ]
    everything = _allocation_count(rows)
    results = {
        "allocation.eligibility_breaches": Result(
            everything.value,
            everything.numerator,
            None,
            everything.cases,
            {
                f"reason:{code}": _allocation_count([r for r in rows if r[6] == code])
                for code in REASON_CODES
            },
        ),
        "allocation.fsw_policy_breaches": Result(
            fsw_total.value, fsw_total.numerator, None, fsw_total.cases, fsw_breakdown
        ),
        "allocation.unallocated_child_protection": count(
            len(in_protection - covered), sorted(in_protection - covered)
        ),
        "data_quality.allocation_to_absent_worker": _allocation_count(absent),
    }
    return rows, results


def _dates(first: dt.date, last: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=first, max_value=last)


@st.composite
def _workers(draw: st.DrawFn) -> list[Row]:
    """Mostly in post, many newly qualified (so ASYEs are common)."""
    rows = []
    for worker_id in range(1, draw(st.integers(1, 6)) + 1):
        qualified = draw(
            st.none() | _dates(D(2018, 1, 1), D(2023, 9, 1)) | _dates(D(2022, 6, 1), D(2023, 6, 30))
        )
        start = draw(_dates(D(2018, 1, 1), D(2023, 9, 1)))
        if qualified is not None and draw(st.booleans()):
            start = qualified + dt.timedelta(days=draw(st.integers(0, 90)))
        rows.append(
            worker(
                worker_id,
                draw(st.sampled_from(["SW", "SW", "SP", "FSW"])),
                qualified,
                start,
                draw(st.none() | st.none() | _dates(D(2023, 1, 1), D(2023, 12, 31))),
            )
        )
    return rows


@st.composite
def _allocations(draw: st.DrawFn, workers: int) -> list[Row]:
    rows = []
    for allocation_id in range(1, draw(st.integers(0, 12)) + 1):
        start = draw(_dates(D(2022, 12, 1), D(2023, 7, 31)))
        length = draw(st.none() | st.integers(0, 300))
        rows.append(
            allocation(
                allocation_id,
                draw(st.integers(1, 4)),
                draw(st.integers(1, workers + 1)),  # the last is not on the workforce list
                draw(st.integers(1, 4)),
                role=draw(st.sampled_from(["holder", "co"])),
                start=start,
                end=None if length is None else start + dt.timedelta(days=length),
            )
        )
    return rows


@st.composite
def _tables(draw: st.DrawFn) -> dict[str, list[Row]]:
    spans = st.tuples(
        st.integers(1, 4),
        _dates(D(2022, 12, 1), D(2023, 9, 30)),
        st.none() | st.integers(0, 200),
    )

    def end(start: dt.date, length: int | None) -> dt.date | None:
        return None if length is None else start + dt.timedelta(days=length)

    complexity = draw(
        st.dictionaries(
            st.tuples(st.integers(1, 4), _dates(D(2022, 12, 1), D(2023, 9, 30))),
            st.integers(1, 4),
            max_size=12,
        )
    )
    workers = draw(_workers())
    return {
        "workers": workers,
        "allocations": draw(_allocations(len(workers))),
        "complexity": [reassessed(c, on, level) for (c, on), level in complexity.items()],
        "section47s": [
            s47(i, c, start, end(start, n))
            for i, (c, start, n) in enumerate(draw(st.lists(spans, max_size=4)), start=1)
        ],
        "cp_plans": [
            plan(i, c, start, end(start, n))
            for i, (c, start, n) in enumerate(draw(st.lists(spans, max_size=3)), start=1)
        ],
    }


@st.composite
def _policies(draw: st.DrawFn) -> Policy:
    grades = ["FSW", "ASYE", "SW", "EXPERIENCED_SW", "SENIOR"]
    limits = {g: draw(st.integers(1, 4)) for g in grades}
    if draw(st.integers(0, 2)) > 0:  # mostly the default limits
        limits = {**POLICY.eligibility.max_complexity}
    if draw(st.integers(0, 9)) == 0:
        del limits["ASYE"]  # no limit configured for the grade
    return eligibility_policy(
        max_complexity=limits,
        asye_co_worked_max_complexity=draw(st.integers(1, 4)),
        fsw_may_hold_child_protection=draw(st.booleans()),
    )


@settings(max_examples=200, database=None, deadline=None)
@given(
    tables=_tables(),
    as_at=_dates(D(2023, 3, 1), D(2023, 9, 30)),
    policy=_policies(),
)
def test_r_al_1_r_al_4_engine_agrees_with_row_by_row_reference(
    tables: dict[str, list[Row]], as_at: dt.date, policy: Policy
) -> None:
    data = case_data(
        tables["allocations"],
        tables["complexity"],
        tables["section47s"],
        tables["cp_plans"],
        tables["workers"],
    )
    expected_rows, expected = reference(tables, as_at, policy)
    assert breaches(data, as_at, policy).rows() == expected_rows
    assert measures(data, as_at, policy) == expected
