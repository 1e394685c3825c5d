"""R-RR-1..5: re-referrals, NFA, contact conversion and possible misclassification.
The property test and its reference are in `test_referrals_reference.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from oversight.engine.measures.referrals import MEASURES
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy, ReferralPolicy
from oversight.engine.registry import REGISTRY, Result, count, rate
from tests.engine.measures.referrals_frames import (
    YEAR_END,
    YEAR_START,
    D,
    assessment,
    case_data,
    contact,
    measure,
    plan,
    referral,
    section47,
)


def window(**settings: Any) -> Policy:
    return Policy(referrals=ReferralPolicy(**settings))


# --- registration --------------------------------------------------------------------------------


def test_every_measure_is_registered_and_computed() -> None:
    results = measure(case_data())
    assert sorted(results) == sorted(m.id for m in MEASURES)
    assert all(REGISTRY.measures[m.id] == m for m in MEASURES)


def test_an_empty_period_gives_no_rate_rather_than_zero() -> None:
    results = measure(case_data())
    assert results["referrals.rereferral_rate"] == Result(None, 0, 0)
    assert results["referrals.count"] == count(0)


# --- R-RR-1: the window ---------------------------------------------------------------------------

MONTHS_12 = window()
MONTHS_1 = window(rereferral_window_months=1)
DAYS_365 = window(rereferral_window_days=365)
EXCLUSIVE = window(rereferral_window_inclusive=False)
EXCLUSIVE_365 = window(rereferral_window_days=365, rereferral_window_inclusive=False)


@pytest.mark.parametrize(
    ("earlier", "later", "policy", "rereferral"),
    [
        # add_months(2025-06-14, -12) = 2024-06-14: exactly 12 months before counts (≥).
        (D(2024, 6, 14), D(2025, 6, 14), MONTHS_12, True),
        # 12 months + 1 day before: outside.
        (D(2024, 6, 13), D(2025, 6, 14), MONTHS_12, False),
        # 12 months − 1 day before: inside.
        (D(2024, 6, 15), D(2025, 6, 14), MONTHS_12, True),
        # Leap day: the window of 2025-02-28 opens 2024-02-28, so 29 Feb 2024 is inside …
        (D(2024, 2, 29), D(2025, 2, 28), MONTHS_12, True),
        # … and so is 28 Feb 2024 (exactly 12 months), but not 27 Feb (12 months + 1 day).
        (D(2024, 2, 28), D(2025, 2, 28), MONTHS_12, True),
        (D(2024, 2, 27), D(2025, 2, 28), MONTHS_12, False),
        # The window of 2025-03-01 opens 2024-03-01: 29 Feb 2024 is one day too early.
        (D(2024, 2, 29), D(2025, 3, 1), MONTHS_12, False),
        # The window of 29 Feb 2024 opens 28 Feb 2023 (clipped), which counts; 27 Feb does not.
        (D(2023, 2, 28), D(2024, 2, 29), MONTHS_12, True),
        (D(2023, 2, 27), D(2024, 2, 29), MONTHS_12, False),
        # Month-end clipping with a 1-month window: 31 Mar 2024 opens 29 Feb 2024 …
        (D(2024, 2, 29), D(2024, 3, 31), MONTHS_1, True),
        (D(2024, 2, 28), D(2024, 3, 31), MONTHS_1, False),
        # … 31 May opens 30 April …
        (D(2024, 4, 30), D(2024, 5, 31), MONTHS_1, True),
        (D(2024, 4, 29), D(2024, 5, 31), MONTHS_1, False),
        # … and 30 April opens 30 March (not 31 March's month end: same day number).
        (D(2024, 3, 30), D(2024, 4, 30), MONTHS_1, True),
        (D(2024, 3, 29), D(2024, 4, 30), MONTHS_1, False),
        # 31 March 2025 opens 31 March 2024.
        (D(2024, 3, 31), D(2025, 3, 31), MONTHS_12, True),
        (D(2024, 3, 30), D(2025, 3, 31), MONTHS_12, False),
        # Same day: "earlier date < this date", so a same-day referral is never a re-referral.
        (D(2025, 1, 10), D(2025, 1, 10), MONTHS_12, False),
        # 365 days: 2024-06-14 → 2025-06-14 is 365 days (inside); 2024-06-13 is 366 (outside).
        (D(2024, 6, 14), D(2025, 6, 14), DAYS_365, True),
        (D(2024, 6, 13), D(2025, 6, 14), DAYS_365, False),
        # Across a leap day 365 days is one day short of 12 months: 2023-06-14 → 2024-06-14 is
        # 366 days, outside by days though exactly 12 months by months.
        (D(2023, 6, 14), D(2024, 6, 14), DAYS_365, False),
        (D(2023, 6, 14), D(2024, 6, 14), MONTHS_12, True),
        (D(2023, 6, 15), D(2024, 6, 14), DAYS_365, True),
        # Not inclusive: exactly 12 months no longer counts; a day later still does.
        (D(2024, 6, 14), D(2025, 6, 14), EXCLUSIVE, False),
        (D(2024, 6, 15), D(2025, 6, 14), EXCLUSIVE, True),
        (D(2024, 2, 28), D(2025, 2, 28), EXCLUSIVE, False),
        (D(2024, 2, 29), D(2025, 2, 28), EXCLUSIVE, True),
        # Not inclusive, 365 days: exactly 365 days out, 364 in.
        (D(2024, 6, 14), D(2025, 6, 14), EXCLUSIVE_365, False),
        (D(2024, 6, 15), D(2025, 6, 14), EXCLUSIVE_365, True),
    ],
)
def test_r_rr_1_window_edges(
    earlier: dt.date, later: dt.date, policy: Policy, rereferral: bool
) -> None:
    # The period holds only the later referral (and an earlier same-day one in the same-day row,
    # whose partner is then also in it: the ids decide nothing, both have no previous day).
    data = case_data([referral(1, 7, earlier), referral(2, 7, later)])
    results = measure(data, start=later, end=later, as_at=later, policy=policy)
    in_period = 2 if earlier == later else 1
    expected = 1 if rereferral else 0
    assert results["referrals.rereferral_rate"].numerator == expected
    assert results["referrals.rereferral_rate"].denominator == in_period


def test_r_rr_1_window_start_agrees_with_add_months() -> None:
    # The engine's month window is polars' offset_by; the scalar rule is periods.add_months.
    # 31 Mar 2025 − 12 months = 31 Mar 2024; 31 Mar 2024 − 13 months = 28 Feb 2023.
    assert add_months(D(2025, 3, 31), -12) == D(2024, 3, 31)
    policy = window(rereferral_window_months=13)
    data = case_data([referral(1, 7, D(2023, 2, 28)), referral(2, 7, D(2024, 3, 31))])
    results = measure(data, start=D(2024, 3, 31), end=D(2024, 3, 31), policy=policy)
    assert results["referrals.rereferral_rate"].numerator == 1


def test_r_rr_1_earlier_referral_before_the_period_still_counts() -> None:
    # 10 Jan 2024 is before the year (from 1 Apr 2024) but within 12 months of 1 May 2024.
    data = case_data([referral(1, 7, D(2024, 1, 10)), referral(2, 7, D(2024, 5, 1))])
    assert measure(data)["referrals.rereferral_rate"] == Result(
        100.0, 1, 1, (7,), {"source:1A": rate(1, 1, [7])}
    )


def test_r_rr_1_same_day_earlier_referral_is_not_a_rereferral() -> None:
    # Two referrals of child 7 on 1 May 2024, none before: 0 re-referrals of 2.
    data = case_data([referral(1, 7, D(2024, 5, 1)), referral(2, 7, D(2024, 5, 1))])
    assert measure(data)["referrals.rereferral_rate"].numerator == 0


def test_r_rr_1_both_same_day_referrals_after_an_earlier_one_are_rereferrals() -> None:
    # 1 Jan 2024, then two on 1 May 2024: each has the January referral before it → 2 of 2.
    data = case_data(
        [
            referral(1, 7, D(2024, 1, 1)),
            referral(2, 7, D(2024, 5, 1)),
            referral(3, 7, D(2024, 5, 1)),
        ]
    )
    result = measure(data)["referrals.rereferral_rate"]
    assert (result.numerator, result.denominator) == (2, 2)


def test_r_rr_1_the_unit_is_the_referral_and_other_children_do_not_count() -> None:
    # Child 7: 1 May, 1 Jun, 1 Jul 2024 (2 re-referrals); child 8: 1 Jun 2024 (none) → 2/4.
    data = case_data(
        [
            referral(1, 7, D(2024, 5, 1)),
            referral(2, 7, D(2024, 6, 1)),
            referral(3, 7, D(2024, 7, 1)),
            referral(4, 8, D(2024, 6, 1)),
        ]
    )
    assert measure(data)["referrals.rereferral_rate"].value == 50.0


def test_r_rr_1_child_ids_too_far_apart_to_pack_into_one_sort_key() -> None:
    # Children 2**61 and -2**61 with referrals 1 May and 1 Jun 2024: the packed (child, day)
    # key would overflow, so the engine sorts on the columns; child 2**61's June referral is a
    # re-referral, child -2**61's is not (its earlier one is another child's).
    big, small = 2**61, -(2**61)
    data = case_data(
        [
            referral(1, big, D(2024, 5, 1)),
            referral(2, small, D(2024, 5, 1)),
            referral(3, big, D(2024, 6, 1)),
            referral(4, small, D(2023, 1, 1)),
        ]
    )
    assert measure(data)["referrals.rereferral_rate"].cases == (big,)


def test_r_rr_1_facts_after_as_at_are_ignored() -> None:
    # As at 30 Jun 2024, the 1 Jul referral (re-referral or not) has not happened: 0/1 then.
    data = case_data([referral(1, 7, D(2024, 5, 1)), referral(2, 7, D(2024, 7, 1))])
    results = measure(data, as_at=D(2024, 6, 30))
    assert results["referrals.rereferral_rate"] == Result(0.0, 0, 1, (), {"source:1A": rate(0, 1)})
    assert results["referrals.count"] == count(1, [7])


# --- R-RR-2: the rates ----------------------------------------------------------------------------


def test_r_rr_2_count_is_referrals_in_the_period_with_their_children() -> None:
    # 31 Mar 2024 is before the year, 1 Apr 2025 after it: 3 referrals, children 7 and 8.
    data = case_data(
        [
            referral(1, 7, D(2024, 3, 31)),
            referral(2, 7, YEAR_START),
            referral(3, 8, D(2024, 9, 1)),
            referral(4, 8, YEAR_END),
            referral(5, 9, D(2025, 4, 1)),
        ]
    )
    assert measure(data, as_at=D(2025, 6, 1))["referrals.count"] == count(3, [7, 8])


def test_r_rr_2_rate_by_source() -> None:
    # Source 1A: child 7's second referral is a re-referral (1 of 2); source 6: 0 of 1;
    # no source: 1 of 1 (child 9, referred before the year).
    data = case_data(
        [
            referral(1, 7, D(2024, 5, 1), source="1A"),
            referral(2, 7, D(2024, 6, 1), source="1A"),
            referral(3, 8, D(2024, 6, 1), source="6"),
            referral(4, 9, D(2024, 3, 1), source="6"),
            referral(5, 9, D(2024, 8, 1), source=None),
        ]
    )
    result = measure(data)["referrals.rereferral_rate"]
    assert result == Result(
        50.0,
        2,
        4,
        (7, 9),
        {
            "source:1A": rate(1, 2, [7]),
            "source:6": rate(0, 1),
            "source:unknown": rate(1, 1, [9]),
        },
    )


def test_r_rr_2_child_based_rate() -> None:
    # Child 7: 3 referrals in the year (2 re-referrals); child 8: 1 (none) → children 1/2 = 50 %
    # while the referral rate is 2/4 = 50 % too; child 9's only in-year referral is a
    # re-referral of a 2024-03 one → children 2/3.
    data = case_data(
        [
            referral(1, 7, D(2024, 5, 1)),
            referral(2, 7, D(2024, 6, 1)),
            referral(3, 7, D(2024, 7, 1)),
            referral(4, 8, D(2024, 6, 1)),
            referral(5, 9, D(2024, 3, 1)),
            referral(6, 9, D(2024, 4, 1)),
        ]
    )
    assert measure(data)["referrals.rereferral_rate_children"] == rate(2, 3, [7, 9])


def test_r_rr_2_same_day_duplicates_are_a_data_quality_finding() -> None:
    # Child 7 twice on 1 May, child 8 three times on 2 Jun, child 9 once on each of two days.
    data = case_data(
        [
            referral(1, 7, D(2024, 5, 1)),
            referral(2, 7, D(2024, 5, 1)),
            referral(3, 8, D(2024, 6, 2)),
            referral(4, 8, D(2024, 6, 2)),
            referral(5, 8, D(2024, 6, 2)),
            referral(6, 9, D(2024, 6, 2)),
            referral(7, 9, D(2024, 6, 3)),
        ]
    )
    assert measure(data)["data_quality.rereferral_same_day_duplicates"] == count(5, [7, 8])


# --- R-RR-3: NFA and assessed, not in need --------------------------------------------------------


def test_r_rr_3_nfa_rate() -> None:
    # 1 NFA of 4 referrals in the year (the NFA one before the year and an unknown flag are no).
    data = case_data(
        [
            referral(1, 7, D(2024, 3, 1), nfa=True),
            referral(2, 7, D(2024, 5, 1), nfa=True),
            referral(3, 8, D(2024, 5, 1), nfa=False),
            referral(4, 9, D(2024, 5, 1), nfa=None),
            referral(5, 10, D(2024, 5, 1), nfa=False),
        ]
    )
    assert measure(data)["referrals.nfa_rate"] == rate(1, 4, [7])


def test_r_rr_3_assessed_not_in_need() -> None:
    # Authorised in the year: a1 (RC8 → yes), a2 (RC9 → yes), a3 (RC1 → no), a4 (RC8 closed
    # after as_at → not yet), a5 (no referral → no). a6 authorised before the year and a7 not
    # authorised are outside the denominator, a8 authorised after as_at too. → 2/5 = 40 %.
    as_at = D(2025, 1, 31)
    data = case_data(
        [
            referral(1, 7, D(2024, 5, 1), closed=D(2024, 6, 1), reason="RC8"),
            referral(2, 8, D(2024, 5, 1), closed=D(2024, 6, 1), reason="RC9"),
            referral(3, 9, D(2024, 5, 1), closed=D(2024, 6, 1), reason="RC1"),
            referral(4, 10, D(2024, 5, 1), closed=D(2025, 2, 1), reason="RC8"),
            referral(6, 12, D(2024, 1, 1), closed=D(2024, 6, 1), reason="RC8"),
        ],
        assessments=[
            assessment(1, 7, D(2024, 5, 2), referral_id=1, authorised=D(2024, 5, 30)),
            assessment(2, 8, D(2024, 5, 2), referral_id=2, authorised=D(2024, 5, 30)),
            assessment(3, 9, D(2024, 5, 2), referral_id=3, authorised=D(2024, 5, 30)),
            assessment(4, 10, D(2024, 5, 2), referral_id=4, authorised=D(2024, 5, 30)),
            assessment(5, 11, D(2024, 5, 2), authorised=D(2024, 5, 30)),
            assessment(6, 12, D(2024, 1, 2), referral_id=6, authorised=D(2024, 3, 1)),
            assessment(7, 7, D(2024, 7, 2), referral_id=1),
            assessment(8, 8, D(2025, 1, 2), referral_id=2, authorised=D(2025, 2, 1)),
        ],
    )
    assert measure(data, as_at=as_at)["referrals.assessed_not_in_need_rate"] == rate(2, 5, [7, 8])


# --- R-RR-4: contact conversion -------------------------------------------------------------------


def test_r_rr_4_contact_conversion_by_source() -> None:
    # In the year: police (6) 2 of 3 progressed, schools (2A) 0 of 1, no source 1 of 1;
    # a March 2024 contact is before the year and one after as_at is unknown → 3/5.
    data = case_data(
        contacts=[
            contact(1, 7, D(2024, 5, 1), "6", "REFERRAL"),
            contact(2, 8, D(2024, 5, 1), "6", "REFERRAL"),
            contact(3, 9, D(2024, 5, 1), "6", "NFA"),
            contact(4, 10, D(2024, 5, 1), "2A", "ADVICE"),
            contact(5, 11, D(2024, 5, 1), None, "REFERRAL"),
            contact(6, 12, D(2024, 3, 1), "2A", "REFERRAL"),
            contact(7, 13, D(2025, 3, 1), "2A", "REFERRAL"),
        ]
    )
    assert measure(data, as_at=D(2025, 2, 1))["referrals.contact_conversion_rate"] == Result(
        60.0,
        3,
        5,
        (7, 8, 11),
        {
            "source:2A": rate(0, 1),
            "source:6": rate(2, 3, [7, 8]),
            "source:unknown": rate(1, 1, [11]),
        },
    )


# --- R-RR-5: possible misclassification -----------------------------------------------------------

OPENED = D(2024, 5, 1)
CLOSED = D(2024, 5, 20)


@pytest.mark.parametrize(
    ("case", "activity", "misclassified"),
    [
        ("nothing during the episode", {}, True),
        ("not flagged NFA", {"nfa": False}, False),
        ("NFA flag unknown", {"nfa": None}, False),
        ("still open", {"closed": None}, False),
        ("closed after as_at", {"closed": D(2025, 4, 1)}, False),
        (
            "assessment linked by referral_id",
            {"assessments": [assessment(1, 7, D(2024, 9, 1), referral_id=1)]},
            False,
        ),
        (
            "assessment of the child started in the episode",
            {"assessments": [assessment(1, 7, D(2024, 5, 10))]},
            False,
        ),
        (
            "assessment started on the referral date",
            {"assessments": [assessment(1, 7, OPENED)]},
            False,
        ),
        (
            "assessment started on the closure date",
            {"assessments": [assessment(1, 7, CLOSED)]},
            False,
        ),
        (
            "assessment started the day after closure",
            {"assessments": [assessment(1, 7, D(2024, 5, 21))]},
            True,
        ),
        (
            "assessment of another child in the dates",
            {"assessments": [assessment(1, 8, D(2024, 5, 10))]},
            True,
        ),
        (
            "linked assessment starting after as_at",
            {"assessments": [assessment(1, 7, D(2025, 4, 2), referral_id=1)]},
            True,
        ),
        (
            "s47 linked by referral_id",
            {"section47s": [section47(1, 7, D(2024, 9, 1), referral_id=1)]},
            False,
        ),
        (
            "s47 strategy discussion in the episode",
            {"section47s": [section47(1, 7, D(2024, 5, 10))]},
            False,
        ),
        (
            "s47 the day before the referral",
            {"section47s": [section47(1, 7, D(2024, 4, 30))]},
            True,
        ),
        ("CP plan started in the episode", {"cp_plans": [plan(1, 7, D(2024, 5, 10))]}, False),
        ("CP plan started before the referral", {"cp_plans": [plan(1, 7, D(2024, 4, 1))]}, True),
    ],
)
def test_r_rr_5_possible_misclassification(
    case: str, activity: dict[str, Any], misclassified: bool
) -> None:
    # Child 7 referred 1 May 2024, closed 20 May with NFA, unless the case changes a detail.
    nfa = activity.get("nfa", True)
    closed = activity.get("closed", CLOSED)
    data = case_data(
        [referral(1, 7, OPENED, nfa=nfa, closed=closed)],
        assessments=activity.get("assessments", ()),
        section47s=activity.get("section47s", ()),
        cp_plans=activity.get("cp_plans", ()),
    )
    expected = count(1, [7]) if misclassified else count(0)
    result = measure(data)["referrals.possible_misclassification"]
    assert Result(result.value, result.numerator, result.denominator, result.cases) == expected, (
        case
    )


def test_r_rr_5_followed_by_rereferral() -> None:
    # Three NFA referrals closed with nothing done: child 7's is followed 12 months later to the
    # day (a re-referral); child 8's 12 months + 1 day later (not); child 9's within the window
    # but after as_at (not yet). Child 10 has a non-NFA referral followed by one.
    as_at = D(2025, 7, 1)
    data = case_data(
        [
            referral(1, 7, D(2024, 5, 1), nfa=True, closed=D(2024, 5, 2)),
            referral(2, 7, D(2025, 5, 1)),
            referral(3, 8, D(2024, 5, 1), nfa=True, closed=D(2024, 5, 2)),
            referral(4, 8, D(2025, 5, 2)),
            referral(5, 9, D(2024, 8, 1), nfa=True, closed=D(2024, 8, 2)),
            referral(6, 9, D(2025, 7, 2)),
            referral(7, 10, D(2024, 5, 1)),
            referral(8, 10, D(2024, 6, 1)),
        ]
    )
    result = measure(data, end=D(2024, 12, 31), as_at=as_at)["referrals.possible_misclassification"]
    assert result == Result(3, 3, None, (7, 8, 9), {"followed_by_rereferral": count(1, [7])})


def test_r_rr_5_rereferral_rate_excluding_misclassified() -> None:
    # In the year: child 7's re-referral follows an NFA-without-action referral dated before the
    # year (excluded); child 8's follows a referral with an assessment (kept); child 9's first.
    # As recorded 2/3; excluding misclassified 1/3.
    data = case_data(
        [
            referral(1, 7, D(2024, 2, 1), nfa=True, closed=D(2024, 2, 5)),
            referral(2, 7, D(2024, 6, 1)),
            referral(3, 8, D(2024, 2, 1), nfa=True, closed=D(2024, 2, 5)),
            referral(4, 8, D(2024, 6, 1)),
            referral(5, 9, D(2024, 6, 1)),
        ],
        assessments=[assessment(1, 8, D(2024, 2, 2), referral_id=3)],
    )
    results = measure(data)
    assert results["referrals.rereferral_rate"].numerator == 2
    assert results["referrals.rereferral_rate_excluding_misclassified"] == rate(1, 3, [8])


def test_r_rr_5_only_the_most_recent_earlier_referral_decides() -> None:
    # Child 7: an NFA-without-action referral in January, a referral with an assessment in March,
    # a re-referral in June. The most recent before June (March) was not misclassified: kept.
    data = case_data(
        [
            referral(1, 7, D(2024, 1, 1), nfa=True, closed=D(2024, 1, 5)),
            referral(2, 7, D(2024, 3, 1), nfa=True, closed=D(2024, 3, 5)),
            referral(3, 7, D(2024, 6, 1)),
        ],
        assessments=[assessment(1, 7, D(2024, 3, 2), referral_id=2)],
    )
    assert measure(data)["referrals.rereferral_rate_excluding_misclassified"] == rate(1, 1, [7])


@pytest.mark.parametrize(
    ("misclassified_id", "kept"),
    [
        # Two referrals of child 7 on 1 Mar; the tie goes to the higher referral_id (3).
        (3, 0),  # referral 3 is the misclassified one: the June re-referral is excluded
        (2, 1),  # referral 2 is: 3 (with an assessment) is the previous one, so it is kept
    ],
)
def test_r_rr_5_same_day_previous_referrals_tie_break_on_highest_id(
    misclassified_id: int, kept: int
) -> None:
    other = 5 - misclassified_id
    data = case_data(
        [
            referral(2, 7, D(2024, 3, 1), nfa=True, closed=D(2024, 3, 1)),
            referral(3, 7, D(2024, 3, 1), nfa=True, closed=D(2024, 3, 1)),
            referral(4, 7, D(2024, 6, 1)),
        ],
        assessments=[assessment(1, 7, D(2024, 9, 1), referral_id=other)],
    )
    result = measure(data)["referrals.rereferral_rate_excluding_misclassified"]
    assert (result.numerator, result.denominator) == (kept, 1)


def test_r_rr_5_a_closure_after_as_at_is_not_yet_a_misclassification() -> None:
    # The January referral is NFA but closes after as_at: the June re-referral stays in.
    data = case_data(
        [
            referral(1, 7, D(2024, 1, 1), nfa=True, closed=D(2024, 7, 1)),
            referral(2, 7, D(2024, 6, 1)),
        ]
    )
    results = measure(data, as_at=D(2024, 6, 30))
    assert results["referrals.rereferral_rate_excluding_misclassified"] == rate(1, 1, [7])
