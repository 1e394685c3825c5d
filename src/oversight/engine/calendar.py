"""Working days (domain.md §3, R-WD-1..3).

Every count is done on proleptic ordinals (`date.toordinal()`), where ordinal 1 (0001-01-01) is a
Monday. That makes "how many weekdays up to day o" a closed formula, and "how many working days
up to day o" that formula minus a binary search over the sorted closure ordinals. Elapsed working
days are the difference of two such counts, so `elapsed` is O(log n) and exactly additive.
"""

from __future__ import annotations

import functools
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date

import holidays

from oversight.engine.policy import Policy

# The span the England calendar is built for by default. Dates outside it are still counted, but
# only weekends are known there (no bank holidays), so callers should stay inside it.
FIRST_YEAR = 2000
LAST_YEAR = 2045


def _weekdays_through(ordinal: int) -> int:
    """Weekdays (Mon-Fri) among ordinals 1..ordinal; ordinal 1 is a Monday."""
    weeks, rest = divmod(ordinal, 7)
    return 5 * weeks + min(rest, 5)


def _nth_weekday(count: int) -> int:
    """The smallest ordinal o with `_weekdays_through(o) == count` (always a weekday)."""
    weeks, rest = divmod(count - 1, 5)
    return 7 * weeks + rest + 1


class WorkingDayCalendar:
    """R-WD-1..3: Monday-Friday less a set of weekday closures, with R-WD-2/3 arithmetic."""

    __slots__ = ("_closure_dates", "_closure_ordinals")

    def __init__(self, closures: Iterable[date]) -> None:
        # Weekend dates are dropped: a Saturday Christmas is already a non-working day, and
        # counting it again would make every span across it one day short (R-WD-1).
        weekday_closures = sorted({day for day in closures if day.weekday() < 5})
        self._closure_dates: tuple[date, ...] = tuple(weekday_closures)
        self._closure_ordinals: tuple[int, ...] = tuple(d.toordinal() for d in weekday_closures)

    @classmethod
    def england(
        cls,
        extra_closures: Iterable[date] = (),
        first_year: int = FIRST_YEAR,
        last_year: int = LAST_YEAR,
    ) -> WorkingDayCalendar:
        """R-WD-1: England & Wales bank holidays plus the council's own closure days (cached)."""
        return _england(tuple(sorted(set(extra_closures))), first_year, last_year)

    @classmethod
    def for_policy(cls, policy: Policy) -> WorkingDayCalendar:
        """R-WD-1: the England calendar with the policy's extra closure days."""
        return cls.england(extra_closures=policy.calendar.extra_closure_days)

    def closures(self) -> tuple[date, ...]:
        """R-WD-1: the weekday closures, in date order."""
        return self._closure_dates

    def is_working_day(self, day: date) -> bool:
        """R-WD-1: a weekday that is not a closure."""
        if day.weekday() >= 5:
            return False
        ordinal = day.toordinal()
        i = bisect_right(self._closure_ordinals, ordinal)
        return i == 0 or self._closure_ordinals[i - 1] != ordinal

    def elapsed(self, start: date, end: date) -> int:
        """R-WD-2: working days after start up to and including end (negative if end < start)."""
        # W(o) = weekdays through o - closures through o counts working days up to ordinal o;
        # elapsed is W(end) - W(start), which makes it additive for any three dates. Inlined:
        # this is the engine's hottest call, and two min() calls alone cost it about a quarter.
        a = start.toordinal()
        b = end.toordinal()
        a_weeks, a_rest = divmod(a, 7)
        b_weeks, b_rest = divmod(b, 7)
        ordinals = self._closure_ordinals
        return (
            5 * (b_weeks - a_weeks)
            + (b_rest if b_rest < 5 else 5)
            - (a_rest if a_rest < 5 else 5)
            - bisect_right(ordinals, b)
            + bisect_right(ordinals, a)
        )

    def add(self, start: date, days: int) -> date:
        """R-WD-3: the Nth working day after start; 0 days gives start itself."""
        if days < 0:
            raise ValueError(f"days must not be negative, got {days}")
        if days == 0:
            return start
        ordinals = self._closure_ordinals
        start_ordinal = start.toordinal()
        # Find d with weekdays_through(d) - closures_through(d) == target and d a working day.
        # Guess the closures up to d, jump to the matching weekday, recount; the count only
        # grows, so this settles after one pass per run of closures met (usually one or two).
        skipped = bisect_right(ordinals, start_ordinal)
        target = _weekdays_through(start_ordinal) - skipped + days
        while True:
            candidate = _nth_weekday(target + skipped)
            recount = bisect_right(ordinals, candidate)
            if recount == skipped:
                # candidate > start and no closure in (start, candidate], so it is working.
                return date.fromordinal(candidate)
            skipped = recount

    def __repr__(self) -> str:
        return f"WorkingDayCalendar(<{len(self._closure_dates)} closures>)"


@functools.lru_cache(maxsize=32)
def _england(extra: tuple[date, ...], first_year: int, last_year: int) -> WorkingDayCalendar:
    # Building from `holidays` takes milliseconds; every report and request shares one instance
    # per distinct closure set. The instance is immutable, so sharing it is safe.
    bank_holidays = holidays.country_holidays(
        "GB", subdiv="ENG", years=range(first_year, last_year + 1)
    )
    return WorkingDayCalendar([*bank_holidays.keys(), *extra])
