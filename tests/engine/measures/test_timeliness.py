"""The timeliness family: assessments (R-TS-2..4, R-TS-10), ICPCs (R-TS-5), CP reviews (R-TS-6),
counted in working days (R-WD-2, R-WD-3). Hand-worked cases first, then a property test against
a row-by-row reference built on the scalar rules in `engine/timeliness.py`.
The property test and its reference are in `test_timeliness_reference.py`."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.engine.frames import CaseData
from oversight.engine.measures.timeliness import MEASURES, timeliness
from oversight.engine.policy import ClockStart, Policy
from oversight.engine.registry import REGISTRY, Context, Period, Result
from oversight.engine.timeliness import DURATION_BANDS, ICPC_BANDS
from tests.engine.measures.timeliness_frames import (
    CALENDAR,
    D,
    assessment,
    data,
    plan,
    referral,
    reviews,
    s47,
    timescales,
    worker,
)

POLICY = Policy()


def run(
    case_data: CaseData,
    as_at: dt.date,
    period: tuple[dt.date, dt.date] | None = None,
    policy: Policy = POLICY,
) -> dict[str, Result]:
    start, end = period or (D(as_at.year, 1, 1), as_at)
    return dict(timeliness(case_data, Context(as_at, Period(start, end), policy, CALENDAR)))


def numbers(result: Result) -> tuple[object, object, object, tuple[int, ...]]:
    return (result.value, result.numerator, result.denominator, result.cases)


def band_counts(result: Result) -> dict[str, int]:
    """The non-zero bands of a breakdown, as label → count."""
    return {
        key.removeprefix("band:"): int(sub.numerator or 0)
        for key, sub in result.breakdown.items()
        if key.startswith("band:") and sub.numerator
    }


# --- the registry ----------------------------------------------------------------------------

IDS = [
    "assessments.within_timescale_rate",
    "assessments.median_duration",
    "assessments.open_overdue",
    "assessments.open_due_soon",
    "assessments.overdue_missing_reason",
    "icpc.within_15wd_rate",
    "cp_reviews.on_time_rate",
    "data_quality.assessment_authorised_before_start",
    "data_quality.referral_after_assessment_start",
    "data_quality.icpc_before_strategy_discussion",
]


def test_every_measure_is_registered_in_the_family_with_its_rule() -> None:
    assert [m.id for m in MEASURES] == IDS
    assert all(REGISTRY.measures[i].family == "timeliness" for i in IDS)
    assert all(m.rule.split(",")[0] in m.definition for m in MEASURES)


def test_the_family_returns_every_measure_on_empty_data() -> None:
    results = run(data(), D(2023, 6, 30))
    assert list(results) == IDS
    assert numbers(results["assessments.within_timescale_rate"]) == (None, 0, 0, ())
    assert numbers(results["assessments.median_duration"]) == (None, None, 0, ())
    assert numbers(results["cp_reviews.on_time_rate"]) == (None, 0, 0, ())


# --- R-TS-4 / R-WD: the domain.md worked examples as assessments ------------------------------

# Single assessments started Monday 3 April 2023. 45 working days skip Good Friday (7 Apr), Easter
# Monday (10 Apr), 1 May, the coronation (8 May) and 29 May: due Monday 12 June 2023 (R-WD-3).
START = D(2023, 4, 3)
QUARTER = (D(2023, 4, 1), D(2023, 6, 30))


def test_r_ts_4_authorised_on_the_due_date_is_in_time_and_the_day_after_late() -> None:
    # 3 Apr → 12 Jun = 45 working days (in time, band 41-45); → 13 Jun = 46 (late, 46-50).
    results = run(
        data([assessment(1, START, D(2023, 6, 12)), assessment(2, START, D(2023, 6, 13))]),
        D(2023, 6, 30),
        QUARTER,
    )
    rate_ = results["assessments.within_timescale_rate"]
    assert numbers(rate_) == (50.0, 1, 2, (1,))
    assert band_counts(rate_) == {"41-45": 1, "46-50": 1}
    assert numbers(rate_.breakdown["kind:single"]) == (50.0, 1, 2, (1,))


def test_r_ts_4_rate_breaks_down_only_the_kinds_authorised_in_the_period() -> None:
    results = run(data([assessment(1, START, D(2023, 6, 12))]), D(2023, 6, 30), QUARTER)
    keys = [k for k in results["assessments.within_timescale_rate"].breakdown if "kind:" in k]
    assert keys == ["kind:single"]


def test_r_ts_10_every_duration_band_is_listed_even_when_empty() -> None:
    results = run(data([assessment(1, START, START)]), D(2023, 6, 30), QUARTER)
    breakdown = results["assessments.within_timescale_rate"].breakdown
    assert [k for k in breakdown if k.startswith("band:")] == [f"band:{b}" for b in DURATION_BANDS]
    # Authorised the day it started: 0 working days, the "same day" band.
    assert band_counts(results["assessments.within_timescale_rate"]) == {"same day": 1}


def test_r_wd_2_the_state_funeral_is_not_a_working_day() -> None:
    # Strategy discussion Tue 30 Aug 2022 (the 29th was the summer bank holiday). Working days
    # after it: 31 Aug … 16 Sep = 13, Mon 19 Sep is the State Funeral, 20 Sep = 14, 21 Sep = 15.
    # An ICPC on 21 Sep is therefore on time (it would be day 16 if the 19th counted).
    results = run(
        data(section47s=[s47(1, D(2022, 8, 30), D(2022, 9, 21))]),
        D(2022, 9, 30),
        (D(2022, 9, 1), D(2022, 9, 30)),
    )
    icpc = results["icpc.within_15wd_rate"]
    assert numbers(icpc) == (100.0, 1, 1, (1,))
    assert band_counts(icpc) == {"11-15": 1}


def test_r_wd_2_christmas_substitute_days_are_not_working_days() -> None:
    # Initial assessment (R-TS-2, 7 working days from the referral). Referral Mon 20 Dec 2010:
    # 21, 22, 23, 24 Dec = 4; Mon 27 and Tue 28 are the substitute Christmas and Boxing Day
    # holidays; 29, 30, 31 Dec = 5, 6, 7. Authorised Fri 31 Dec: exactly 7, in time.
    results = run(
        data(
            [assessment(1, D(2010, 12, 21), D(2010, 12, 31), kind="initial", referral=10)],
            referrals=[referral(10, D(2010, 12, 20), child=1)],
        ),
        D(2010, 12, 31),
        (D(2010, 12, 1), D(2010, 12, 31)),
    )
    assert numbers(results["assessments.within_timescale_rate"]) == (100.0, 1, 1, (1,))
    assert numbers(results["assessments.median_duration"]) == (7.0, 7.0, 1, ())


# --- R-TS-2..4: policy and clock start --------------------------------------------------------

# Initial assessment: referral Wed 1 Mar 2023, started 2 Mar, authorised Wed 15 Mar 2023:
# 2, 3, 6, 7, 8, 9, 10, 13, 14, 15 March = 10 working days from the referral.
INITIAL = data(
    [assessment(1, D(2023, 3, 2), D(2023, 3, 15), kind="initial", referral=10)],
    referrals=[referral(10, D(2023, 3, 1), child=1)],
)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (POLICY, (0.0, 0, 1, ())),  # R-TS-2 default 7 working days: 10 is late
        (timescales(initial_assessment_days=10), (100.0, 1, 1, (1,))),  # WT 2010's 10: in time
    ],
)
def test_r_ts_2_initial_assessment_limit_follows_the_policy(
    policy: Policy, expected: tuple[object, ...]
) -> None:
    results = run(INITIAL, D(2023, 3, 31), policy=policy)
    assert numbers(results["assessments.within_timescale_rate"]) == expected


# Single assessment: referral Fri 31 Mar 2023, started Mon 3 Apr, authorised Mon 12 Jun.
# From its start: 45 working days (in time). From the referral: 46 (late).
REFERRED_SINGLE = data(
    [
        assessment(1, START, D(2023, 6, 12), referral=10),
        assessment(2, START, D(2023, 6, 12), kind="core", referral=10),
    ],
    referrals=[referral(10, D(2023, 3, 31), child=1)],
)


def test_r_ts_4_single_assessment_runs_from_its_start_by_default() -> None:
    results = run(REFERRED_SINGLE, D(2023, 6, 30), QUARTER)
    rate_ = results["assessments.within_timescale_rate"]
    assert numbers(rate_.breakdown["kind:single"]) == (100.0, 1, 1, (1,))


def test_r_ts_4_single_assessment_runs_from_the_referral_when_the_policy_says_so() -> None:
    policy = timescales(single_assessment_clock_start=ClockStart.REFERRAL)
    rate_ = run(REFERRED_SINGLE, D(2023, 6, 30), QUARTER, policy)[
        "assessments.within_timescale_rate"
    ]
    assert numbers(rate_.breakdown["kind:single"]) == (0.0, 0, 1, ())
    assert band_counts(rate_) == {"41-45": 1, "46-50": 1}  # the core one: 45 from its own start


def test_r_ts_3_core_assessment_always_runs_from_its_start() -> None:
    # Core limit 35 working days; 3 Apr → 12 Jun is 45: late whichever clock start is set.
    policy = timescales(single_assessment_clock_start=ClockStart.REFERRAL)
    rate_ = run(REFERRED_SINGLE, D(2023, 6, 30), QUARTER, policy)[
        "assessments.within_timescale_rate"
    ]
    assert numbers(rate_.breakdown["kind:core"]) == (0.0, 0, 1, ())


def test_r_ts_2_a_referral_after_the_start_is_ignored_and_counted_as_data_quality() -> None:
    # Initial assessment started Wed 1 Mar 2023, its referral dated Fri 3 Mar, authorised Fri
    # 10 Mar: timed from its own start, 2..10 March = 7 working days, in time.
    results = run(
        data(
            [assessment(1, D(2023, 3, 1), D(2023, 3, 10), kind="initial", referral=10)],
            referrals=[referral(10, D(2023, 3, 3), child=1)],
        ),
        D(2023, 3, 31),
    )
    assert numbers(results["assessments.within_timescale_rate"]) == (100.0, 1, 1, (1,))
    assert numbers(results["data_quality.referral_after_assessment_start"]) == (1, 1, None, (1,))


def test_r_ts_2_a_referral_dated_after_as_at_is_not_yet_known() -> None:
    # Open initial assessment started 1 Mar; its referral is dated 20 Mar, after as_at (10 Mar):
    # not known yet, so no data-quality finding, and the clock runs from the start.
    results = run(
        data(
            [assessment(1, D(2023, 3, 1), kind="initial", referral=10)],
            referrals=[referral(10, D(2023, 3, 20), child=1)],
        ),
        D(2023, 3, 10),
    )
    assert numbers(results["data_quality.referral_after_assessment_start"]) == (0, 0, None, ())
    # 2..10 March = 7 working days: not overdue, 0 days left → due soon.
    assert results["assessments.open_due_soon"].value == 1


def test_r_ts_10_authorised_before_start_is_left_out_and_counted() -> None:
    # Assessment 2 claims authorisation before it started: it cannot be timed. The rate's
    # denominator plus this count is every assessment authorised in the period (1 + 1 = 2).
    results = run(
        data([assessment(1, START, D(2023, 6, 12)), assessment(2, START, D(2023, 4, 1))]),
        D(2023, 6, 30),
        QUARTER,
    )
    assert numbers(results["assessments.within_timescale_rate"]) == (100.0, 1, 1, (1,))
    assert results["assessments.median_duration"].denominator == 1
    assert numbers(results["data_quality.assessment_authorised_before_start"]) == (
        1,
        1,
        None,
        (2,),
    )


# --- R-TS-10: median ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("authorised", "median"),
    [
        # 3 Apr 2023 → 17 Apr = 8 (7, 10 Apr are holidays); → 12 Jun = 45; → 13 Jun = 46.
        ([D(2023, 4, 17), D(2023, 6, 12), D(2023, 6, 13)], 45.0),  # odd: the middle value
        ([D(2023, 4, 17), D(2023, 6, 12)], 26.5),  # even: (8 + 45) / 2
    ],
)
def test_r_ts_10_median_duration(authorised: list[dt.date], median: float) -> None:
    rows = [assessment(i, START, day) for i, day in enumerate(authorised, 1)]
    results = run(data(rows), D(2023, 6, 30), QUARTER)
    assert numbers(results["assessments.median_duration"]) == (median, median, len(rows), ())


# --- R-TS-10: open, due soon, overdue ---------------------------------------------------------


@pytest.mark.parametrize(
    ("as_at", "overdue", "due_soon"),
    [
        (D(2023, 6, 2), 0, 0),  # Fri: 6 working days left (5 Jun … 12 Jun), not due soon
        (D(2023, 6, 5), 0, 1),  # Mon: 5 left, due soon (≤ 5 by default)
        (D(2023, 6, 12), 0, 1),  # the due date itself: 0 left, still due soon, not overdue
        (D(2023, 6, 13), 1, 0),  # 46 working days elapsed: overdue
    ],
)
def test_r_ts_10_open_assessment_status_around_its_due_date(
    as_at: dt.date, overdue: int, due_soon: int
) -> None:
    results = run(data([assessment(1, START)]), as_at, QUARTER)
    assert results["assessments.open_overdue"].value == overdue
    assert results["assessments.open_due_soon"].value == due_soon


def test_r_ts_10_due_soon_window_follows_the_policy() -> None:
    # 2 Jun 2023: 6 working days left; due soon with a 6-day window.
    results = run(data([assessment(1, START)]), D(2023, 6, 2), QUARTER, timescales(due_soon_days=6))
    assert numbers(results["assessments.open_due_soon"]) == (1, 1, None, (1,))


@pytest.mark.parametrize(
    ("as_at", "authorised"),
    [
        (D(2023, 6, 14), D(2023, 6, 20)),  # authorised later in the period
        (D(2023, 6, 30), D(2023, 7, 1)),  # the day after as_at, after the period too
    ],
)
def test_r_ts_10_authorisation_after_as_at_is_still_open(
    as_at: dt.date, authorised: dt.date
) -> None:
    # As at the date the authorisation has not happened: open, and overdue (3 Apr → 14 Jun is
    # 47 working days, → 30 Jun 59); nothing authorised in the period yet.
    results = run(data([assessment(1, START, authorised)]), as_at, QUARTER)
    assert numbers(results["assessments.open_overdue"]) == (1, 1, None, (1,))
    assert numbers(results["assessments.within_timescale_rate"]) == (None, 0, 0, ())


def test_r_ts_10_an_assessment_starting_after_as_at_does_not_exist_yet() -> None:
    results = run(data([assessment(1, D(2023, 6, 15))]), D(2023, 6, 14), QUARTER)
    assert results["assessments.open_due_soon"].value == 0
    assert results["assessments.open_overdue"].value == 0


def test_r_ts_10_data_quality_ignores_an_assessment_starting_after_as_at() -> None:
    # Starts 20 Jun, "authorised" 12 Jun: as at 14 Jun the assessment does not exist yet.
    results = run(data([assessment(1, D(2023, 6, 20), D(2023, 6, 12))]), D(2023, 6, 14), QUARTER)
    assert results["data_quality.assessment_authorised_before_start"].value == 0


def test_r_ts_10_overdue_breaks_down_by_worker_and_team() -> None:
    # Workers 1 and 2 in teams 7 and 8; worker 3 is not in the workers frame (no team known);
    # assessment 5 is unallocated. All five are overdue as at 14 Jun 2023.
    rows = [
        assessment(1, START, worker=1),
        assessment(2, START, worker=1, child=1),  # the same child twice: one case, two rows
        assessment(3, START, worker=2),
        assessment(4, START, worker=3),
        assessment(5, START),
    ]
    results = run(data(rows, workers=[worker(1, 7), worker(2, 8)]), D(2023, 6, 14), QUARTER)
    overdue = results["assessments.open_overdue"]
    assert numbers(overdue) == (5, 5, None, (1, 3, 4, 5))
    assert {k: numbers(v) for k, v in overdue.breakdown.items()} == {
        "worker:1": (2, 2, None, (1,)),
        "worker:2": (1, 1, None, (3,)),
        "worker:3": (1, 1, None, (4,)),
        "worker:none": (1, 1, None, (5,)),
        "team:7": (2, 2, None, (1,)),
        "team:8": (1, 1, None, (3,)),
        "team:none": (2, 2, None, (4, 5)),
    }


def test_r_ts_10_due_soon_breaks_down_by_worker_and_team() -> None:
    results = run(
        data([assessment(1, START, worker=2)], workers=[worker(2, 8)]), D(2023, 6, 12), QUARTER
    )
    assert list(results["assessments.open_due_soon"].breakdown) == ["worker:2", "team:8"]


# --- R-TS-10: missing reasons for delay -------------------------------------------------------


def test_r_ts_10_late_assessments_without_a_reason_are_an_audit_finding() -> None:
    rows = [
        assessment(1, START, reason="  "),  # open, overdue, blank reason: finding
        assessment(2, START, reason="Family on holiday"),  # overdue with a reason
        assessment(3, START, D(2023, 6, 13)),  # authorised late (46) in the period, none: finding
        assessment(4, D(2023, 1, 3), D(2023, 3, 31)),  # late, but authorised before the period
        assessment(5, START, D(2023, 6, 12)),  # in time: needs no reason
        assessment(6, D(2023, 6, 1), reason=None),  # open, not yet overdue
    ]
    results = run(data(rows), D(2023, 6, 14), QUARTER)
    assert numbers(results["assessments.overdue_missing_reason"]) == (2, 2, None, (1, 3))


# --- R-TS-5: ICPCs ----------------------------------------------------------------------------


def test_r_ts_5_icpc_on_day_15_is_on_time_and_day_16_late() -> None:
    # Strategy discussion Wed 1 Mar 2023: 22 Mar is the 15th working day after it, 23 Mar the 16th.
    results = run(
        data(
            section47s=[
                s47(1, D(2023, 3, 1), D(2023, 3, 22)),
                s47(2, D(2023, 3, 1), D(2023, 3, 23)),
            ]
        ),
        D(2023, 3, 31),
        (D(2023, 3, 1), D(2023, 3, 31)),
    )
    icpc = results["icpc.within_15wd_rate"]
    assert numbers(icpc) == (50.0, 1, 2, (1,))
    assert band_counts(icpc) == {"11-15": 1, "16-20": 1}
    assert list(icpc.breakdown) == [f"band:{b}" for b in ICPC_BANDS]


def test_r_ts_5_icpc_limit_follows_the_policy() -> None:
    results = run(
        data(section47s=[s47(2, D(2023, 3, 1), D(2023, 3, 23))]),
        D(2023, 3, 31),
        policy=timescales(icpc_days=16),
    )
    assert numbers(results["icpc.within_15wd_rate"]) == (100.0, 1, 1, (2,))


def test_r_ts_5_only_conferences_held_in_the_period_by_as_at_count() -> None:
    results = run(
        data(
            section47s=[
                s47(1, D(2023, 2, 1), D(2023, 2, 20)),  # held before the period
                s47(2, D(2023, 3, 1), D(2023, 3, 22), not_required=True),  # flagged not needed
                s47(3, D(2023, 3, 1), None),  # not held
                s47(4, D(2023, 3, 1), D(2023, 3, 20)),  # held after as_at (15 Mar)
                s47(5, D(2023, 3, 1), D(2023, 3, 8), not_required=None),  # held, flag unknown
            ]
        ),
        D(2023, 3, 15),
        (D(2023, 3, 1), D(2023, 3, 31)),
    )
    assert numbers(results["icpc.within_15wd_rate"]) == (100.0, 1, 1, (5,))


def test_r_ts_5_icpc_before_its_strategy_discussion_is_left_out_and_counted() -> None:
    results = run(
        data(section47s=[s47(1, D(2023, 3, 10), D(2023, 3, 9))]),
        D(2023, 3, 31),
    )
    assert numbers(results["icpc.within_15wd_rate"]) == (None, 0, 0, ())
    assert numbers(results["data_quality.icpc_before_strategy_discussion"]) == (1, 1, None, (1,))


def test_r_ts_5_an_enquiry_whose_strategy_discussion_is_after_as_at_is_not_known() -> None:
    # Strategy discussion 20 Mar, "ICPC" 9 Mar; as at 15 Mar the enquiry has not begun.
    results = run(
        data(section47s=[s47(1, D(2023, 3, 20), D(2023, 3, 9))]),
        D(2023, 3, 15),
        (D(2023, 3, 1), D(2023, 3, 31)),
    )
    assert results["data_quality.icpc_before_strategy_discussion"].value == 0


# --- R-TS-6: CP reviews ------------------------------------------------------------------------

YEAR_2023 = (D(2023, 1, 1), D(2023, 12, 31))


def cp_rate(case_data: CaseData, as_at: dt.date, period: tuple[dt.date, dt.date]) -> Result:
    return run(case_data, as_at, period)["cp_reviews.on_time_rate"]


def test_r_ts_6_first_review_on_the_3_month_deadline_is_on_time() -> None:
    # Plan (ICPC) 10 Jan 2023: first review due by 10 Apr 2023, held that day. The next deadline
    # (10 Oct) is after as_at (30 Jun), so only one counts.
    case_data = data(plans=[plan(1, D(2023, 1, 10))], reviews=reviews(1, D(2023, 4, 10)))
    assert numbers(cp_rate(case_data, D(2023, 6, 30), YEAR_2023)) == (100.0, 1, 1, ())


def test_r_ts_6_the_next_deadline_runs_from_a_late_review() -> None:
    # Plan 10 Jan 2023; first deadline 10 Apr missed (review held 2 May). The next deadline runs
    # from the late review: 2 Nov 2023; held 30 Oct, met. 2 deadlines, 1 met; child 1 missed one.
    case_data = data(
        plans=[plan(1, D(2023, 1, 10))], reviews=reviews(1, D(2023, 5, 2), D(2023, 10, 30))
    )
    assert numbers(cp_rate(case_data, D(2023, 12, 31), YEAR_2023)) == (50.0, 1, 2, (1,))


def test_r_ts_6_a_review_held_late_meets_the_next_deadline_counted_from_it() -> None:
    # Same plan, second review 20 Oct: it would miss a deadline counted from the missed one
    # (10 Oct), but the deadline runs from 2 May (→ 2 Nov), so it is met.
    case_data = data(
        plans=[plan(1, D(2023, 1, 10))], reviews=reviews(1, D(2023, 5, 2), D(2023, 10, 20))
    )
    assert numbers(cp_rate(case_data, D(2023, 12, 31), YEAR_2023)) == (50.0, 1, 2, (1,))


def test_r_ts_6_an_unmet_deadline_stays_the_one_outstanding() -> None:
    # No review at all: the 10 Apr deadline is missed once; no further deadlines (10 Oct) are
    # invented while it stays unmet.
    case_data = data(plans=[plan(1, D(2023, 1, 10))])
    assert numbers(cp_rate(case_data, D(2023, 12, 31), YEAR_2023)) == (0.0, 0, 1, (1,))


@pytest.mark.parametrize(
    ("review", "expected"),
    [
        (D(2024, 2, 29), (100.0, 1, 1, ())),  # 30 Nov 2023 + 3 months = 29 Feb 2024 (leap day)
        (D(2024, 3, 1), (0.0, 0, 1, (1,))),  # a day late
    ],
)
def test_r_ts_6_months_clip_to_the_leap_day(review: dt.date, expected: tuple[object, ...]) -> None:
    case_data = data(plans=[plan(1, D(2023, 11, 30))], reviews=reviews(1, review))
    assert numbers(cp_rate(case_data, D(2024, 3, 31), (D(2024, 1, 1), D(2024, 3, 31)))) == expected


def test_r_ts_6_six_months_from_a_leap_day_review() -> None:
    # Review 29 Feb 2024 → next deadline 29 Aug 2024; held 30 Aug: missed.
    case_data = data(
        plans=[plan(1, D(2023, 11, 30))], reviews=reviews(1, D(2024, 2, 29), D(2024, 8, 30))
    )
    assert numbers(cp_rate(case_data, D(2024, 9, 30), (D(2024, 1, 1), D(2024, 9, 30)))) == (
        50.0,
        1,
        2,
        (1,),
    )


@pytest.mark.parametrize(
    ("end", "due"),
    [
        (D(2023, 3, 20), 0),  # plan ended before the 10 Apr deadline: nothing due
        (D(2023, 4, 10), 0),  # ended on the deadline day: not before it, nothing due
        (D(2023, 4, 11), 1),  # ended the day after: the deadline counts (missed)
        (D(2023, 7, 1), 1),  # an end after as_at (30 Jun) has not happened yet
    ],
)
def test_r_ts_6_deadlines_count_only_before_the_plan_ends(end: dt.date, due: int) -> None:
    case_data = data(plans=[plan(1, D(2023, 1, 10), end)])
    assert cp_rate(case_data, D(2023, 6, 30), YEAR_2023).denominator == due


def test_r_ts_6_a_review_on_the_plan_start_day_is_not_the_first_review() -> None:
    case_data = data(plans=[plan(1, D(2023, 1, 10))], reviews=reviews(1, D(2023, 1, 10)))
    assert numbers(cp_rate(case_data, D(2023, 6, 30), YEAR_2023)) == (0.0, 0, 1, (1,))


def test_r_ts_6_a_review_after_as_at_has_not_happened() -> None:
    case_data = data(plans=[plan(1, D(2023, 1, 10))], reviews=reviews(1, D(2023, 4, 6)))
    # As at 5 Apr: no deadline yet (10 Apr). As at 30 Apr, the 6 Apr review is known: met.
    assert cp_rate(case_data, D(2023, 4, 5), YEAR_2023).denominator == 0
    assert numbers(cp_rate(case_data, D(2023, 4, 30), YEAR_2023)) == (100.0, 1, 1, ())


def test_r_ts_6_only_deadlines_in_the_period_count() -> None:
    # Deadline 10 Apr (missed) falls before a May–June period; nothing is due in it.
    case_data = data(plans=[plan(1, D(2023, 1, 10))])
    assert cp_rate(case_data, D(2023, 6, 30), (D(2023, 5, 1), D(2023, 6, 30))).denominator == 0


def test_r_ts_6_review_months_follow_the_policy() -> None:
    # First review within 4 months (10 May), held 2 May: met.
    case_data = data(plans=[plan(1, D(2023, 1, 10))], reviews=reviews(1, D(2023, 5, 2)))
    results = run(case_data, D(2023, 6, 30), YEAR_2023, timescales(first_cp_review_months=4))
    assert numbers(results["cp_reviews.on_time_rate"]) == (100.0, 1, 1, ())
