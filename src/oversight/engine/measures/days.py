"""Date columns at national size: arithmetic on a date's day number, and rules worked out once
per distinct day.

A million rows share a few hundred days, so calendar-month offsets and working-day additions
are computed for each day of the column's span and looked up (`per_day`); whole-day arithmetic
is done on the date's integer (`plus_days`), which polars does several times faster than adding
a duration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

import polars as pl

EPOCH = dt.date(1970, 1, 1)


def day_number(date: pl.Expr) -> pl.Expr:
    """Days since 1970-01-01 (a date's own integer), as Int64."""
    return date.cast(pl.Int32).cast(pl.Int64)


def day_number_of(date: dt.date) -> int:
    return (date - EPOCH).days


def plus_days(day: pl.Expr, days: pl.Expr) -> pl.Expr:
    """`day` + `days` whole days."""
    return (day.cast(pl.Int32) + days.cast(pl.Int32)).cast(pl.Date)


def per_day(frame: pl.DataFrame, column: str, function: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """`function` of the date column `column`: applied once to each day from the column's first
    to its last, and looked up by row (applied to the column itself when that span has more days
    than the frame has rows)."""
    first, last = frame.select(
        pl.col(column).min().alias("first"), pl.col(column).max().alias("last")
    ).row(0)
    if first is None or (last - first).days >= frame.height:
        return function(pl.col(column))
    table = pl.select(function(pl.date_range(first, last))).to_series()
    return pl.lit(table).gather(day_number(pl.col(column)) - day_number_of(first))


def day_position(date: pl.Expr, days: pl.Series, side: Literal["left", "right"]) -> pl.Expr:
    """How many of `days` (sorted) fall before `date` (`left`), or on or before it (`right`):
    the position of the first day at or after it, or after it. A null date gives 0."""
    return pl.lit(days).search_sorted(date, side=side).cast(pl.Int64)


def day_positions(
    frame: pl.DataFrame, column: str, days: pl.Series, side: Literal["left", "right"]
) -> pl.Expr:
    """`day_position` of the date column `column`, looked up per distinct day (`per_day`)."""
    return per_day(frame, column, lambda date: day_position(date, days, side))
