"""Workers as the engine sees them: experience grade (domain.md §1) and capacity (R-CL-3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy


class Grade(StrEnum):
    """Experience grades, least to most experienced. Keys of the eligibility table."""

    FSW = "FSW"
    ASYE = "ASYE"
    SW = "SW"
    EXPERIENCED_SW = "EXPERIENCED_SW"
    SENIOR = "SENIOR"


GRADE_LABELS = {
    Grade.FSW: "Family support worker",
    Grade.ASYE: "ASYE (newly qualified)",
    Grade.SW: "Social worker",
    Grade.EXPERIENCED_SW: "Experienced social worker",
    Grade.SENIOR: "Senior practitioner / manager",
}

# Job roles whose holders count as senior practitioners for allocation, whatever their years.
SENIOR_ROLES = frozenset({"SP", "ATM", "TM"})


@dataclass(frozen=True)
class Absence:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class WorkerFacts:
    """What the engine needs to know about one worker."""

    worker_id: int
    name: str
    role: str  # job role code: TM, ATM, SP, SW, FSW, SM, LM, IO
    team_id: int | None
    qualified: bool
    qualification_date: dt.date | None
    start_date: dt.date
    end_date: dt.date | None
    fte: float
    absences: tuple[Absence, ...] = ()

    def in_post(self, as_at: dt.date) -> bool:
        return self.start_date <= as_at and (self.end_date is None or as_at <= self.end_date)


def experience_grade(worker: WorkerFacts, as_at: dt.date, policy: Policy) -> Grade:
    """Derived, never typed in (domain.md §1): FSW < ASYE < SW < experienced SW < senior.

    The ASYE year runs from the later of qualifying and starting in post, and applies only to
    someone who started in post as a newly qualified worker."""
    if not worker.qualified or worker.qualification_date is None:
        return Grade.FSW
    if worker.role in SENIOR_ROLES:
        return Grade.SENIOR
    qualified = worker.qualification_date
    asye_months = policy.experience.asye_months
    started_newly_qualified = worker.start_date < add_months(qualified, asye_months)
    asye_ends = add_months(max(qualified, worker.start_date), asye_months)
    if started_newly_qualified and as_at < asye_ends:
        return Grade.ASYE
    if as_at < add_months(qualified, 12 * policy.experience.experienced_years):
        return Grade.SW
    return Grade.EXPERIENCED_SW


def case_capacity(
    worker: WorkerFacts, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> float:
    """R-CL-3: FTE × (points per FTE − non-case reserve), × the ASYE or FSW factor, reduced pro
    rata by planned absence in the absence window starting at `as_at`."""
    rules = policy.caseload
    capacity = worker.fte * (rules.points_per_fte - rules.non_case_reserve_points)
    grade = experience_grade(worker, as_at, policy)
    if grade == Grade.ASYE:
        capacity *= rules.asye_capacity_factor
    elif grade == Grade.FSW:
        capacity *= rules.fsw_capacity_factor
    return capacity * (1 - absent_fraction(worker, as_at, policy, calendar))


def absent_fraction(
    worker: WorkerFacts, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> float:
    """Share of the working days in the window (as_at plus the next N−1 working days) on which
    the worker is on planned absence."""
    window = policy.caseload.absence_window_working_days
    if not worker.absences or window <= 0:
        return 0.0
    first = as_at if calendar.is_working_day(as_at) else calendar.add(as_at, 1)
    days = [first, *(calendar.add(first, n) for n in range(1, window))]
    absent = sum(1 for day in days if any(a.start <= day <= a.end for a in worker.absences))
    return absent / window
