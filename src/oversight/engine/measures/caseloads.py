"""Caseloads at a date, vectorised (domain.md §6, R-CL-1..5).

`worker_loads_frame` is the caseload board as a frame: the same workers, cases, weighted loads,
capacities and utilisations as the scalar `engine.caseload.worker_loads` the team page uses (the
grade and capacity come from `status.worker_standing`, which follows the scalar rules), plus
each worker's s47 pressure (R-CL-4). The family's measures are totals over that frame, so a
national figure and a team page never disagree.

To agree with the scalar `team_load` to the last bit, floating-point totals are summed in worker
order (`cum_sum().last()` or Python's `sum`; polars' `sum()` adds pairwise) unless every partial
sum is exact (`_exact_in_any_order`), and every division is Series ÷ Series of the same length
(polars turns ÷ by a constant, or by a column it holds as one repeated value, into × its
reciprocal: 7 × 0.05 ≠ 7 / 20).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Sequence

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.caseload import CaseRole
from oversight.engine.frames import CaseData
from oversight.engine.measures.days import (
    day_number,
    day_number_of,
    day_position,
    day_positions,
)
from oversight.engine.measures.status import worker_standing_on
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy
from oversight.engine.registry import (
    REGISTRY,
    Cases,
    CasesBy,
    Context,
    Direction,
    Measure,
    Result,
    Unit,
    count,
)
from oversight.engine.workforce import Grade

FAMILY = "caseloads"
# One worker in a count's breakdown (Results are immutable, so one instance serves them all).
ONE = count(1)

HOLDER = CaseRole.CASE_HOLDER.value
CO_WORKER = CaseRole.CO_WORKER.value

LOAD_SCHEMA: dict[str, pl.DataType] = {
    "worker_id": pl.Int64(),
    "team_id": pl.Int64(),
    "grade": pl.String(),
    "fte": pl.Float64(),
    "cases": pl.Int64(),
    "co_worked": pl.Int64(),
    "weighted_load": pl.Float64(),
    "capacity": pl.Float64(),
    "utilisation": pl.Float64(),
    "s47_led": pl.Int64(),
    "s47_per_fte": pl.Float64(),
    "s47_share": pl.Float64(),
    "s47_flag": pl.Boolean(),
}

MEASURES: list[Measure] = [
    Measure(
        "caseload.average_per_fte",
        "Average caseload per FTE social worker",
        "R-CL-1: children held as case holder by qualified social workers in post who hold at "
        "least one case, divided by those workers' total FTE (DfE's average caseload per FTE "
        "case-holding children's social worker; England 15.2 in 2025).",
        "R-CL-1",
        Unit.NUMBER,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "caseload.utilisation",
        "Caseload utilisation",
        "R-CL-2, R-CL-3: the weighted load of every case-holding worker in post as a percentage "
        "of their case capacity (points per FTE less the non-case reserve, ASYE and FSW factors, "
        "planned absence).",
        "R-CL-2, R-CL-3",
        Unit.PERCENT,
        Direction.NEUTRAL,
        FAMILY,
    ),
    Measure(
        "caseload.workers_over_capacity",
        "Workers over capacity",
        "R-CL-3: workers in post whose weighted load is more than 100 % of their case capacity.",
        "R-CL-3",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "caseload.co_worked_cases",
        "Co-worked cases",
        "R-CL-1: open co-worker allocations held by workers in post (each weighted at the "
        "co-worker fraction of its points).",
        "R-CL-1",
        Unit.COUNT,
        Direction.NEUTRAL,
        FAMILY,
    ),
    Measure(
        "caseload.s47_pressure_flags",
        "Workers flagged for s47 pressure",
        "R-CL-4: workers whose s47 enquiries led in the trailing window, per FTE, exceed their "
        "team's median by more than the policy margin (default 13 weeks, 50 %).",
        "R-CL-4",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "caseload.churn_children",
        "Children with many changes of worker",
        "R-CL-5: children with an open case holder who had at least the flagged number of "
        "different case-holding workers in the churn window (default 3 in 12 months).",
        "R-CL-5",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "data_quality.allocation_overlaps",
        "Children with two case holders at once",
        "R-CL-1: children who had two case-holder allocations open on the same day (as known at "
        "the date measured); a case has one case holder at a time.",
        "R-CL-1",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
]


def _sequential_sum(column: str) -> pl.Expr:
    """Sum in row order, as Python's `sum` does (see the module docstring)."""
    return pl.col(column).cum_sum().last()


def _points(policy: Policy) -> pl.Expr:
    """R-CL-2 points for the column `level`, times the co-worker fraction for a co-worked case
    (column `co`), as `caseload.case_weight`."""
    rules = policy.caseload
    points = pl.col("level").replace_strict(
        list(rules.complexity_weights),
        [float(p) for p in rules.complexity_weights.values()],
        default=None,  # a level with no weight: null, reported by the caller
        return_dtype=pl.Float64(),
    )
    # × 1.0 is exact, so this is the same as choosing between points and points × fraction,
    # with the lookup made once.
    return points * pl.when(pl.col("co")).then(rules.co_worker_fraction).otherwise(1.0)


def _allocations_open_on(
    data: CaseData, days: pl.Series, policy: Policy, *, ids: bool
) -> pl.DataFrame:
    """Allocations open on each of `days` (sorted, distinct; open: start ≤ day < end), one row
    per allocation and day, in no particular order: `day` (the day's position in `days`),
    worker_id, `holder` and `co` (the role) and `weight` (R-CL-2 points for the level in force,
    `_points`); with `ids`, also allocation_id and child_id.

    The level in force is the child's latest re-assessment known by the day, if it came on or
    after the allocation's start, else the level recorded at allocation. It is found with no
    pass per day and no join of allocations with their children's history: the history is
    sorted by (child, date) packed into one integer, and an as-of match on that key finds the
    latest re-assessment by an allocation's first day. An allocation whose child is
    re-assessed again by its last day is split where each later re-assessment becomes known;
    every allocation or piece keeps one level and weight, worked out before it is expanded to
    its days."""
    # First and last day positions (both from the lookup of each distinct date): open on some
    # day exactly when closes > opens.
    allocations = (
        data.allocations.lazy()
        .select(
            "allocation_id",
            "child_id",
            "worker_id",
            "start",
            "complexity_level",
            opens=day_positions(data.allocations, "start", days, "left"),
            closes=pl.when(pl.col("end").is_null())
            .then(days.len())
            .otherwise(day_positions(data.allocations, "end", days, "left")),
            holder=pl.col("role") == HOLDER,
            co=pl.col("role") == CO_WORKER,
        )
        .filter(pl.col("closes") > pl.col("opens"))
        .collect()
    )
    columns = ["day", "worker_id", "holder", "co", "weight"]
    if ids:
        columns += ["allocation_id", "child_id"]

    def weighed(frame: pl.DataFrame) -> pl.DataFrame:
        weighted = frame.with_columns(weight=_points(policy))
        if weighted.get_column("weight").null_count():
            unknown = weighted.filter(pl.col("weight").is_null()).row(0, named=True)
            raise ValueError(
                f"allocation {unknown['allocation_id']}: complexity level {unknown['level']} "
                "has no weight in the policy"
            )
        return _on_days(weighted, columns)

    history = data.complexity.filter(pl.col("assessed_on") <= days[-1])
    if history.is_empty():
        return weighed(allocations.with_columns(level="complexity_level"))
    lookup = _History(history, allocations, days)
    allocations = lookup.with_level(
        allocations.with_columns(found=lookup.latest(allocations, pl.col("opens")))
    )
    # A re-assessment after the one at the first day and by the last changes the level from
    # the day it is known (it came after the start, so it is in force). Only for those few is
    # the last one by the last day looked up.
    last_day = pl.col("closes") - 1
    moving = lookup.follows_by(allocations, last_day)
    pieces = allocations.filter(moving)
    pieces = pieces.with_columns(last_found=lookup.latest(pieces, last_day))
    return pl.concat([weighed(allocations.filter(~moving)), weighed(lookup.split(pieces))])


def _on_days(allocations: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """`allocations` expanded to one row per day they are open on (`day`), with `columns`."""
    kept = [c for c in columns if c != "day"]
    expanded = allocations.select(*kept, day=pl.int_ranges("opens", "closes")).explode("day")
    return expanded.select(columns)


class _History:
    """A child's complexity re-assessments known by a day (R-CL-2), found by an as-of match.

    (child, date) is packed as child × span + days since the first assessment, so the history
    sorted by that key is each child's assessments by date, one child after another; the
    latest for (child, day) is the last key at or below child × span + the day's offset."""

    def __init__(self, history: pl.DataFrame, allocations: pl.DataFrame, days: pl.Series) -> None:
        first, last = history.select(
            pl.col("assessed_on").min().alias("first"), pl.col("assessed_on").max().alias("last")
        ).row(0)
        span: int = (last - first).days + 1
        self.span = span
        self.days = days
        self.child: pl.Expr = _child_numbers(history, allocations, span)
        self.first = day_number_of(first)
        keyed = history.select(
            key=self.child * span + day_number(pl.col("assessed_on")) - self.first,
            level="level",
            assessed_on="assessed_on",
        )
        # Histories usually arrive in child and date order already; checking is cheaper.
        if not keyed.get_column("key").is_sorted():
            keyed = keyed.sort("key")
        self.keys = keyed.get_column("key").set_sorted()
        self.levels, self.dates = keyed.get_column("level"), keyed.get_column("assessed_on")
        self.positions = pl.DataFrame(
            {"key": self.keys, "position": pl.int_range(self.keys.len(), eager=True)}
        ).cast({"position": pl.Int64()})
        # A day after the last assessment looks up the last; one before the first finds none.
        self.offsets = (days.cast(pl.Int32).cast(pl.Int64) - self.first).clip(-1, span - 1)

    def _at(self, day: pl.Expr) -> pl.Expr:
        """The key of (child, the day at position `day`)."""
        return self.child * self.span + pl.lit(self.offsets).gather(day)

    def latest(self, frame: pl.DataFrame, day: pl.Expr) -> pl.Series:
        """For each row, the position in the history of the last key at or below (child, the
        day at position `day`); -1: none. The keys sought are sorted and matched with one as-of
        join, a single pass over both, which is twice as fast as a binary search for each."""
        sought = frame.select(self._at(day).alias("sought")).to_series()
        order = sought.arg_sort()
        matched = (
            sought.gather(order)
            .to_frame()
            .join_asof(
                self.positions,
                left_on="sought",
                right_on="key",
                strategy="backward",
                check_sortedness=False,
            )
            .get_column("position")
            .fill_null(-1)
        )
        return (
            pl.zeros(sought.len(), dtype=pl.Int64, eager=True)
            .scatter(order, matched)
            .alias("found")
        )

    def with_level(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`frame` with `level`, the level in force for the re-assessment at `found`: it counts
        if it is the child's (a lower key is another child's) and on or after the allocation's
        start; else the level recorded at allocation."""
        at = frame.get_column("found").clip(lower_bound=0)
        since_start = (day_number(pl.col("start")) - self.first).clip(lower_bound=0)
        in_force = (pl.col("found") >= 0) & (
            pl.lit(self.keys.gather(at)) >= self.child * self.span + since_start
        )
        return frame.with_columns(
            level=pl.when(in_force)
            .then(pl.lit(self.levels.gather(at)))
            .otherwise("complexity_level")
        )

    def follows_by(self, frame: pl.DataFrame, day: pl.Expr) -> pl.Series:
        """Whether the child has a re-assessment after the one at `found` and by the day at
        position `day` (the next key in the history is the child's and at most that day's)."""
        following = frame.get_column("found") + 1
        after = self.keys.gather(following.clip(upper_bound=self.keys.len() - 1))
        return frame.select(
            (pl.lit(following) < self.keys.len()) & (pl.lit(after) <= self._at(day))
        ).to_series()

    def split(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Allocations whose child has re-assessments after the one at `found` up to the one
        at `last_found`, cut where each becomes known: one row per piece, from `opens` to
        `closes`, with its `level` (the allocation's own until the first). Re-assessments that
        become known on the same day leave the last of them."""
        steps = pl.int_ranges(0, pl.col("last_found") - pl.col("found") + 1)
        pieces = frame.with_columns(step=steps)
        pieces = pieces.explode("step")
        entry = pieces.get_column("found") + pieces.get_column("step")
        known = pieces.select(
            day_position(pl.lit(self.dates.gather(entry.clip(lower_bound=0))), self.days, "left")
        ).to_series()
        later = pl.col("step") > 0
        same = pl.col("allocation_id") == pl.col("allocation_id").shift(-1)
        superseded = (same & (pl.col("opens") == pl.col("opens").shift(-1))).fill_null(False)
        return (
            pieces.with_columns(
                opens=pl.when(later).then(pl.lit(known)).otherwise("opens"),
                level=pl.when(later)
                .then(pl.lit(self.levels.gather(entry.clip(lower_bound=0))))
                .otherwise("level"),
            )
            # The last piece of those starting on the same day is the one in force.
            .filter(~superseded)
            .with_columns(closes=pl.when(same).then(pl.col("opens").shift(-1)).otherwise("closes"))
        )


def _child_numbers(history: pl.DataFrame, allocations: pl.DataFrame, span: int) -> pl.Expr:
    """child_id, or its rank among all the child ids when child_id × span could overflow."""
    columns = [history.get_column("child_id"), allocations.get_column("child_id")]
    ends = [end for c in columns for end in (c.min(), c.max()) if isinstance(end, int)]
    if (max(abs(end) for end in ends) + 1) * span < 2**62:  # Python integers: cannot overflow
        return pl.col("child_id")
    ranked = pl.concat(columns).unique().sort()
    return pl.lit(ranked).search_sorted(pl.col("child_id")).cast(pl.Int64)


class _Pairs:
    """(day, worker_id) as one integer, day × width + worker_id − lowest id, over every frame's
    worker ids (so no two pairs share a number): grouping and joining on one integer column is
    several times faster than on two. When the ids are too far apart for that to fit in 62
    bits, the two columns themselves are the key."""

    def __init__(self, days: int, *frames: pl.DataFrame) -> None:
        ids = [frame.get_column("worker_id") for frame in frames]
        lows = [low for i in ids if isinstance(low := i.min(), int)]
        highs = [high for i in ids if isinstance(high := i.max(), int)]
        self.low = min(lows, default=0)
        self.width = max(highs, default=0) - self.low + 1
        self.packed = days * self.width < 2**62  # Python integers: cannot overflow
        self.on = ["pair"] if self.packed else ["day", "worker_id"]

    def keyed(self, frame: pl.DataFrame) -> pl.DataFrame:
        if not self.packed:
            return frame
        return frame.with_columns(pair=pl.col("day") * self.width + pl.col("worker_id") - self.low)

    def group(self, frame: pl.DataFrame, *aggregations: pl.Expr) -> pl.DataFrame:
        """`frame` grouped by (day, worker_id), keyed by `on`."""
        return self.keyed(frame).group_by(self.on).agg(*aggregations)


def _exact_in_any_order(policy: Policy) -> bool:
    """Whether every weight the policy can give (points, and points × the co-worker fraction)
    is a multiple of 2⁻¹⁰ and small: then every partial sum of a worker's weights is exact, and
    any order of adding them gives the same bits as Python's `sum` in allocation order (the
    default weights, whole points and halves, are)."""
    rules = policy.caseload
    weights = [
        float(w)
        for p in rules.complexity_weights.values()
        for w in (float(p), float(p) * rules.co_worker_fraction)
    ]
    return all(math.isfinite(w) and (w * 1024).is_integer() and abs(w) < 2**20 for w in weights)


def _quotient(frame: pl.DataFrame, numerator: str, denominator: str) -> pl.Series:
    """numerator ÷ denominator row by row, null unless the denominator is above 0. Divided as
    whole Series, not as an expression: polars keeps a column of one repeated value (a one-row
    frame expanded over days, or joined to several rows) as a scalar, and divides by a scalar
    as × its reciprocal, which is not the IEEE quotient (6 × (1/68) ≠ 6/68)."""
    top, bottom = frame.get_column(numerator), frame.get_column(denominator)
    quotient = (top / bottom).alias(numerator)
    return frame.select(pl.when(bottom > 0).then(quotient)).to_series()


def _s47s_led_on(data: CaseData, days: pl.Series, policy: Policy) -> pl.DataFrame:
    """R-CL-4: s47 enquiries with a lead worker, one row per day (position in `days`) they
    count on: day, s47_id, child_id, worker_id. Led within the window: strategy_date in
    (day − window, day], so from the first day on or after the strategy discussion up to the
    last before it + the window."""
    window_days = 7 * policy.caseload.s47_window_weeks
    closes = (day_number(pl.col("strategy_date")) + window_days).cast(pl.Int32).cast(pl.Date)
    return (
        data.section47s.filter(
            pl.col("lead_worker_id").is_not_null()
            & (pl.col("strategy_date") <= days[-1])
            & (pl.col("strategy_date") > days[0] - dt.timedelta(days=window_days))
        )
        .select(
            "s47_id",
            "child_id",
            worker_id="lead_worker_id",
            day=pl.int_ranges(
                day_position(pl.col("strategy_date"), days, "left"),
                day_position(closes, days, "left"),
            ),
        )
        .explode("day")
        .drop_nulls("day")
    )


def _boards(
    data: CaseData,
    days: pl.Series,
    policy: Policy,
    calendar: WorkingDayCalendar,
    *,
    ids: bool = False,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The board at each of `days` (sorted, distinct dates; `day` is a day's position), sorted
    by day and worker; the open allocations (`_allocations_open_on`, with `weight`); and the
    s47s led in the window before each day (day, s47_id, child_id, worker_id)."""
    rules = policy.caseload
    # (Fewer than 2²³ allocations: a worker's weights, each below 2²⁰, then sum below 2⁴³.)
    exact = _exact_in_any_order(policy) and data.allocations.height < 2**23
    allocations = _allocations_open_on(data, days, policy, ids=ids or not exact)
    s47s = _s47s_led_on(data, days, policy)
    standing = worker_standing_on(data, days, policy, calendar)
    pairs = _Pairs(days.len(), standing, allocations, s47s)
    counts = (
        pl.col("holder").sum().cast(pl.Int64).alias("cases"),
        pl.col("co").sum().cast(pl.Int64).alias("co_worked"),
        pl.lit(value=True).alias("allocated"),
    )
    if exact:
        per_worker = pairs.group(
            allocations, *counts, pl.col("weight").sum().alias("weighted_load")
        )
    else:
        # Added one by one in allocation_id order, as the scalar `worker_loads` does.
        per_worker = pairs.keyed(
            allocations.sort("day", "worker_id", "allocation_id")
            .group_by("day", "worker_id", maintain_order=True)
            .agg(*counts, _sequential_sum("weight").alias("weighted_load"))
        ).drop(*(c for c in ("day", "worker_id") if pairs.packed))
    led = pairs.group(s47s, pl.len().cast(pl.Int64).alias("s47_led"))
    board = (
        pairs.keyed(standing)
        .join(per_worker, on=pairs.on, how="left")
        .filter(
            ~pl.col("role").is_in(list(rules.non_case_holding_roles))
            | pl.col("allocated").is_not_null()
        )
        .join(led, on=pairs.on, how="left")
        .with_columns(
            pl.col("cases", "co_worked", "s47_led").fill_null(0),
            pl.col("weighted_load").fill_null(0.0),
        )
        .with_columns(team_s47=pl.col("s47_led").sum().over("day", "team_id"))
    )
    board = board.with_columns(
        utilisation=_quotient(board, "weighted_load", "capacity"),
        s47_per_fte=_quotient(board, "s47_led", "fte"),
        s47_share=_quotient(board, "s47_led", "team_s47"),
    )
    # The median by hand, (lower + upper) / 2 of the sorted values, so an even team's median
    # is exactly `statistics.median`'s (polars interpolates, which can differ in the last bit).
    medians = (
        board.filter(pl.col("s47_per_fte").is_not_null())
        .group_by("day", "team_id")
        .agg(
            lower=pl.col("s47_per_fte").sort().get((pl.len() - 1) // 2),
            upper=pl.col("s47_per_fte").sort().get(pl.len() // 2),
        )
        .select("day", "team_id", median=(pl.col("lower") + pl.col("upper")) / 2)
    )
    board = (
        board.join(medians, on=["day", "team_id"], how="left", nulls_equal=True)
        .with_columns(
            s47_flag=(
                pl.col("s47_per_fte") > pl.col("median") * (1 + rules.s47_flag_above_median)
            ).fill_null(value=False)
        )
        # By day, then worker (the packed pair is in that order).
        .sort(pairs.on)
        .select("day", *(pl.col(name).cast(dtype) for name, dtype in LOAD_SCHEMA.items()))
    )
    return board, allocations, s47s


def _loads(
    data: CaseData, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The board, the open allocations of its workers, and the s47s they led in the window."""
    at = pl.Series([as_at], dtype=pl.Date())
    board, allocations, s47s = _boards(data, at, policy, calendar, ids=True)
    board = board.drop("day")
    held = allocations.join(board.select("worker_id", "team_id"), on="worker_id").select(
        "allocation_id",
        "child_id",
        "worker_id",
        "team_id",
        role=pl.when("co").then(pl.lit(CO_WORKER)).otherwise(pl.lit(HOLDER)),
    )
    s47s = s47s.drop("day").filter(pl.col("worker_id").is_in(board["worker_id"].implode()))
    return board, held, s47s


def worker_loads_frame(
    data: CaseData, *, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> pl.DataFrame:
    """R-CL-1..4 for each worker in post at `as_at` (managers who hold no case left out), by
    worker_id: cases (as holder), co_worked, weighted_load, capacity, utilisation (a fraction;
    null without capacity), s47_led in the trailing window, s47_per_fte, s47_share of the
    team's total (a fraction) and s47_flag."""
    board, _, _ = _loads(data, as_at, policy, calendar)
    return board


def month_end_caseloads(
    data: CaseData,
    *,
    month_ends: Sequence[dt.date],
    policy: Policy,
    calendar: WorkingDayCalendar,
) -> pl.DataFrame:
    """`worker_loads_frame` at each date of `month_ends`, with a leading `month_end` column:
    the dates' boards one after another, in the order given. All dates are worked out in one
    pass (each allocation, worker and s47 is expanded to the dates it counts on)."""
    if not month_ends:
        return pl.DataFrame(schema={"month_end": pl.Date(), **LOAD_SCHEMA})
    days = pl.Series("month_end", sorted(set(month_ends)), dtype=pl.Date())
    board, _, _ = _boards(data, days, policy, calendar)
    board = board.select(pl.lit(days).gather(pl.col("day")).alias("month_end"), *LOAD_SCHEMA)
    if list(month_ends) == days.to_list():
        return board
    return pl.concat([board.filter(pl.col("month_end") == day) for day in month_ends])


def _children(frame: pl.DataFrame) -> Cases:
    return Cases.of(frame.get_column("child_id"))


def _children_by(frame: pl.DataFrame, key: str) -> CasesBy:
    return CasesBy(frame.get_column(key), frame.get_column("child_id"))


def _ratio(numerator: float, denominator: float, scale: float = 1.0) -> float | None:
    return numerator / denominator * scale if denominator > 0 else None


def _totals(
    board: pl.DataFrame,
    workers: pl.DataFrame,
    held: pl.DataFrame,
    ratio: tuple[str, str, float],
) -> Result:
    """numerator ÷ denominator × scale over `workers` (some of the board), with the children
    of `held` (their allocations), broken down by every team on the board (workers without a
    team count in the total only)."""
    numerator, denominator, scale = ratio
    held = held.filter(pl.col("worker_id").is_in(workers["worker_id"].implode()))
    top = sum(workers[numerator].to_list())
    bottom = sum(workers[denominator].to_list())
    sums = workers.group_by("team_id").agg(_sequential_sum(numerator), _sequential_sum(denominator))
    teams = (
        board.select("team_id")
        .filter(pl.col("team_id").is_not_null())
        .unique()
        .sort("team_id")
        .join(sums, on="team_id", how="left")
        .fill_null(0)
    )
    children = _children_by(held, "team_id")
    breakdown = {
        f"team:{team}": Result(_ratio(n, d, scale), n, d, children(team))
        for team, n, d in teams.iter_rows()
    }
    return Result(_ratio(top, bottom, scale), top, bottom, _children(held), breakdown)


def _average_per_fte(board: pl.DataFrame, held: pl.DataFrame) -> Result:
    """Qualified (not graded FSW) case holders: cases ÷ FTE, as DfE counts."""
    holders = board.filter((pl.col("grade") != Grade.FSW.value) & (pl.col("cases") > 0))
    return _totals(board, holders, held.filter(pl.col("role") == HOLDER), ("cases", "fte", 1.0))


def _utilisation(board: pl.DataFrame, held: pl.DataFrame) -> Result:
    return _totals(board, board, held, ("weighted_load", "capacity", 100.0))


def _s47_pressure(board: pl.DataFrame, s47s: pl.DataFrame) -> Result:
    children = _children_by(s47s, "worker_id")
    leaders = board.filter(pl.col("s47_led") > 0).select(
        "worker_id", "s47_per_fte", "s47_led", "fte", "s47_flag"
    )
    breakdown = {
        f"worker:{worker}": Result(per_fte, led, fte, children(worker))
        for worker, per_fte, led, fte in zip(
            *(leaders[name].to_list() for name in ("worker_id", "s47_per_fte", "s47_led", "fte")),
            strict=True,
        )
    }
    flagged = leaders.filter("s47_flag")["worker_id"]
    cases = _children(s47s.filter(pl.col("worker_id").is_in(flagged.implode())))
    return Result(flagged.len(), flagged.len(), None, cases, breakdown)


def _churn(data: CaseData, as_at: dt.date, policy: Policy) -> Result:
    """R-CL-5: holder allocations open on any day of (as_at − window, as_at]; an allocation is
    open from its start up to the day before its end. Only children held at as_at count."""
    rules = policy.caseload
    first_day = add_months(as_at, -rules.churn_window_months) + dt.timedelta(days=1)
    in_window = (
        data.allocations.lazy()
        .filter(
            (pl.col("role") == HOLDER)
            & (pl.col("start") <= as_at)
            & (
                pl.col("end").is_null()
                | (pl.col("end") > pl.max_horizontal("start", pl.lit(first_day)))
            )
        )
        .select("child_id", "worker_id", "end")
    )
    # Cheap first cut: a child needs as many allocations as workers, and one open at as_at.
    candidates = (
        in_window.group_by("child_id")
        .agg(
            allocations=pl.len(),
            held=(pl.col("end").is_null() | (pl.col("end") > as_at)).any(),
        )
        .filter(pl.col("held") & (pl.col("allocations") >= rules.churn_flag_workers))
    )
    churned = (
        in_window.join(candidates, on="child_id", how="semi")
        .group_by("child_id")
        .agg(workers=pl.col("worker_id").n_unique())
        .filter(pl.col("workers") >= rules.churn_flag_workers)
        .collect()
    )
    return count(churned.height, _children(churned))


def _overlaps(data: CaseData, as_at: dt.date) -> Result:
    """Children with two holder allocations open on a common day up to as_at. An end after
    as_at is not yet known, so it is clipped to the day after as_at; an allocation ending on
    its start day was never open.

    Sorted by child and start, an allocation overlaps an earlier one of its child exactly when
    it starts before the latest end among them. That running maximum is taken over (child
    number, end) packed into one integer, so it needs no per-child window (`over`), which is
    several times slower at England's size: sorted by child, an earlier child's packed value is
    always smaller than any of this child's starts."""
    after = as_at + dt.timedelta(days=1)
    holders = (
        data.allocations.filter((pl.col("role") == HOLDER) & (pl.col("start") <= as_at))
        .select(
            "child_id",
            "start",
            end=pl.min_horizontal(pl.col("end").fill_null(after), pl.lit(after)),
        )
        .filter(pl.col("end") > pl.col("start"))
        .sort("child_id", "start")
    )
    child_number = (pl.col("child_id") != pl.col("child_id").shift(1)).fill_null(value=True)

    def packed(day: str) -> pl.Expr:
        # Day numbers since 1970 fit in 23 bits (offset by 2^21 to keep them positive).
        days = pl.col(day).cast(pl.Int64) + (1 << 21)
        return pl.col("child_number") * (1 << 23) + days

    overlapping = holders.with_columns(child_number=child_number.cum_sum().cast(pl.Int64)).filter(
        packed("start") < packed("end").cum_max().shift(1)
    )
    return count(overlapping.get_column("child_id").n_unique(), _children(overlapping))


# The measures read from the board at the date (the other two look at allocation history).
BOARD_MEASURES = frozenset(
    {
        "caseload.average_per_fte",
        "caseload.utilisation",
        "caseload.workers_over_capacity",
        "caseload.co_worked_cases",
        "caseload.s47_pressure_flags",
    }
)


@REGISTRY.family(FAMILY, MEASURES)
def caseloads(
    data: CaseData, ctx: Context, *, wanted: Collection[str] | None = None
) -> dict[str, Result]:
    ids = frozenset(m.id for m in MEASURES) if wanted is None else frozenset(wanted)
    results: dict[str, Result] = {}
    if ids & BOARD_MEASURES:
        board, held, s47s = _loads(data, ctx.as_at, ctx.policy, ctx.calendar)
        over = board.filter(pl.col("utilisation") > 1)["worker_id"].to_list()
        co_worked = held.filter(pl.col("role") == CO_WORKER)
        results |= {
            "caseload.average_per_fte": _average_per_fte(board, held),
            "caseload.utilisation": _utilisation(board, held),
            "caseload.workers_over_capacity": Result(
                len(over), len(over), None, (), {f"worker:{worker}": ONE for worker in over}
            ),
            "caseload.co_worked_cases": count(co_worked.height, _children(co_worked)),
            "caseload.s47_pressure_flags": _s47_pressure(board, s47s),
        }
    if "caseload.churn_children" in ids:
        results["caseload.churn_children"] = _churn(data, ctx.as_at, ctx.policy)
    if "data_quality.allocation_overlaps" in ids:
        results["data_quality.allocation_overlaps"] = _overlaps(data, ctx.as_at)
    return results
