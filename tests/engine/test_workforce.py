"""Experience grades (domain.md §1) and capacity (R-CL-3)."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.policy import CaseloadPolicy, ExperiencePolicy, Policy
from oversight.engine.workforce import Absence, Grade, WorkerFacts, case_capacity, experience_grade

POLICY = Policy()
CALENDAR = WorkingDayCalendar.england()


def worker(**changes: object) -> WorkerFacts:
    base: dict[str, object] = {
        "worker_id": 1,
        "name": "W",
        "role": "SW",
        "team_id": 1,
        "qualified": True,
        "qualification_date": dt.date(2022, 9, 1),
        "start_date": dt.date(2022, 10, 3),
        "end_date": None,
        "fte": 1.0,
    }
    base.update(changes)
    return WorkerFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("as_at", "grade"),
    [
        (dt.date(2022, 10, 3), Grade.ASYE),  # first day in post
        (dt.date(2023, 10, 2), Grade.ASYE),  # last day of the ASYE year (from start in post)
        (dt.date(2023, 10, 3), Grade.SW),
        (dt.date(2025, 8, 31), Grade.SW),  # 3 years after qualifying, less a day
        (dt.date(2025, 9, 1), Grade.EXPERIENCED_SW),
    ],
)
def test_grade_follows_time_since_qualifying(as_at: dt.date, grade: Grade) -> None:
    assert experience_grade(worker(), as_at, POLICY) is grade


def test_unqualified_worker_is_fsw_and_senior_roles_are_senior() -> None:
    fsw = worker(qualified=False, qualification_date=None, role="FSW")
    assert experience_grade(fsw, dt.date(2024, 1, 1), POLICY) is Grade.FSW
    atm = worker(role="ATM", qualification_date=dt.date(2023, 1, 1))
    assert experience_grade(atm, dt.date(2024, 1, 1), POLICY) is Grade.SENIOR


def test_experienced_recruit_is_not_an_asye() -> None:
    """Qualified five years before starting here: never in the ASYE."""
    recruit = worker(qualification_date=dt.date(2017, 7, 1), start_date=dt.date(2022, 10, 3))
    assert experience_grade(recruit, dt.date(2022, 10, 10), POLICY) is Grade.EXPERIENCED_SW


def test_grade_thresholds_come_from_the_policy() -> None:
    policy = Policy(experience=ExperiencePolicy(asye_months=6, experienced_years=2))
    assert experience_grade(worker(), dt.date(2023, 4, 3), policy) is Grade.SW
    assert experience_grade(worker(), dt.date(2024, 9, 1), policy) is Grade.EXPERIENCED_SW


@pytest.mark.parametrize(
    ("changes", "as_at", "capacity"),
    [
        ({"qualification_date": dt.date(2015, 1, 1)}, dt.date(2023, 6, 14), 85.0),
        ({"qualification_date": dt.date(2015, 1, 1), "fte": 0.5}, dt.date(2023, 6, 14), 42.5),
        ({}, dt.date(2023, 6, 14), 76.5),  # ASYE: 85 × 0.9
        ({"qualified": False, "qualification_date": None}, dt.date(2023, 6, 14), 85.0),
    ],
)
def test_r_cl_3_case_capacity(changes: dict[str, object], as_at: dt.date, capacity: float) -> None:
    assert case_capacity(worker(**changes), as_at, POLICY, CALENDAR) == pytest.approx(capacity)


def test_r_cl_3_planned_absence_reduces_capacity_pro_rata() -> None:
    """Off 14–20 June 2023: 5 of the 20 working days from 14 June → 85 × 0.75."""
    away = worker(
        qualification_date=dt.date(2015, 1, 1),
        absences=(Absence(dt.date(2023, 6, 14), dt.date(2023, 6, 20)),),
    )
    assert case_capacity(away, dt.date(2023, 6, 14), POLICY, CALENDAR) == pytest.approx(63.75)
    # The same absence seen from 10 July is over: full capacity.
    assert case_capacity(away, dt.date(2023, 7, 10), POLICY, CALENDAR) == pytest.approx(85.0)


def test_r_cl_3_asye_factor_is_configurable() -> None:
    policy = Policy(caseload=CaseloadPolicy(asye_capacity_factor=0.8))
    assert case_capacity(worker(), dt.date(2023, 1, 2), policy, CALENDAR) == pytest.approx(68.0)
