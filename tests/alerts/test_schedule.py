"""When a digest is due (working days only, never twice, a missed weekly one caught up) and how
far "due soon" reaches (R-WD-1, R-WD-2, R-TS-10). Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.alerts.schedule import Cadence, digest_due, look_ahead, week_start
from oversight.engine.calendar import WorkingDayCalendar

D = dt.date
CALENDAR = WorkingDayCalendar.england()
MONDAY, WEDNESDAY = 0, 2


@pytest.mark.parametrize(
    ("today", "last_checked", "due"),
    [
        (D(2023, 6, 14), None, True),  # never had one
        (D(2023, 6, 14), D(2023, 6, 13), True),  # yesterday's
        (D(2023, 6, 14), D(2023, 6, 14), False),  # already today: never twice
        (D(2023, 6, 17), D(2023, 6, 16), False),  # Saturday
        (D(2023, 5, 29), D(2023, 5, 26), False),  # Spring bank holiday (R-WD-1)
        (D(2023, 5, 30), D(2023, 5, 26), True),  # the next working day
    ],
)
def test_daily_digests_go_out_once_each_working_day(
    today: dt.date, last_checked: dt.date | None, due: bool
) -> None:
    assert digest_due(Cadence.DAILY, MONDAY, last_checked, today, CALENDAR) is due


@pytest.mark.parametrize(
    ("today", "last_checked", "due"),
    [
        (D(2023, 6, 12), D(2023, 6, 5), True),  # Monday, last week's was last Monday
        (D(2023, 6, 12), D(2023, 6, 12), False),  # already this Monday
        (D(2023, 6, 13), D(2023, 6, 12), False),  # Tuesday: this week's has gone
        (D(2023, 6, 14), D(2023, 6, 9), True),  # Monday's run was missed: caught up Wednesday
        (D(2023, 6, 15), D(2023, 6, 14), False),  # ... and only once
        (D(2023, 5, 29), D(2023, 5, 22), False),  # Monday 29 May is a bank holiday
        (D(2023, 5, 30), D(2023, 5, 22), True),  # so it goes on Tuesday
        (D(2023, 6, 18), D(2023, 6, 5), False),  # never on a Sunday
    ],
)
def test_weekly_digests_cover_the_week_from_the_chosen_day(
    today: dt.date, last_checked: dt.date | None, due: bool
) -> None:
    assert digest_due(Cadence.WEEKLY, MONDAY, last_checked, today, CALENDAR) is due


def test_a_user_who_turned_alerts_off_gets_nothing() -> None:
    assert not digest_due(Cadence.OFF, MONDAY, None, D(2023, 6, 14), CALENDAR)


def test_the_week_starts_on_the_chosen_day() -> None:
    assert week_start(D(2023, 6, 14), WEDNESDAY) == D(2023, 6, 14)
    assert week_start(D(2023, 6, 13), WEDNESDAY) == D(2023, 6, 7)
    assert week_start(D(2023, 6, 18), MONDAY) == D(2023, 6, 12)


@pytest.mark.parametrize(
    ("cadence", "weekday", "today", "margin", "expected"),
    [
        (Cadence.DAILY, MONDAY, D(2023, 6, 14), 5, 5),  # the policy's margin (R-TS-10)
        (Cadence.DAILY, MONDAY, D(2023, 6, 14), 2, 2),
        # Weekly on Wednesdays, sent Wed 14 June: the next is Wed 21st, so it covers to Tue
        # 20th — 4 working days (15, 16, 19, 20).
        (Cadence.WEEKLY, WEDNESDAY, D(2023, 6, 14), 2, 4),
        (Cadence.WEEKLY, WEDNESDAY, D(2023, 6, 14), 5, 5),  # never less than the policy's
        # Monday's digest caught up on Wednesday covers to Sunday 18th: 2 working days.
        (Cadence.WEEKLY, MONDAY, D(2023, 6, 14), 1, 2),
        # Tue 30 May, the Monday being a bank holiday: to Sun 4 June = 3 working days.
        (Cadence.WEEKLY, MONDAY, D(2023, 5, 30), 0, 3),
        (Cadence.OFF, MONDAY, D(2023, 6, 14), 5, 5),  # the notifications panel's reach
    ],
)
def test_how_far_due_soon_reaches(
    cadence: Cadence, weekday: int, today: dt.date, margin: int, expected: int
) -> None:
    assert look_ahead(cadence, weekday, today, margin, CALENDAR) == expected
