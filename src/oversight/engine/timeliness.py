"""Assessment timeliness as at a date (domain.md §4: R-TS-2..4, R-TS-10, DfE bands).

Only facts known at `as_at` are used: an assessment started later does not exist yet, and one
authorised later is still open. That keeps a report re-run for a past date identical to the one
that was run on it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.policy import ClockStart, Policy


class AssessmentKind(StrEnum):
    """R-TS-2..4: the assessment type, which also picks its framework (2010 or current)."""

    INITIAL = "initial"  # R-TS-2, 2010 framework
    CORE = "core"  # R-TS-3, 2010 framework
    SINGLE = "single"  # R-TS-4, 2013 onward


class TimelinessState(StrEnum):
    """R-TS-10: where an assessment stands as at a date."""

    COMPLETED_IN_TIME = "completed_in_time"
    COMPLETED_LATE = "completed_late"
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


OPEN_STATES = frozenset({TimelinessState.OPEN, TimelinessState.DUE_SOON, TimelinessState.OVERDUE})

# R-TS-10: the DfE reporting bands, labelled exactly as reports print them. Each band's upper
# bound (inclusive) sits in the parallel tuple; the last band is open-ended.
DURATION_BANDS: tuple[str, ...] = (
    "same day",
    "1-10",
    "11-20",
    "21-30",
    "31-40",
    "41-45",
    "46-50",
    "51-60",
    "61+",
)
_DURATION_UPPER: tuple[int, ...] = (0, 10, 20, 30, 40, 45, 50, 60)

ICPC_BANDS: tuple[str, ...] = ("0-10", "11-15", "16-20", "21+")
_ICPC_UPPER: tuple[int, ...] = (10, 15, 20)


@dataclass(frozen=True)
class AssessmentFacts:
    """R-TS-10: what the engine needs to know about one assessment."""

    assessment_id: int
    child_id: int
    worker_id: int | None
    kind: AssessmentKind
    start: date
    referral_date: date | None
    authorised: date | None
    delay_reason: str = ""

    def __post_init__(self) -> None:
        # Impossible orderings would give negative working days and nonsense bands; the CIN
        # census rejects them too, so reject them here rather than report them.
        if self.authorised is not None and self.authorised < self.start:
            raise ValueError(
                f"assessment {self.assessment_id}: authorised {self.authorised} "
                f"is before its start {self.start}"
            )


@dataclass(frozen=True)
class AssessmentStatus:
    """R-TS-10: one assessment's timeliness as at a date, with its DfE duration band."""

    facts: AssessmentFacts
    limit_days: int
    clock_start: date
    due_date: date
    state: TimelinessState
    # Working days from clock start to authorisation (if authorised by as_at), else to as_at.
    elapsed_days: int
    # Open and not overdue: working days from as_at to the due date (0 when due today).
    days_left: int | None
    # Overdue: working days past the limit.
    days_overdue: int | None
    band: str
    # Overdue or completed late with no recorded reason: an audit finding in itself.
    missing_delay_reason: bool


def limit_for(kind: AssessmentKind, policy: Policy) -> int:
    """R-TS-2..4: the working-day limit for an assessment type under the policy."""
    timescales = policy.timescales
    match kind:
        case AssessmentKind.INITIAL:
            return timescales.initial_assessment_days
        case AssessmentKind.CORE:
            return timescales.core_assessment_days
        case AssessmentKind.SINGLE:
            return timescales.single_assessment_days


def clock_start_for(facts: AssessmentFacts, policy: Policy) -> date:
    """R-TS-2: an initial assessment runs from the referral (when known). R-TS-4 'Clock
    start': a single assessment runs from the referral when configured, else from its start.
    A core assessment (R-TS-3) always runs from its own start."""
    # A referral recorded after the assessment started is a data-quality problem, not a reason to
    # stop the clock: the assessment's own start is used then.
    referral = facts.referral_date
    if referral is None or referral > facts.start:
        return facts.start
    if facts.kind is AssessmentKind.INITIAL:
        return referral
    if (
        facts.kind is AssessmentKind.SINGLE
        and policy.timescales.single_assessment_clock_start is ClockStart.REFERRAL
    ):
        return referral
    return facts.start


def duration_band(elapsed: int) -> str:
    """R-TS-10: the DfE duration band for a number of elapsed working days (R-WD-2)."""
    if elapsed < 0:
        raise ValueError(f"elapsed working days must not be negative, got {elapsed}")
    return DURATION_BANDS[bisect_left(_DURATION_UPPER, elapsed)]


def icpc_band(elapsed: int) -> str:
    """R-TS-5: the ICPC timeliness band for a number of elapsed working days (R-WD-2)."""
    if elapsed < 0:
        raise ValueError(f"elapsed working days must not be negative, got {elapsed}")
    return ICPC_BANDS[bisect_left(_ICPC_UPPER, elapsed)]


def assessment_status(
    facts: AssessmentFacts,
    *,
    as_at: date,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> AssessmentStatus | None:
    """R-TS-10: the assessment's state as at a date; None if it had not started by then."""
    if facts.start > as_at:
        return None
    limit = limit_for(facts.kind, policy)
    clock_start = clock_start_for(facts, policy)
    due_date = calendar.add(clock_start, limit)
    days_left: int | None = None
    days_overdue: int | None = None
    if facts.authorised is not None and facts.authorised <= as_at:
        elapsed = calendar.elapsed(clock_start, facts.authorised)
        # "Within 45 working days" means elapsed <= 45 (R-WD-2).
        state = (
            TimelinessState.COMPLETED_IN_TIME
            if elapsed <= limit
            else TimelinessState.COMPLETED_LATE
        )
    else:
        elapsed = calendar.elapsed(clock_start, as_at)
        if elapsed > limit:
            state = TimelinessState.OVERDUE
            days_overdue = elapsed - limit
        else:
            days_left = calendar.elapsed(as_at, due_date)
            due_soon = days_left <= policy.timescales.due_soon_days
            state = TimelinessState.DUE_SOON if due_soon else TimelinessState.OPEN
    late = state in (TimelinessState.OVERDUE, TimelinessState.COMPLETED_LATE)
    return AssessmentStatus(
        facts=facts,
        limit_days=limit,
        clock_start=clock_start,
        due_date=due_date,
        state=state,
        elapsed_days=elapsed,
        days_left=days_left,
        days_overdue=days_overdue,
        band=duration_band(elapsed),
        missing_delay_reason=late and not facts.delay_reason.strip(),
    )


def _deadline_order(status: AssessmentStatus) -> tuple[int, int, int, int]:
    if status.days_overdue is not None:
        return (0, -status.days_overdue, 0, status.facts.assessment_id)
    return (1, 0, status.days_left or 0, status.facts.assessment_id)


def open_deadlines(
    facts: Iterable[AssessmentFacts],
    *,
    as_at: date,
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> list[AssessmentStatus]:
    """R-TS-10: open assessments as at a date, most overdue first, then fewest days left."""
    statuses = (assessment_status(f, as_at=as_at, policy=policy, calendar=calendar) for f in facts)
    open_statuses = [s for s in statuses if s is not None and s.state in OPEN_STATES]
    return sorted(open_statuses, key=_deadline_order)
