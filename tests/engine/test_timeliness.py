"""R-TS-2..4 and R-TS-10: assessment timeliness as at a date (domain.md §4)."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import oversight.engine.timeliness as timeliness_module
from oversight.engine import calendar as calendar_module
from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.policy import ClockStart, Policy, TimescalePolicy
from oversight.engine.timeliness import (
    DURATION_BANDS,
    ICPC_BANDS,
    AssessmentFacts,
    AssessmentKind,
    AssessmentStatus,
    TimelinessState,
    assessment_status,
    clock_start_for,
    duration_band,
    icpc_band,
    limit_for,
    open_deadlines,
)

ENGLAND = WorkingDayCalendar.england()
POLICY = Policy()
REFERRAL_POLICY = Policy(
    timescales=TimescalePolicy(single_assessment_clock_start=ClockStart.REFERRAL)
)

# A single assessment started Monday 3 April 2023. Its 45 working days skip Good Friday (7 Apr),
# Easter Monday (10 Apr), 1 May, the coronation (8 May) and 29 May: due Monday 12 June 2023.
START = date(2023, 4, 3)
DUE = date(2023, 6, 12)


def facts(**changes: Any) -> AssessmentFacts:
    base = AssessmentFacts(
        assessment_id=1,
        child_id=10,
        worker_id=100,
        kind=AssessmentKind.SINGLE,
        start=START,
        referral_date=None,
        authorised=None,
    )
    return replace(base, **changes)


def status(f: AssessmentFacts, as_at: date, policy: Policy = POLICY) -> AssessmentStatus:
    result = assessment_status(f, as_at=as_at, policy=policy, calendar=ENGLAND)
    assert result is not None
    return result


# --- completed assessments -------------------------------------------------------------------


def test_r_ts_4_completed_on_the_45th_day_is_in_time() -> None:
    """R-TS-4/R-TS-10: authorised on the 45th working day is within 45 working days."""
    s = status(facts(authorised=DUE), as_at=date(2023, 7, 1))
    assert s.state is TimelinessState.COMPLETED_IN_TIME
    assert s.elapsed_days == 45
    assert s.band == "41-45"
    assert s.due_date == DUE
    assert s.limit_days == 45
    assert s.clock_start == START
    assert s.days_left is None
    assert s.days_overdue is None
    assert s.missing_delay_reason is False


def test_r_ts_4_completed_on_the_46th_day_is_late() -> None:
    """R-TS-4/R-TS-10: authorised on the 46th working day is late; no reason is a finding."""
    s = status(facts(authorised=date(2023, 6, 13)), as_at=date(2023, 7, 1))
    assert s.state is TimelinessState.COMPLETED_LATE
    assert s.elapsed_days == 46
    assert s.band == "46-50"
    assert s.days_left is None
    assert s.days_overdue is None
    assert s.missing_delay_reason is True


def test_r_ts_10_completed_late_with_a_reason_is_not_a_finding() -> None:
    """R-TS-10: a recorded delay reason clears the audit finding."""
    f = facts(authorised=date(2023, 6, 13), delay_reason="Awaiting police checks")
    assert status(f, as_at=date(2023, 7, 1)).missing_delay_reason is False


def test_r_ts_10_blank_delay_reason_counts_as_missing() -> None:
    """R-TS-10: a reason of only spaces is no reason."""
    f = facts(authorised=date(2023, 6, 13), delay_reason="   ")
    assert status(f, as_at=date(2023, 7, 1)).missing_delay_reason is True


def test_r_ts_10_completed_same_day() -> None:
    """R-TS-10: authorised the day it started is 0 working days, band 'same day'."""
    s = status(facts(authorised=START), as_at=START)
    assert s.state is TimelinessState.COMPLETED_IN_TIME
    assert s.elapsed_days == 0
    assert s.band == "same day"


# --- open assessments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_at", "state", "elapsed", "days_left", "days_overdue"),
    [
        # Counting back from the due date (45th day, Mon 12 Jun): 9 Jun = 44, 8 Jun = 43,
        # 7 Jun = 42, 6 Jun = 41, Mon 5 Jun = 40, so 5 days left: due soon (<= 5).
        pytest.param(date(2023, 6, 5), TimelinessState.DUE_SOON, 40, 5, None, id="due-soon-5"),
        # Fri 2 Jun = 39: 6 days left, one more than the due-soon threshold.
        pytest.param(date(2023, 6, 2), TimelinessState.OPEN, 39, 6, None, id="open-6"),
        # 1 Jun = 38, 31 May = 37, Tue 30 May = 36, Mon 29 May is the spring bank holiday,
        # so Fri 26 May = 35: 10 days left, not 6 (6 left falls on Fri 2 Jun, above).
        pytest.param(date(2023, 5, 26), TimelinessState.OPEN, 35, 10, None, id="open-10"),
        # Saturday 10 Jun: still day 44 (Fri 9 Jun), 1 day left.
        pytest.param(date(2023, 6, 10), TimelinessState.DUE_SOON, 44, 1, None, id="weekend"),
        pytest.param(date(2023, 6, 12), TimelinessState.DUE_SOON, 45, 0, None, id="due-today"),
        pytest.param(date(2023, 6, 13), TimelinessState.OVERDUE, 46, None, 1, id="overdue-1"),
        # Tue 13 Jun = 46, Wed 14 Jun = 47: 2 working days over the limit.
        pytest.param(date(2023, 6, 14), TimelinessState.OVERDUE, 47, None, 2, id="overdue-2"),
        pytest.param(START, TimelinessState.OPEN, 0, 45, None, id="started-today"),
    ],
)
def test_r_ts_10_open_assessment(
    as_at: date,
    state: TimelinessState,
    elapsed: int,
    days_left: int | None,
    days_overdue: int | None,
) -> None:
    """R-TS-10: open / due soon / overdue, with working days left or over."""
    s = status(facts(), as_at=as_at)
    assert s.state is state
    assert s.due_date == DUE
    assert s.elapsed_days == elapsed
    assert s.days_left == days_left
    assert s.days_overdue == days_overdue
    assert s.band == duration_band(elapsed)


def test_r_ts_10_overdue_without_reason_is_a_finding() -> None:
    """R-TS-10: an overdue assessment with no recorded reason is an audit finding."""
    assert status(facts(), as_at=date(2023, 6, 14)).missing_delay_reason is True
    with_reason = facts(delay_reason="Family unavailable")
    assert status(with_reason, as_at=date(2023, 6, 14)).missing_delay_reason is False


def test_r_ts_10_open_in_time_is_not_a_finding() -> None:
    """R-TS-10: an assessment still within its limit needs no delay reason."""
    assert status(facts(), as_at=date(2023, 6, 5)).missing_delay_reason is False


def test_r_ts_10_due_soon_threshold_is_configurable() -> None:
    """R-TS-10: 'due soon' is within policy.timescales.due_soon_days working days."""
    policy = Policy(timescales=TimescalePolicy(due_soon_days=6))
    assert status(facts(), as_at=date(2023, 6, 2), policy=policy).state is TimelinessState.DUE_SOON


# --- time travel -----------------------------------------------------------------------------


def test_r_ts_10_not_started_by_as_at_is_unknown() -> None:
    """R-TS-10: an assessment that starts after as_at did not exist then: None."""
    assert (
        assessment_status(facts(), as_at=date(2023, 4, 2), policy=POLICY, calendar=ENGLAND) is None
    )


def test_r_ts_10_authorised_after_as_at_is_still_open() -> None:
    """R-TS-10: an authorisation after as_at was not known then, so the assessment is open."""
    s = status(facts(authorised=date(2023, 6, 13)), as_at=date(2023, 6, 5))
    assert s.state is TimelinessState.DUE_SOON
    assert s.elapsed_days == 40
    assert s.days_left == 5
    assert s.missing_delay_reason is False


# --- frameworks and limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "limit"),
    [
        pytest.param(AssessmentKind.INITIAL, 7, id="r-ts-2-initial"),
        pytest.param(AssessmentKind.CORE, 35, id="r-ts-3-core"),
        pytest.param(AssessmentKind.SINGLE, 45, id="r-ts-4-single"),
    ],
)
def test_r_ts_2_to_4_limits(kind: AssessmentKind, limit: int) -> None:
    """R-TS-2..4: the default working-day limit for each assessment type."""
    assert limit_for(kind, POLICY) == limit


@pytest.mark.parametrize(
    ("kind", "authorised", "state", "elapsed", "due"),
    [
        # Initial, 7 days from Mon 3 Apr: 4, 5, 6 Apr, (Good Friday, Easter Monday), 11, 12,
        # 13, 14 Apr = 7th working day.
        pytest.param(
            AssessmentKind.INITIAL,
            date(2023, 4, 14),
            TimelinessState.COMPLETED_IN_TIME,
            7,
            date(2023, 4, 14),
            id="r-ts-2-initial-in-time",
        ),
        pytest.param(
            AssessmentKind.INITIAL,
            date(2023, 4, 17),
            TimelinessState.COMPLETED_LATE,
            8,
            date(2023, 4, 14),
            id="r-ts-2-initial-late",
        ),
        # Core, 35 days: 10 days before the single assessment's 45th (12 Jun) is Fri 26 May.
        pytest.param(
            AssessmentKind.CORE,
            date(2023, 5, 26),
            TimelinessState.COMPLETED_IN_TIME,
            35,
            date(2023, 5, 26),
            id="r-ts-3-core-in-time",
        ),
        # Tue 30 May is the next working day after 26 May (29 May bank holiday).
        pytest.param(
            AssessmentKind.CORE,
            date(2023, 5, 30),
            TimelinessState.COMPLETED_LATE,
            36,
            date(2023, 5, 26),
            id="r-ts-3-core-late",
        ),
    ],
)
def test_r_ts_2_3_framework_2010_assessments(
    kind: AssessmentKind, authorised: date, state: TimelinessState, elapsed: int, due: date
) -> None:
    """R-TS-2/R-TS-3: initial (7) and core (35) assessments under the 2010 framework."""
    s = status(facts(kind=kind, authorised=authorised), as_at=date(2023, 7, 1))
    assert s.state is state
    assert s.elapsed_days == elapsed
    assert s.due_date == due


def test_r_ts_2_initial_limit_of_10_configurable() -> None:
    """R-TS-2: Working Together 2010 allowed 10 days; 8, 9, 10 = 17, 18, 19 Apr 2023."""
    policy = Policy(timescales=TimescalePolicy(initial_assessment_days=10))
    s = status(facts(kind=AssessmentKind.INITIAL), as_at=START, policy=policy)
    assert s.limit_days == 10
    assert s.due_date == date(2023, 4, 19)


# --- clock start -----------------------------------------------------------------------------


def test_r_ts_4_clock_start_from_referral_when_configured() -> None:
    """R-TS-4 clock start: referral → authorisation when the policy says so."""
    # Referral Mon 27 Mar; 27 Mar → 3 Apr is 5 working days, so 3 Apr → 12 Jun (45) becomes
    # 50 from the referral, and the due date is the 40th after 3 Apr: Mon 5 Jun.
    f = facts(referral_date=date(2023, 3, 27), authorised=DUE)
    s = status(f, as_at=date(2023, 7, 1), policy=REFERRAL_POLICY)
    assert s.clock_start == date(2023, 3, 27)
    assert s.due_date == date(2023, 6, 5)
    assert s.elapsed_days == 50
    assert s.state is TimelinessState.COMPLETED_LATE
    assert s.band == "46-50"


def test_r_ts_4_clock_start_defaults_to_assessment_start() -> None:
    """R-TS-4 clock start: by default (DfE statistics) the referral date is ignored."""
    f = facts(referral_date=date(2023, 3, 27), authorised=DUE)
    s = status(f, as_at=date(2023, 7, 1))
    assert s.clock_start == START
    assert s.state is TimelinessState.COMPLETED_IN_TIME


def test_r_ts_4_clock_start_falls_back_when_referral_unknown() -> None:
    """R-TS-4 clock start: with no referral date the assessment start is used."""
    assert clock_start_for(facts(), REFERRAL_POLICY) == START


def test_r_ts_4_referral_clock_start_applies_to_single_only() -> None:
    """R-TS-4 clock start: the setting is for the single assessment only."""
    f = facts(kind=AssessmentKind.CORE, referral_date=date(2023, 3, 27))
    assert clock_start_for(f, REFERRAL_POLICY) == START


# --- facts that cannot be true ---------------------------------------------------------------


def test_r_ts_10_authorised_before_start_rejected() -> None:
    """R-TS-10: an authorisation before the start cannot be timed."""
    with pytest.raises(ValueError, match="before its start"):
        facts(authorised=date(2023, 4, 2))


def test_r_ts_4_referral_after_start_falls_back_to_the_start() -> None:
    """R-TS-4: a referral dated after the assessment started (bad data) does not move the
    clock start later; the assessment's own start is used."""
    f = facts(referral_date=date(2023, 4, 4))
    assert clock_start_for(f, REFERRAL_POLICY) == START


# --- bands -----------------------------------------------------------------------------------


def test_r_ts_10_duration_band_labels() -> None:
    """R-TS-10: the DfE duration bands, in order, exactly as reports print them."""
    assert DURATION_BANDS == (
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


@pytest.mark.parametrize(
    ("elapsed", "band"),
    [
        (0, "same day"),
        (1, "1-10"),
        (10, "1-10"),
        (11, "11-20"),
        (20, "11-20"),
        (21, "21-30"),
        (30, "21-30"),
        (31, "31-40"),
        (40, "31-40"),
        (41, "41-45"),
        (45, "41-45"),
        (46, "46-50"),
        (50, "46-50"),
        (51, "51-60"),
        (60, "51-60"),
        (61, "61+"),
        (400, "61+"),
    ],
)
def test_r_ts_10_duration_band_edges(elapsed: int, band: str) -> None:
    """R-TS-10: DfE duration band edges."""
    assert duration_band(elapsed) == band


def test_r_ts_10_icpc_band_labels() -> None:
    """R-TS-5/R-TS-10: the ICPC bands, in order, exactly as reports print them."""
    assert ICPC_BANDS == ("0-10", "11-15", "16-20", "21+")


@pytest.mark.parametrize(
    ("elapsed", "band"),
    [
        (0, "0-10"),
        (10, "0-10"),
        (11, "11-15"),
        (15, "11-15"),
        (16, "16-20"),
        (20, "16-20"),
        (21, "21+"),
        (100, "21+"),
    ],
)
def test_r_ts_5_icpc_band_edges(elapsed: int, band: str) -> None:
    """R-TS-5/R-TS-10: ICPC band edges."""
    assert icpc_band(elapsed) == band


@pytest.mark.parametrize("band", [duration_band, icpc_band])
def test_r_ts_10_negative_elapsed_has_no_band(band: object) -> None:
    """R-TS-10: a negative span is a data error, not a band."""
    assert callable(band)
    with pytest.raises(ValueError, match="must not be negative"):
        band(-1)


# --- the deadline list -----------------------------------------------------------------------


def test_r_ts_10_open_deadlines_order() -> None:
    """R-TS-10: open assessments only, most overdue first, then fewest days left, then id."""
    single = AssessmentKind.SINGLE
    items = [
        facts(assessment_id=5, start=date(2023, 4, 3)),  # day 47: overdue 2
        facts(assessment_id=3, start=date(2023, 3, 27)),  # day 52: overdue 7
        facts(assessment_id=4, start=date(2023, 5, 2)),  # 16 left
        facts(assessment_id=2, start=date(2023, 5, 2)),  # 16 left, lower id first
        facts(assessment_id=9, start=date(2023, 4, 12)),  # day 42: 3 left, due soon
        facts(assessment_id=1, start=date(2023, 6, 1)),  # 36 left
        facts(  # completed: not a deadline
            assessment_id=7, kind=single, start=date(2023, 6, 5), authorised=date(2023, 6, 8)
        ),
        facts(assessment_id=8, start=date(2023, 6, 20)),  # not started yet
    ]
    result = open_deadlines(items, as_at=date(2023, 6, 14), policy=POLICY, calendar=ENGLAND)
    assert [s.facts.assessment_id for s in result] == [3, 5, 9, 2, 4, 1]
    assert [s.state for s in result] == [
        TimelinessState.OVERDUE,
        TimelinessState.OVERDUE,
        TimelinessState.DUE_SOON,
        TimelinessState.OPEN,
        TimelinessState.OPEN,
        TimelinessState.OPEN,
    ]
    assert [s.days_overdue for s in result] == [7, 2, None, None, None, None]
    assert [s.days_left for s in result] == [None, None, 3, 16, 16, 36]


def test_r_ts_10_open_deadlines_empty() -> None:
    """R-TS-10: no assessments, no deadlines."""
    assert open_deadlines([], as_at=START, policy=POLICY, calendar=ENGLAND) == []


# --- purity ----------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [calendar_module, timeliness_module])
def test_engine_modules_do_not_import_django(module: object) -> None:
    """Conventions: the engine is pure (R-WD, R-TS computed without Django)."""
    source = Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8")
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not any(name.split(".")[0] == "django" for name in imported)


def test_r_ts_2_initial_assessment_clock_runs_from_referral() -> None:
    """R-TS-2: 7 working days from referral, whatever the single-assessment setting."""
    f = facts(kind=AssessmentKind.INITIAL, referral_date=date(2023, 3, 31))
    assert clock_start_for(f, Policy()) == date(2023, 3, 31)
