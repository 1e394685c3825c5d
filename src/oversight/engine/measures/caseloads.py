"""Caseloads at a date, vectorised (domain.md §6, R-CL-1..5).

`worker_loads_frame` is the caseload board as a frame: the same workers, cases, weighted loads,
capacities and utilisations as the scalar `engine.caseload.worker_loads` the team page uses (the
grade and capacity come from `status.worker_standing`, which follows the scalar rules), plus
each worker's s47 pressure (R-CL-4). The family's measures are totals over that frame, so a
national figure and a team page never disagree.

To agree with the scalar `team_load` to the last bit, floating-point totals are summed in worker
order (`cum_sum().last()` or Python's `sum`; polars' `sum()` adds pairwise), and every division
is column ÷ column (polars turns ÷ by a constant into × its reciprocal, e.g. 7 × 0.05 ≠ 7 / 20).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.caseload import CaseRole
from oversight.engine.frames import CaseData
from oversight.engine.measures.status import open_allocations, worker_standing
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy
from oversight.engine.registry import (
    REGISTRY,
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


def _weighted_open_allocations(data: CaseData, as_at: dt.date, policy: Policy) -> pl.DataFrame:
    """Open allocations with `weight`: R-CL-2 points for the level in force, times the
    co-worker fraction for a co-worked case (as `caseload.case_weight`)."""
    rules = policy.caseload
    allocations = open_allocations(data, as_at)
    unknown = allocations.filter(~pl.col("level").is_in(list(rules.complexity_weights)))
    if unknown.height:
        row = unknown.row(0, named=True)
        raise ValueError(
            f"allocation {row['allocation_id']}: complexity level {row['level']} has no "
            "weight in the policy"
        )
    points = pl.col("level").replace_strict(
        list(rules.complexity_weights),
        [float(p) for p in rules.complexity_weights.values()],
        return_dtype=pl.Float64(),
    )
    return allocations.with_columns(
        weight=pl.when(pl.col("role") == CO_WORKER)
        .then(points * rules.co_worker_fraction)
        .otherwise(points)
    )


def _loads(
    data: CaseData, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The board, the open allocations of its workers, and the s47s they led in the window."""
    rules = policy.caseload
    allocations = _weighted_open_allocations(data, as_at, policy)
    per_worker = (
        allocations.sort("allocation_id")
        .group_by("worker_id")
        .agg(
            cases=(pl.col("role") == HOLDER).sum().cast(pl.Int64),
            co_worked=(pl.col("role") == CO_WORKER).sum().cast(pl.Int64),
            weighted_load=_sequential_sum("weight"),
            allocated=pl.lit(value=True),
        )
    )
    window_opens = as_at - dt.timedelta(weeks=rules.s47_window_weeks)
    s47s = data.section47s.filter(
        pl.col("lead_worker_id").is_not_null()
        & (pl.col("strategy_date") > window_opens)
        & (pl.col("strategy_date") <= as_at)
    ).select("s47_id", "child_id", worker_id="lead_worker_id")
    led = s47s.group_by("worker_id").agg(s47_led=pl.len().cast(pl.Int64))

    board = (
        worker_standing(data, as_at, policy, calendar)
        .join(per_worker, on="worker_id", how="left")
        .filter(
            ~pl.col("role").is_in(list(rules.non_case_holding_roles))
            | pl.col("allocated").is_not_null()
        )
        .join(led, on="worker_id", how="left")
        .with_columns(
            pl.col("cases", "co_worked", "s47_led").fill_null(0),
            pl.col("weighted_load").fill_null(0.0),
        )
        .with_columns(
            utilisation=pl.when(pl.col("capacity") > 0).then(
                pl.col("weighted_load") / pl.col("capacity")
            ),
            s47_per_fte=pl.when(pl.col("fte") > 0).then(pl.col("s47_led") / pl.col("fte")),
            team_s47=pl.col("s47_led").sum().over("team_id"),
        )
        .with_columns(
            s47_share=pl.when(pl.col("team_s47") > 0).then(pl.col("s47_led") / pl.col("team_s47")),
        )
    )
    # The median by hand, (lower + upper) / 2 of the sorted values, so an even team's median
    # is exactly `statistics.median`'s (polars interpolates, which can differ in the last bit).
    medians = (
        board.filter(pl.col("s47_per_fte").is_not_null())
        .group_by("team_id")
        .agg(
            lower=pl.col("s47_per_fte").sort().get((pl.len() - 1) // 2),
            upper=pl.col("s47_per_fte").sort().get(pl.len() // 2),
        )
        .select("team_id", median=(pl.col("lower") + pl.col("upper")) / 2)
    )
    board = (
        board.join(medians, on="team_id", how="left", nulls_equal=True)
        .with_columns(
            s47_flag=(
                pl.col("s47_per_fte") > pl.col("median") * (1 + rules.s47_flag_above_median)
            ).fill_null(value=False)
        )
        .sort("worker_id")
        .select(pl.col(name).cast(dtype) for name, dtype in LOAD_SCHEMA.items())
    )
    held = allocations.join(board.select("worker_id", "team_id"), on="worker_id")
    s47s = s47s.filter(pl.col("worker_id").is_in(board["worker_id"].implode()))
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
    """`worker_loads_frame` at each date of `month_ends`, with a leading `month_end` column."""
    frames = [
        worker_loads_frame(data, as_at=day, policy=policy, calendar=calendar).select(
            pl.lit(day, dtype=pl.Date()).alias("month_end"), pl.all()
        )
        for day in month_ends
    ]
    if not frames:
        return pl.DataFrame(schema={"month_end": pl.Date(), **LOAD_SCHEMA})
    return pl.concat(frames)


def _children(frame: pl.DataFrame) -> tuple[int, ...]:
    return tuple(frame["child_id"].unique().sort().to_list())


def _children_by(frame: pl.DataFrame, key: str) -> dict[int, tuple[int, ...]]:
    grouped = frame.group_by(key).agg(pl.col("child_id").unique().sort())
    return {k: tuple(v) for k, v in grouped.iter_rows()}


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
        f"team:{team}": Result(_ratio(n, d, scale), n, d, children.get(team, ()))
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
        f"worker:{worker}": Result(per_fte, led, fte, children[worker])
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
    children = _children(overlapping)
    return count(len(children), children)


@REGISTRY.family(FAMILY, MEASURES)
def caseloads(data: CaseData, ctx: Context) -> dict[str, Result]:
    board, held, s47s = _loads(data, ctx.as_at, ctx.policy, ctx.calendar)
    over = board.filter(pl.col("utilisation") > 1)["worker_id"].to_list()
    co_worked = held.filter(pl.col("role") == CO_WORKER)
    return {
        "caseload.average_per_fte": _average_per_fte(board, held),
        "caseload.utilisation": _utilisation(board, held),
        "caseload.workers_over_capacity": Result(
            len(over), len(over), None, (), {f"worker:{worker}": ONE for worker in over}
        ),
        "caseload.co_worked_cases": count(co_worked.height, _children(co_worked)),
        "caseload.s47_pressure_flags": _s47_pressure(board, s47s),
        "caseload.churn_children": _churn(data, ctx.as_at, ctx.policy),
        "data_quality.allocation_overlaps": _overlaps(data, ctx.as_at),
    }
