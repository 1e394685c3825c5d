"""Caseloads at a date (R-CL-1..5): the vectorised board and measures against hand-worked values
and against a row-by-row reference built on the scalar rules (`engine/caseload.py`).
The property test and its reference are in `test_caseloads_reference.py`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import polars as pl
import pytest

from oversight.engine.frames import CaseData
from oversight.engine.measures.caseloads import MEASURES, month_end_caseloads
from oversight.engine.policy import CaseloadPolicy
from oversight.engine.registry import REGISTRY, Result
from tests.engine.measures.caseloads_frames import (
    AS_AT,
    CALENDAR,
    POLICY,
    D,
    allocation,
    board,
    case_data,
    measures,
    s47,
    worker,
)


def column(frame: pl.DataFrame, name: str) -> dict[int, Any]:
    return dict(zip(frame["worker_id"].to_list(), frame[name].to_list(), strict=True))


# ------------------------------------------------------------ the hand-built team (conftest)

TM, ATM, ALICE, BEN, CARA, DAN = 1, 2, 3, 4, 5, 6
A1, A2, A3, A4, B1, B2, B3, C1, C2, C_ENDED, C_LATER, D1 = range(101, 113)


def three_worker_team() -> CaseData:
    """tests/conftest.py `three_worker_team` as frames (team 1; Dan is in team 2)."""
    return case_data(
        workers=[
            worker(TM, role="TM"),  # holds no case: off the board
            worker(ATM, role="ATM"),  # on the board with 0 cases, capacity 85 (senior)
            worker(ALICE, fte=0.4),  # experienced: 0.4 × 85 = 34
            # ASYE until Oct 2023: 85 × 0.9 = 76.5, absent 5 of 20 working days → 57.375.
            worker(BEN, qualification=D(2022, 9, 1), start=D(2022, 10, 3)),
            worker(CARA, role="FSW", qualified=False, qualification=None),  # FSW: 85
            worker(DAN, team=2),
        ],
        absences=[{"worker_id": BEN, "start": D(2023, 6, 14), "end": D(2023, 6, 20)}],
        allocations=[
            # Alice: 10 + 8 + 8 + 6 = 32, co-works B1 at level 3: 8 × 0.5 = 4 → 36 of 34.
            allocation(1, A1, ALICE, 4),
            allocation(2, A2, ALICE, 3),
            allocation(3, A3, ALICE, 3),
            allocation(4, A4, ALICE, 2),
            allocation(5, B1, BEN, 2),
            allocation(6, B1, ALICE, 3, role="co"),
            # Ben: 6 + 4 + 4 = 14 of 57.375.
            allocation(7, B2, BEN, 1),
            allocation(8, B3, BEN, 1),
            # Cara: C1 re-assessed to level 3 in May (8) + C2 (4) = 12 of 85.
            allocation(9, C1, CARA, 1),
            allocation(10, C2, CARA, 1),
            # Handed back on 1 June, and allocated after AS_AT: neither counts.
            allocation(11, C_ENDED, CARA, 1, start=D(2023, 1, 9), end=D(2023, 6, 1)),
            allocation(12, C_LATER, CARA, 1, start=D(2023, 6, 15)),
            allocation(13, D1, DAN, 2),
        ],
        complexity=[{"child_id": C1, "assessed_on": D(2023, 5, 1), "level": 3}],
    )


def test_r_cl_1_3_three_worker_team_board() -> None:
    """The team manager holds no case and is left off; the ATM is on it with no cases."""
    frame = board(three_worker_team()).filter(pl.col("team_id") == 1)
    assert frame.select("worker_id", "grade", "cases", "co_worked").rows() == [
        (ATM, "SENIOR", 0, 0),
        (ALICE, "EXPERIENCED_SW", 4, 1),
        (BEN, "ASYE", 3, 0),
        (CARA, "FSW", 2, 0),
    ]
    assert frame.select("weighted_load", "capacity").rows() == [
        (0.0, 85.0),
        (36.0, 34.0),
        (14.0, 57.375),
        (12.0, 85.0),
    ]
    # Alice 36 / 34 = 105.9 %; Ben 14 / 57.375 = 24.4 %; Cara 12 / 85 = 14.1 %.
    assert frame["utilisation"].to_list() == [0.0, 36 / 34, 14 / 57.375, 12 / 85]


def test_r_cl_3_three_worker_team_utilisation() -> None:
    """Team 1: 62 points of 34 + 57.375 + 85 + 85 = 261.375 → 23.72 %."""
    result = measures(three_worker_team())["caseload.utilisation"].breakdown["team:1"]
    assert (result.numerator, result.denominator) == (62.0, 261.375)
    assert result.value == 62 / 261.375 * 100
    assert result.cases == (A1, A2, A3, A4, B1, B2, B3, C1, C2)


def test_r_cl_3_utilisation_over_every_team() -> None:
    """Team 1's 62 / 261.375 plus Dan's 6 / 85 → 68 / 346.375."""
    result = measures(three_worker_team())["caseload.utilisation"]
    assert (result.value, result.numerator, result.denominator) == (68 / 346.375 * 100, 68, 346.375)
    assert list(result.breakdown) == ["team:1", "team:2"]


def test_r_cl_3_three_worker_team_over_capacity() -> None:
    result = measures(three_worker_team())["caseload.workers_over_capacity"]
    assert (result.value, result.cases) == (1, ())
    assert result.breakdown == {f"worker:{ALICE}": Result(1, 1, None)}


def test_r_cl_1_three_worker_team_co_worked_cases() -> None:
    result = measures(three_worker_team())["caseload.co_worked_cases"]
    assert (result.value, result.denominator, result.cases) == (1, None, (B1,))


def test_r_cl_1_average_per_fte_counts_qualified_case_holders() -> None:
    """Team 1: Alice 4 cases at 0.4 FTE + Ben 3 at 1.0 = 7 / 1.4 = 5.0. Cara is an FSW and the
    ATM holds no case: both left out. All of England adds Dan: 8 / 2.4."""
    result = measures(three_worker_team())["caseload.average_per_fte"]
    assert (result.value, result.numerator, result.denominator) == (8 / 2.4, 8, 0.4 + 1.0 + 1.0)
    team = result.breakdown["team:1"]
    assert (team.value, team.numerator, team.denominator) == (5.0, 7, 1.4)
    assert team.cases == (A1, A2, A3, A4, B1, B2, B3)


# ------------------------------------------------------------------------------- R-CL-1..3


def test_r_cl_1_allocation_ending_on_the_as_at_date_is_not_counted() -> None:
    """Handed over on AS_AT: the new holder has it that day, the old one does not."""
    data = case_data(
        workers=[worker(1), worker(2)],
        allocations=[
            allocation(1, 10, 1, end=AS_AT),
            allocation(2, 10, 2, start=AS_AT),
            allocation(3, 11, 1, end=AS_AT + dt.timedelta(days=1)),
        ],
    )
    assert column(board(data), "cases") == {1: 1, 2: 1}


def test_r_cl_1_a_manager_holding_a_case_is_on_the_board() -> None:
    data = case_data(
        workers=[worker(1, role="TM"), worker(2, role="SM", team=None)],
        allocations=[allocation(1, 10, 1, 2)],
    )
    assert column(board(data), "weighted_load") == {1: 6.0}


def test_r_cl_1_co_worker_only_workers_are_not_in_the_average() -> None:
    """Worker 2 only co-works: 2 cases / 1.0 FTE (worker 1), not / 2.0."""
    data = case_data(
        workers=[worker(1), worker(2)],
        allocations=[
            allocation(1, 10, 1),
            allocation(2, 11, 1),
            allocation(3, 10, 2, role="co"),
        ],
    )
    result = measures(data)["caseload.average_per_fte"]
    assert (result.value, result.numerator, result.denominator) == (2.0, 2, 1.0)


def test_r_cl_2_weights_and_co_worker_fraction_come_from_the_policy() -> None:
    """Level 2 = 7 points, co-worked level 4 = 20 × 0.25 = 5 → 12."""
    policy = replace(
        POLICY,
        caseload=CaseloadPolicy(
            complexity_weights={1: 1, 2: 7, 3: 9, 4: 20}, co_worker_fraction=0.25
        ),
    )
    data = case_data(
        workers=[worker(1)],
        allocations=[allocation(1, 10, 1, 2), allocation(2, 11, 1, 4, role="co")],
    )
    assert column(board(data, policy=policy), "weighted_load") == {1: 12.0}


def test_r_cl_2_a_level_without_a_weight_is_an_error() -> None:
    data = case_data(workers=[worker(1)], allocations=[allocation(7, 10, 1, 5)])
    with pytest.raises(ValueError, match="allocation 7: complexity level 5"):
        board(data)


def test_r_cl_2_reassessment_after_as_at_is_not_yet_known() -> None:
    """Level 1 (4 points) at AS_AT; the 20 June re-assessment to 4 has not happened yet."""
    data = case_data(
        workers=[worker(1)],
        allocations=[allocation(1, 10, 1, 1)],
        complexity=[{"child_id": 10, "assessed_on": D(2023, 6, 20), "level": 4}],
    )
    assert column(board(data), "weighted_load") == {1: 4.0}


def test_r_cl_3_no_capacity_gives_no_utilisation_and_no_over_capacity() -> None:
    """Absent for all 20 working days from AS_AT: capacity 0, utilisation null."""
    data = case_data(
        workers=[worker(1)],
        absences=[{"worker_id": 1, "start": AS_AT, "end": D(2023, 7, 31)}],
        allocations=[allocation(1, 10, 1)],
    )
    frame = board(data)
    assert frame.select("capacity", "utilisation").rows() == [(0.0, None)]
    assert measures(data)["caseload.workers_over_capacity"].value == 0
    assert measures(data)["caseload.utilisation"].value is None


def test_r_cl_3_absence_window_skips_a_bank_holiday() -> None:
    """From Fri 5 May 2023 the 20 working days skip the coronation (Mon 8 May); absent Tue 9
    to Fri 12 May = 4 days → 85 × (1 − 4/20) = 68."""
    data = case_data(
        workers=[worker(1)],
        absences=[{"worker_id": 1, "start": D(2023, 5, 8), "end": D(2023, 5, 12)}],
    )
    assert column(board(data, as_at=D(2023, 5, 5)), "capacity") == {1: 85 * (1 - 4 / 20)}


def test_r_cl_3_absence_capacity_equals_the_scalar_rule_exactly() -> None:
    """Worker 1 absent Thu 1 to Fri 9 June 2023: 7 of the 20 working days from 1 June → the scalar
    `case_capacity` gives 85 × (1 − 7/20) = 55.25 exactly (7 / 20, not 7 × (1/20), which is
    0.35000000000000003 and would give 55.24999999999999)."""
    data = case_data(
        workers=[worker(1), worker(2)],
        absences=[
            {"worker_id": 1, "start": D(2023, 6, 1), "end": D(2023, 6, 9)},
            {"worker_id": 2, "start": D(2023, 6, 1), "end": D(2023, 6, 1)},
        ],
    )
    capacity = column(board(data, as_at=D(2023, 6, 1)), "capacity")
    assert capacity == {1: 85 * (1 - 7 / 20), 2: 85 * (1 - 1 / 20)}


def test_r_cl_3_worker_not_yet_in_post_or_left_is_not_on_the_board() -> None:
    data = case_data(
        workers=[
            worker(1, start=AS_AT + dt.timedelta(days=1)),
            worker(2, end=AS_AT - dt.timedelta(days=1)),
            worker(3, end=AS_AT),  # last day in post: still on it
        ],
    )
    assert board(data)["worker_id"].to_list() == [3]


# --------------------------------------------------------------------------- month-end series


def test_r_cl_3_asye_starting_mid_month_joins_the_series_at_asye_capacity() -> None:
    """Qualified 10 March, started 20 March 2023: not in post at 28 Feb; an ASYE at 31 Mar
    and 30 Apr → 85 × 0.9 = 76.5."""
    data = case_data(workers=[worker(1, qualification=D(2023, 3, 10), start=D(2023, 3, 20))])
    series = month_end_caseloads(
        data,
        month_ends=[D(2023, 2, 28), D(2023, 3, 31), D(2023, 4, 30)],
        policy=POLICY,
        calendar=CALENDAR,
    )
    assert series.select("month_end", "grade", "capacity").rows() == [
        (D(2023, 3, 31), "ASYE", 76.5),
        (D(2023, 4, 30), "ASYE", 76.5),
    ]


def test_r_cl_3_asye_year_ending_mid_month_lifts_the_capacity_factor() -> None:
    """Qualified 1 April, started 15 April 2022 → ASYE until 15 April 2023: 76.5 at 31 March,
    a social worker at 85 by 30 April. 6 points held → 6/76.5 then 6/85."""
    data = case_data(
        workers=[worker(1, qualification=D(2022, 4, 1), start=D(2022, 4, 15))],
        allocations=[allocation(1, 10, 1, 2, start=D(2023, 1, 2))],
    )
    series = month_end_caseloads(
        data, month_ends=[D(2023, 3, 31), D(2023, 4, 30)], policy=POLICY, calendar=CALENDAR
    )
    assert series.select("month_end", "grade", "capacity", "utilisation").rows() == [
        (D(2023, 3, 31), "ASYE", 76.5, 6 / 76.5),
        (D(2023, 4, 30), "SW", 85.0, 6 / 85),
    ]


def test_month_end_series_has_the_board_columns_after_month_end() -> None:
    data = three_worker_team()
    series = month_end_caseloads(data, month_ends=[AS_AT], policy=POLICY, calendar=CALENDAR)
    assert series.columns == ["month_end", *board(data).columns]
    assert series.drop("month_end").equals(board(data))


def test_month_end_series_of_no_months_is_empty() -> None:
    series = month_end_caseloads(
        three_worker_team(), month_ends=[], policy=POLICY, calendar=CALENDAR
    )
    assert (series.height, series.columns[0]) == (0, "month_end")


# ------------------------------------------------------------------------------------ R-CL-4

WINDOW = dt.timedelta(weeks=13)  # 91 days


def test_r_cl_4_s47_window_edges() -> None:
    """Counted: the day after 13 weeks before AS_AT (15 March) and AS_AT itself. Not counted:
    exactly 13 weeks before (14 March) and the day after AS_AT."""
    data = case_data(
        workers=[worker(1)],
        section47s=[
            s47(1, 1, AS_AT - WINDOW),
            s47(2, 1, AS_AT - WINDOW + dt.timedelta(days=1)),
            s47(3, 1, AS_AT),
            s47(4, 1, AS_AT + dt.timedelta(days=1)),
        ],
    )
    assert column(board(data), "s47_led") == {1: 2}


def test_r_cl_4_per_fte_and_share_of_the_team() -> None:
    """Worker 1: 2 s47s at 0.5 FTE = 4 per FTE, 2 of the team's 5 = 0.4; worker 2: 3 at 1.0."""
    data = case_data(
        workers=[worker(1, fte=0.5), worker(2), worker(3, team=2)],
        section47s=[s47(i, 1 if i <= 2 else 2, AS_AT) for i in range(1, 6)],
    )
    frame = board(data)
    assert column(frame, "s47_per_fte") == {1: 4.0, 2: 3.0, 3: 0.0}
    assert column(frame, "s47_share") == {1: 0.4, 2: 0.6, 3: None}


@pytest.mark.parametrize(
    ("counts", "flagged"),
    [
        # Even team: median (2 + 4) / 2 = 3, flag above 4.5 → only the 10.
        ((0, 2, 4, 10), [4]),
        # Median 2, 50 % more = 3: exactly 3 is not "more than" → no flag.
        ((2, 2, 2, 3), []),
        # Odd team: median 2 → flag above 3.
        ((1, 2, 4), [3]),
        # Median 0: any s47 at all is above it.
        ((0, 0, 0, 1), [4]),
    ],
)
def test_r_cl_4_flag_above_the_team_median(counts: tuple[int, ...], flagged: list[int]) -> None:
    rows = [
        s47(100 * worker_id + n, worker_id, AS_AT)
        for worker_id, led in enumerate(counts, start=1)
        for n in range(led)
    ]
    data = case_data(workers=[worker(w) for w in range(1, len(counts) + 1)], section47s=rows)
    frame = board(data)
    assert frame.filter("s47_flag")["worker_id"].to_list() == flagged


def test_r_cl_4_median_is_per_team() -> None:
    """Team 1 leads 0, 0, 1 (median 0: worker 3's one s47 is above it); team 2 leads 4, 5
    (median 4.5, flag above 6.75: nobody). Over all five the median would be 1 (flag above
    1.5), flagging workers 4 and 5 instead."""
    rows = [s47(1, 3, AS_AT)]
    rows += [s47(10 + n, 4, AS_AT) for n in range(4)]
    rows += [s47(20 + n, 5, AS_AT) for n in range(5)]
    data = case_data(
        workers=[worker(1), worker(2), worker(3), worker(4, team=2), worker(5, team=2)],
        section47s=rows,
    )
    assert board(data).filter("s47_flag")["worker_id"].to_list() == [3]


def test_r_cl_4_pressure_measure_lists_every_worker_with_s47s() -> None:
    """Counts 0, 2, 4, 10 (even team): worker 4 flagged; breakdown for workers 2–4."""
    rows = [s47(1, 2, AS_AT, child=21), s47(2, 2, AS_AT, child=22)]
    rows += [s47(10 + n, 3, AS_AT, child=30 + n) for n in range(4)]
    rows += [s47(20 + n, 4, AS_AT, child=40 + n) for n in range(10)]
    data = case_data(workers=[worker(1), worker(2), worker(3), worker(4, fte=0.5)], section47s=rows)
    result = measures(data)["caseload.s47_pressure_flags"]
    assert (result.value, result.cases) == (1, tuple(range(40, 50)))
    assert result.breakdown == {
        "worker:2": Result(2.0, 2, 1.0, (21, 22)),
        "worker:3": Result(4.0, 4, 1.0, (30, 31, 32, 33)),
        "worker:4": Result(20.0, 10, 0.5, tuple(range(40, 50))),
    }


# ------------------------------------------------------------------------------------ R-CL-5


def churn_data(holders: list[tuple[int, dt.date, dt.date | None]]) -> CaseData:
    return case_data(
        workers=[worker(w) for w in range(1, 6)],
        allocations=[
            allocation(n, 10, w, start=start, end=end)
            for n, (w, start, end) in enumerate(holders, start=1)
        ],
    )


def test_r_cl_5_three_holders_in_twelve_months_is_flagged() -> None:
    data = churn_data(
        [
            (1, D(2022, 9, 1), D(2023, 1, 1)),
            (2, D(2023, 1, 1), D(2023, 4, 1)),
            (3, D(2023, 4, 1), None),
        ]
    )
    assert measures(data)["caseload.churn_children"] == Result(1, 1, None, (10,))


def test_r_cl_5_two_holders_is_not_flagged() -> None:
    """Worker 1 held it twice: still two different workers."""
    data = churn_data(
        [
            (1, D(2022, 9, 1), D(2023, 1, 1)),
            (2, D(2023, 1, 1), D(2023, 4, 1)),
            (1, D(2023, 4, 1), None),
        ]
    )
    assert measures(data)["caseload.churn_children"].value == 0


@pytest.mark.parametrize(
    ("first_end", "churned"),
    [
        # Window (14 June 2022, 14 June 2023]. Ending 15 June 2022: last held 14 June → out.
        (D(2022, 6, 15), 0),
        # Ending 16 June 2022: held on 15 June, the window's first day → in.
        (D(2022, 6, 16), 1),
    ],
)
def test_r_cl_5_window_edge(first_end: dt.date, churned: int) -> None:
    data = churn_data(
        [
            (1, D(2021, 1, 4), first_end),
            (2, first_end, D(2023, 1, 1)),
            (3, D(2023, 1, 1), None),
        ]
    )
    assert measures(data)["caseload.churn_children"].value == churned


@pytest.mark.parametrize(("first_end", "churned"), [(D(2023, 3, 1), 0), (D(2023, 3, 2), 1)])
def test_r_cl_5_window_from_a_leap_day(first_end: dt.date, churned: int) -> None:
    """As at 29 Feb 2024 the window is (28 Feb 2023, 29 Feb 2024] (12 months back from a leap
    day clips to 28 Feb). Ending 1 March 2023 (last held 28 Feb) is out; ending 2 March (held
    on 1 March) is in."""
    data = churn_data(
        [
            (1, D(2022, 1, 4), first_end),
            (2, first_end, D(2023, 9, 1)),
            (3, D(2023, 9, 1), None),
        ]
    )
    assert measures(data, as_at=D(2024, 2, 29))["caseload.churn_children"].value == churned


def test_r_cl_5_closed_case_is_not_counted() -> None:
    """Three holders, but nobody holds the case at AS_AT."""
    data = churn_data(
        [
            (1, D(2022, 9, 1), D(2023, 1, 1)),
            (2, D(2023, 1, 1), D(2023, 4, 1)),
            (3, D(2023, 4, 1), D(2023, 6, 1)),
        ]
    )
    assert measures(data)["caseload.churn_children"].value == 0


def test_r_cl_5_future_holder_is_not_counted() -> None:
    data = churn_data(
        [
            (1, D(2022, 9, 1), D(2023, 1, 1)),
            (2, D(2023, 1, 1), D(2023, 6, 20)),
            (3, D(2023, 6, 20), None),
        ]
    )
    assert measures(data)["caseload.churn_children"].value == 0


# ----------------------------------------------------------------------- allocation overlaps


@pytest.mark.parametrize(
    ("second_start", "first_end", "overlaps"),
    [
        (D(2023, 4, 1), D(2023, 4, 1), 0),  # handed over the day the first ended
        (D(2023, 3, 31), D(2023, 4, 1), 1),  # both held 31 March
        (D(2023, 6, 1), D(2023, 7, 1), 1),  # the end after AS_AT is not known: still open
        (D(2023, 6, 20), None, 0),  # the second starts after AS_AT
    ],
)
def test_data_quality_two_holders_on_the_same_day(
    second_start: dt.date, first_end: dt.date | None, overlaps: int
) -> None:
    data = case_data(
        workers=[worker(1), worker(2)],
        allocations=[
            allocation(1, 10, 1, start=D(2023, 1, 2), end=first_end),
            allocation(2, 10, 2, start=second_start),
        ],
    )
    expected = Result(overlaps, overlaps, None, (10,) if overlaps else ())
    assert measures(data)["data_quality.allocation_overlaps"] == expected


def test_data_quality_co_worker_alongside_holder_is_not_an_overlap() -> None:
    data = case_data(
        workers=[worker(1), worker(2)],
        allocations=[allocation(1, 10, 1), allocation(2, 10, 2, role="co")],
    )
    assert measures(data)["data_quality.allocation_overlaps"].value == 0


def test_family_registers_every_measure() -> None:
    ids = [m.id for m in MEASURES]
    assert set(measures(three_worker_team())) == set(ids)
    assert all(REGISTRY.measures[i].family == "caseloads" for i in ids)
