"""When a user's digest is due, and how far ahead it looks. Pure: no database, no clock.

Digests go out on working days only (R-WD-1): nobody wants Saturday's list of what is overdue,
and a weekly digest whose day is a bank holiday goes out on the next working day instead. The
send command may run several times a day, or miss a day: a digest is due when the user has not
had one for the period it covers yet (today, or this week), so it is never sent twice and a
missed run is caught up.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from oversight.engine.calendar import WorkingDayCalendar

ONE_DAY = dt.timedelta(days=1)


class Cadence(StrEnum):
    """The same values as `models.Frequency`, for code that must not import Django."""

    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


def week_start(today: dt.date, weekday: int) -> dt.date:
    """The latest day on or before `today` that falls on `weekday` (0 = Monday)."""
    return today - dt.timedelta(days=(today.weekday() - weekday) % 7)


def digest_due(
    cadence: Cadence,
    weekday: int,
    last_checked: dt.date | None,
    today: dt.date,
    calendar: WorkingDayCalendar,
) -> bool:
    """Whether today's run should work out this user's digest."""
    if cadence is Cadence.OFF or not calendar.is_working_day(today):
        return False
    if last_checked is None:
        return True
    if cadence is Cadence.DAILY:
        return last_checked < today
    # Weekly: once for the week that began on the chosen day (caught up later that week if
    # the day itself was missed or was a bank holiday).
    return last_checked < week_start(today, weekday)


def look_ahead(
    cadence: Cadence,
    weekday: int,
    today: dt.date,
    due_soon_days: int,
    calendar: WorkingDayCalendar,
) -> int:
    """How many working days ahead "due soon" reaches: the policy's margin (R-TS-10), or for
    a weekly digest the whole week until the next one, if that is longer — so nothing falls
    due between two weekly digests without having been in the first."""
    if cadence is not Cadence.WEEKLY:
        return due_soon_days
    next_digest = week_start(today, weekday) + dt.timedelta(days=7)
    return max(due_soon_days, calendar.elapsed(today, next_digest - ONE_DAY))
