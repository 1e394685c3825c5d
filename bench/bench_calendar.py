"""Benchmark the working-day calendar (R-WD-2, R-WD-3) against a naive day-by-day count.

Run as `python bench/bench_calendar.py` (with `src` importable). The baseline is measured in the
same process, so the printed ratios hold across machines; absolute times do not. No assertions.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from oversight.engine.calendar import WorkingDayCalendar

SEED = 20230403
ELAPSED_CALLS = 1_000_000
ADD_CALLS = 200_000
NAIVE_CALLS = 20_000
FIRST = date(2000, 1, 1)
LAST = date(2044, 12, 31)
# Spans up to 400 calendar days: every statutory timescale (R-TS) fits well inside that.
MAX_GAP = 400


def random_pairs(rng: random.Random, n: int) -> list[tuple[date, date]]:
    span = (LAST - FIRST).days
    pairs = []
    for _ in range(n):
        start = FIRST + timedelta(days=rng.randrange(span + 1))
        pairs.append((start, start + timedelta(days=rng.randrange(MAX_GAP + 1))))
    return pairs


def naive_elapsed(closures: frozenset[date], start: date, end: date) -> int:
    """The obvious loop: walk every day after start up to and including end."""
    count = 0
    day = start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5 and day not in closures:
            count += 1
        day += timedelta(days=1)
    return count


def per_call_ns(run: Callable[[], object], calls: int) -> float:
    began = time.perf_counter_ns()
    run()
    return (time.perf_counter_ns() - began) / calls


def main() -> None:
    rng = random.Random(SEED)
    calendar = WorkingDayCalendar.england()
    closures = frozenset(calendar.closures())

    elapsed_pairs = random_pairs(rng, ELAPSED_CALLS)
    add_args = [(a, rng.randrange(1, 61)) for a, _ in random_pairs(rng, ADD_CALLS)]
    naive_pairs = elapsed_pairs[:NAIVE_CALLS]

    # The fast path must agree with the baseline before its speed means anything.
    for a, b in naive_pairs[:2_000]:
        if calendar.elapsed(a, b) != naive_elapsed(closures, a, b):
            raise SystemExit(f"elapsed disagrees with the naive count for {a} -> {b}")

    elapsed = calendar.elapsed
    add = calendar.add

    def run_elapsed(pairs: Sequence[tuple[date, date]] = elapsed_pairs) -> None:
        for a, b in pairs:
            elapsed(a, b)

    def run_add(args: Sequence[tuple[date, int]] = add_args) -> None:
        for a, n in args:
            add(a, n)

    def run_naive(pairs: Sequence[tuple[date, date]] = naive_pairs) -> None:
        for a, b in pairs:
            naive_elapsed(closures, a, b)

    naive_ns = per_call_ns(run_naive, NAIVE_CALLS)
    elapsed_ns = per_call_ns(run_elapsed, ELAPSED_CALLS)
    add_ns = per_call_ns(run_add, ADD_CALLS)
    speedup = naive_ns / elapsed_ns

    print(f"naive day-by-day elapsed: {naive_ns:,.0f} ns/call over {NAIVE_CALLS:,} pairs")
    print(f"elapsed: {elapsed_ns:,.0f} ns/call over {ELAPSED_CALLS:,} pairs")
    print(f"add (1-60 days): {add_ns:,.0f} ns/call over {ADD_CALLS:,} calls")
    print(f"ratio naive/elapsed: {speedup:.1f}x")
    print(f"ratio naive/add: {naive_ns / add_ns:.1f}x")
    print(f"ratio add/elapsed: {add_ns / elapsed_ns:.2f}x")
    print(
        f"BENCH calendar elapsed_ns={elapsed_ns:.0f} add_ns={add_ns:.0f} "
        f"naive_elapsed_ns={naive_ns:.0f} speedup={speedup:.1f}"
    )


if __name__ == "__main__":
    main()
