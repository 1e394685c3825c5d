"""The vectorised working-day expressions agree with the scalar calendar (R-WD-2, R-WD-3)."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.workdays import add, elapsed

CALENDAR = WorkingDayCalendar.england()
DAYS = st.dates(dt.date(2005, 1, 1), dt.date(2040, 12, 31))


def test_r_wd_worked_examples_in_columns() -> None:
    frame = pl.DataFrame(
        {
            "a": [
                dt.date(2022, 9, 16),
                dt.date(2010, 12, 24),
                dt.date(2023, 4, 3),
                dt.date(2011, 4, 21),
            ],
            "b": [
                dt.date(2022, 9, 20),
                dt.date(2010, 12, 29),
                dt.date(2023, 6, 9),
                dt.date(2011, 5, 3),
            ],
        }
    )
    out = frame.select(
        n=elapsed(pl.col("a"), pl.col("b"), CALENDAR), due=add(pl.col("a"), 45, CALENDAR)
    )
    assert out["n"].to_list() == [1, 1, 44, 4]
    assert out["due"][2] == dt.date(2023, 6, 12)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(DAYS, DAYS), min_size=1, max_size=50), st.integers(0, 300))
def test_r_wd_columns_match_the_calendar(pairs: list[tuple[dt.date, dt.date]], n: int) -> None:
    frame = pl.DataFrame({"a": [a for a, _ in pairs], "b": [b for _, b in pairs]})
    out = frame.select(
        n=elapsed(pl.col("a"), pl.col("b"), CALENDAR), due=add(pl.col("a"), n, CALENDAR)
    )
    assert out["n"].to_list() == [CALENDAR.elapsed(a, b) for a, b in pairs]
    assert out["due"].to_list() == [CALENDAR.add(a, n) for a, _ in pairs]
