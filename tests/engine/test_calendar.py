"""R-WD-1..3: the working-day calendar (domain.md §3)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.policy import CalendarPolicy, Policy

ENGLAND = WorkingDayCalendar.england()

# numpy is the independent oracle named by R-WD-2.
NUMPY_CALENDAR = np.busdaycalendar(holidays=np.array(ENGLAND.closures(), dtype="datetime64[D]"))

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2044, 12, 31))
DAYS = st.integers(min_value=0, max_value=400)
# database=None: no .hypothesis/ folder left in the work tree.
PROPERTY = settings(max_examples=500, database=None, deadline=None)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # domain.md §3 worked examples
        pytest.param(date(2022, 9, 16), date(2022, 9, 20), 1, id="state-funeral-2022"),
        pytest.param(date(2010, 12, 24), date(2010, 12, 29), 1, id="substitute-christmas-2010"),
        pytest.param(date(2023, 4, 3), date(2023, 6, 9), 44, id="coronation-spring-2023"),
        pytest.param(date(2011, 4, 21), date(2011, 5, 3), 4, id="royal-wedding-2011"),
        # the shape of the count
        pytest.param(date(2023, 4, 3), date(2023, 4, 3), 0, id="same-day"),
        pytest.param(date(2023, 3, 10), date(2023, 3, 13), 1, id="friday-to-monday"),
        pytest.param(date(2023, 3, 11), date(2023, 3, 12), 0, id="saturday-to-sunday"),
        pytest.param(date(2023, 3, 11), date(2023, 3, 13), 1, id="saturday-to-monday"),
        pytest.param(date(2023, 3, 10), date(2023, 3, 11), 0, id="friday-to-saturday"),
        pytest.param(date(2024, 2, 28), date(2024, 3, 1), 2, id="leap-day-2024"),
        pytest.param(date(2023, 1, 31), date(2023, 2, 1), 1, id="month-end"),
        pytest.param(date(2023, 12, 29), date(2024, 1, 2), 1, id="new-year-2024"),
        # 2021: Christmas Saturday, Boxing Day Sunday, substitutes 27th and 28th; then 29-31.
        pytest.param(date(2021, 12, 24), date(2021, 12, 31), 3, id="weekend-christmas-2021"),
        # 2002: spring bank holiday moved to 4 June beside the Golden Jubilee on 3 June.
        pytest.param(date(2002, 5, 31), date(2002, 6, 5), 1, id="golden-jubilee-2002"),
        pytest.param(date(2012, 6, 1), date(2012, 6, 6), 1, id="diamond-jubilee-2012"),
        pytest.param(date(2022, 6, 1), date(2022, 6, 6), 1, id="platinum-jubilee-2022"),
    ],
)
def test_r_wd_2_elapsed_working_days(start: date, end: date, expected: int) -> None:
    """R-WD-2: working days after start up to and including end."""
    assert ENGLAND.elapsed(start, end) == expected


def test_r_wd_2_elapsed_backwards_is_negative() -> None:
    """R-WD-2: end before start counts the other way, so spans add up in any order."""
    assert ENGLAND.elapsed(date(2022, 9, 20), date(2022, 9, 16)) == -1


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # domain.md §3: Good Friday, Easter Monday, 1 May, 8 May coronation, 29 May skipped.
        pytest.param(date(2023, 4, 3), 45, date(2023, 6, 12), id="single-assessment-2023"),
        pytest.param(date(2023, 4, 3), 0, date(2023, 4, 3), id="zero-days"),
        pytest.param(date(2022, 9, 16), 1, date(2022, 9, 20), id="over-state-funeral"),
        pytest.param(date(2010, 12, 24), 1, date(2010, 12, 29), id="over-substitute-christmas"),
        pytest.param(date(2011, 4, 21), 4, date(2011, 5, 3), id="over-royal-wedding"),
        pytest.param(date(2023, 3, 11), 1, date(2023, 3, 13), id="from-saturday"),
        pytest.param(date(2023, 5, 8), 1, date(2023, 5, 9), id="from-a-bank-holiday"),
        pytest.param(date(2023, 3, 10), 5, date(2023, 3, 17), id="one-week"),
    ],
)
def test_r_wd_3_due_date(start: date, days: int, expected: date) -> None:
    """R-WD-3: the due date is the Nth working day after the start."""
    assert ENGLAND.add(start, days) == expected


def test_r_wd_3_negative_days_rejected() -> None:
    """R-WD-3: a limit is never negative."""
    with pytest.raises(ValueError, match="must not be negative"):
        ENGLAND.add(date(2023, 4, 3), -1)


@pytest.mark.parametrize(
    "day",
    [
        date(2011, 4, 29),  # Royal Wedding
        date(2012, 6, 4),  # spring bank holiday, moved
        date(2012, 6, 5),  # Diamond Jubilee
        date(2022, 6, 2),  # spring bank holiday, moved
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        date(2023, 5, 8),  # Coronation of Charles III
        date(2002, 6, 3),  # Golden Jubilee
        date(2002, 6, 4),  # spring bank holiday, moved
        date(2020, 5, 8),  # early May bank holiday moved to VE Day
        date(2010, 12, 27),  # substitute for Christmas Day
        date(2010, 12, 28),  # substitute for Boxing Day
        date(2024, 12, 25),
        date(2045, 12, 26),
    ],
)
def test_r_wd_1_bank_holidays_are_closures(day: date) -> None:
    """R-WD-1: England & Wales bank holidays, one-off days included, are not working days."""
    assert not ENGLAND.is_working_day(day)
    assert day in ENGLAND.closures()


@pytest.mark.parametrize(
    "day",
    [
        date(2012, 5, 28),  # the usual spring bank holiday date, moved to 4 June that year
        date(2022, 5, 30),  # likewise, moved to 2 June
        date(2020, 5, 4),  # the usual early May date, moved to 8 May
        date(2023, 12, 27),
        date(2024, 2, 29),
    ],
)
def test_r_wd_1_ordinary_weekdays_are_working_days(day: date) -> None:
    """R-WD-1: a weekday that is not a bank holiday is a working day."""
    assert ENGLAND.is_working_day(day)


def test_r_wd_1_weekend_christmas_not_a_closure() -> None:
    """R-WD-1: the weekend date of a substituted Christmas is dropped, never counted twice."""
    assert date(2021, 12, 25) not in ENGLAND.closures()
    assert date(2021, 12, 26) not in ENGLAND.closures()
    assert all(day.weekday() < 5 for day in ENGLAND.closures())


def test_r_wd_1_weekend_is_not_working() -> None:
    """R-WD-1: Saturdays and Sundays are never working days."""
    assert not ENGLAND.is_working_day(date(2023, 3, 11))
    assert not ENGLAND.is_working_day(date(2023, 3, 12))


def test_r_wd_1_council_extra_closure_day() -> None:
    """R-WD-1: a council closure day on a normal working day takes one day off a span."""
    council = WorkingDayCalendar.england(extra_closures=[date(2023, 12, 27)])
    assert ENGLAND.elapsed(date(2023, 12, 22), date(2023, 12, 29)) == 3
    assert council.elapsed(date(2023, 12, 22), date(2023, 12, 29)) == 2
    assert not council.is_working_day(date(2023, 12, 27))


def test_r_wd_1_extra_closure_on_a_weekend_changes_nothing() -> None:
    """R-WD-1: a council closure on a Saturday is already a non-working day."""
    council = WorkingDayCalendar.england(extra_closures=[date(2023, 12, 30)])
    assert council.closures() == ENGLAND.closures()
    # 27, 28, 29 Dec, (1 Jan bank holiday), 2, 3 Jan
    assert council.elapsed(date(2023, 12, 22), date(2024, 1, 3)) == 5


def test_r_wd_1_calendar_for_policy() -> None:
    """R-WD-1: the policy's extra closure days reach the calendar."""
    policy = Policy(calendar=CalendarPolicy(extra_closure_days=(date(2023, 12, 27),)))
    council = WorkingDayCalendar.for_policy(policy)
    assert not council.is_working_day(date(2023, 12, 27))
    assert WorkingDayCalendar.for_policy(Policy()) is ENGLAND


def test_r_wd_1_one_calendar_per_closure_set() -> None:
    """R-WD-1: calendars are cached per distinct extra-closure set, whatever the order."""
    a = WorkingDayCalendar.england(extra_closures=[date(2023, 12, 27), date(2023, 12, 28)])
    b = WorkingDayCalendar.england(extra_closures=(date(2023, 12, 28), date(2023, 12, 27)))
    assert a is b
    assert a is not ENGLAND
    assert WorkingDayCalendar.england() is ENGLAND


def test_r_wd_1_plain_calendar_without_closures() -> None:
    """R-WD-1: with no closures, working days are Monday to Friday."""
    plain = WorkingDayCalendar([])
    assert plain.closures() == ()
    assert plain.elapsed(date(2022, 9, 16), date(2022, 9, 20)) == 2
    assert plain.add(date(2022, 9, 16), 1) == date(2022, 9, 19)


def test_r_wd_1_closures_sorted_and_unique() -> None:
    """R-WD-1: closures come back once each, in date order, weekends dropped."""
    cal = WorkingDayCalendar(
        [date(2023, 5, 8), date(2023, 5, 1), date(2023, 5, 8), date(2023, 5, 6)]
    )
    assert cal.closures() == (date(2023, 5, 1), date(2023, 5, 8))


@PROPERTY
@given(a=DATES, b=DATES, c=DATES)
def test_r_wd_2_elapsed_is_additive(a: date, b: date, c: date) -> None:
    """R-WD-2: elapsed(a, c) == elapsed(a, b) + elapsed(b, c) for any a, b, c."""
    assert ENGLAND.elapsed(a, c) == ENGLAND.elapsed(a, b) + ENGLAND.elapsed(b, c)


@PROPERTY
@given(a=DATES)
def test_r_wd_2_same_day_is_zero(a: date) -> None:
    """R-WD-2: same day = 0."""
    assert ENGLAND.elapsed(a, a) == 0


@PROPERTY
@given(a=DATES, b=DATES)
def test_r_wd_2_matches_numpy_busday_count(a: date, b: date) -> None:
    """R-WD-2: elapsed(A, B) == numpy.busday_count(A + 1 day, B + 1 day) for A <= B."""
    start, end = min(a, b), max(a, b)
    one = timedelta(days=1)
    expected = np.busday_count(start + one, end + one, busdaycal=NUMPY_CALENDAR)
    assert ENGLAND.elapsed(start, end) == int(expected)


@PROPERTY
@given(a=DATES, gap=DAYS)
def test_r_wd_2_matches_numpy_over_short_spans(a: date, gap: int) -> None:
    """R-WD-2: the numpy oracle again, over assessment-length spans."""
    b = a + timedelta(days=gap)
    one = timedelta(days=1)
    expected = np.busday_count(a + one, b + one, busdaycal=NUMPY_CALENDAR)
    assert ENGLAND.elapsed(a, b) == int(expected)


@PROPERTY
@given(a=DATES)
def test_r_wd_1_is_working_day_matches_numpy(a: date) -> None:
    """R-WD-1: is_working_day agrees with numpy.is_busday on the same closures."""
    assert ENGLAND.is_working_day(a) == bool(np.is_busday(a, busdaycal=NUMPY_CALENDAR))


@PROPERTY
@given(a=DATES, n=st.integers(min_value=1, max_value=400))
def test_r_wd_3_add_is_the_nth_working_day(a: date, n: int) -> None:
    """R-WD-3: add(a, n) is a working day n working days after a, and the first such day."""
    due = ENGLAND.add(a, n)
    assert ENGLAND.elapsed(a, due) == n
    assert ENGLAND.is_working_day(due)
    assert ENGLAND.elapsed(a, due - timedelta(days=1)) == n - 1
