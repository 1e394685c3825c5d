"""R-AL-1 eligibility and the R-AL-4 FSW policy audit, as at a date.
The property test and its reference are in `test_eligibility_reference.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from oversight.engine.frames import CaseData
from oversight.engine.policy import Policy
from oversight.engine.registry import REGISTRY, Result, count
from tests.engine.measures.eligibility_frames import (
    AS_AT,
    ASYE,
    EXPERIENCED,
    FSW,
    LEAVER,
    NEWLY_SW,
    NOT_STARTED,
    POLICY,
    REASON_CODES,
    SENIOR,
    SW,
    D,
    allocation,
    breaches,
    case_data,
    eligibility_policy,
    measures,
    plan,
    reassessed,
    s47,
)


def reasons(
    data: CaseData, as_at: dt.date = AS_AT, policy: Policy = POLICY
) -> list[tuple[Any, ...]]:
    """(reason_code, reason, breach_since, days_in_breach) per row."""
    return (
        breaches(data, as_at, policy)
        .select("reason_code", "reason", "breach_since", "days_in_breach")
        .rows()
    )


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
