"""R-WD-2 and R-WD-3 as polars expressions, for measures over whole columns.

They agree exactly with `WorkingDayCalendar.elapsed` and `.add` (tests check both ways).
"""

from __future__ import annotations

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar

ONE_DAY = pl.duration(days=1)


def elapsed(start: pl.Expr, end: pl.Expr, calendar: WorkingDayCalendar) -> pl.Expr:
    """R-WD-2: working days after `start` up to and including `end` (same day = 0; negative
    when `end` is before `start`). Equals busday_count(start + 1, end + 1)."""
    closures = list(calendar.closures())
    forward = pl.business_day_count(start + ONE_DAY, end + ONE_DAY, holidays=closures)
    # polars counts a reversed span differently from numpy; count it forwards and negate.
    backward = -pl.business_day_count(end + ONE_DAY, start + ONE_DAY, holidays=closures)
    return pl.when(end >= start).then(forward).otherwise(backward).cast(pl.Int64)


def add(start: pl.Expr, days: int | pl.Expr, calendar: WorkingDayCalendar) -> pl.Expr:
    """R-WD-3: the Nth working day after `start`. Rolling a non-working start *back* to the
    working day before it keeps "N working days after" true from a weekend or holiday.
    0 days is the start itself, as in the scalar calendar."""
    moved = start.dt.add_business_days(days, holidays=list(calendar.closures()), roll="backward")
    if isinstance(days, int):
        return start if days == 0 else moved
    return pl.when(days == 0).then(start).otherwise(moved)
