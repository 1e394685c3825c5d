"""Where things stand at a date, shared by the caseload, eligibility and supervision families:
open allocations with the complexity in force, which children are in child protection, and each
worker's grade and capacity. Only facts known at `as_at` are used.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.measures.days import day_position
from oversight.engine.policy import Policy
from oversight.engine.workforce import SENIOR_ROLES, Grade


def open_allocations(data: CaseData, as_at: dt.date) -> pl.DataFrame:
    """Allocations open at `as_at` (start ≤ as_at < end), each with `level`: the latest
    complexity re-assessment on or after the allocation's start (and by as_at), else the level
    recorded at allocation (R-CL-2); `level_since` is when that level was set."""
    allocations = data.allocations.filter(
        (pl.col("start") <= as_at) & (pl.col("end").is_null() | (pl.col("end") > as_at))
    )
    # The child's latest re-assessment known at as_at; it is the one in force for the allocation
    # if it came on or after the allocation started (an earlier one was superseded by the level
    # recorded at allocation).
    latest = (
        data.complexity.filter(pl.col("assessed_on") <= as_at)
        # Only the children with an open allocation matter: most of the history is closed cases.
        .join(allocations.select("child_id").unique(), on="child_id", how="semi")
        .group_by("child_id")
        .agg(
            pl.col("level").get(pl.col("assessed_on").arg_max()).alias("reassessed_level"),
            pl.col("assessed_on").max(),
        )
    )
    in_force = pl.col("assessed_on").is_not_null() & (pl.col("assessed_on") >= pl.col("start"))
    return (
        allocations.join(latest, on="child_id", how="left")
        .with_columns(
            level=pl.when(in_force).then("reassessed_level").otherwise("complexity_level"),
            level_since=pl.when(in_force).then("assessed_on").otherwise("start"),
        )
        .drop("reassessed_level", "assessed_on")
    )


def child_protection_children(data: CaseData, as_at: dt.date) -> pl.DataFrame:
    """Children in child protection at `as_at` (an s47 enquiry in progress or a CP plan open),
    with `since`: the earliest date the current child protection work began."""
    s47 = data.section47s.filter(
        (pl.col("strategy_date") <= as_at)
        & (pl.col("end_date").is_null() | (pl.col("end_date") > as_at))
    ).select("child_id", since=pl.col("strategy_date"))
    plans = data.cp_plans.filter(
        (pl.col("start") <= as_at) & (pl.col("end").is_null() | (pl.col("end") > as_at))
    ).select("child_id", since=pl.col("start"))
    return pl.concat([s47, plans]).group_by("child_id").agg(pl.col("since").min())


def worker_standing(
    data: CaseData, as_at: dt.date, policy: Policy, calendar: WorkingDayCalendar
) -> pl.DataFrame:
    """Workers in post at `as_at` with their experience grade and case capacity (R-CL-3):
    worker_id, team_id, role, fte, qualified, grade, capacity. The same rules as
    `engine.workforce.experience_grade` and `case_capacity`, over the whole column."""
    return worker_standing_on(data, pl.Series([as_at], dtype=pl.Date()), policy, calendar).drop(
        "day"
    )


def worker_standing_on(
    data: CaseData, days: pl.Series, policy: Policy, calendar: WorkingDayCalendar
) -> pl.DataFrame:
    """`worker_standing` at each of `days` (sorted, distinct dates) in one pass: a row per
    worker in post and day, `day` being the day's position in `days`, in the workers' order
    then by day."""
    rules = policy.caseload
    in_post = data.workers.with_columns(
        first=day_position(pl.col("start_date"), days, "left"),
        last=pl.when(pl.col("end_date").is_null())
        .then(days.len())
        .otherwise(day_position(pl.col("end_date"), days, "right")),
    ).filter(pl.col("last") > pl.col("first"))
    # The grade's milestones are the worker's own; only the comparison is made per day.
    on_days = in_post.select(
        "worker_id",
        "team_id",
        "role",
        "fte",
        "qualified",
        *_milestones(policy),
        day=pl.int_ranges("first", "last"),
    ).explode("day")
    graded = on_days.with_columns(grade=_grade(pl.lit(days).gather(pl.col("day"))))
    factor = (
        pl.when(pl.col("grade") == Grade.ASYE.value)
        .then(rules.asye_capacity_factor)
        .when(pl.col("grade") == Grade.FSW.value)
        .then(rules.fsw_capacity_factor)
        .otherwise(1.0)
    )
    away = _absent_fraction(data, days, policy, calendar)
    return (
        graded.join(away, on=["worker_id", "day"], how="left", maintain_order="left")
        .with_columns(
            qualified=pl.col("qualified").fill_null(False),
            capacity=pl.col("fte")
            * (rules.points_per_fte - rules.non_case_reserve_points)
            * factor
            * (1 - pl.col("absent").fill_null(0.0)),
        )
        .select("day", "worker_id", "team_id", "role", "fte", "qualified", "grade", "capacity")
    )


def _milestones(policy: Policy) -> list[pl.Expr]:
    """What engine.workforce.experience_grade (domain.md §1) needs of a worker, whatever the
    date: `fsw` (not qualified), `senior` (a senior role), `asye_until` (for someone who
    started in post newly qualified, the end of their ASYE year; else null) and
    `experienced_from`."""
    qualified = pl.col("qualified").fill_null(False) & pl.col("qualification_date").is_not_null()
    since = pl.col("qualification_date")
    asye_months = f"{policy.experience.asye_months}mo"
    started_newly_qualified = pl.col("start_date") < since.dt.offset_by(asye_months)
    asye_ends = pl.max_horizontal(since, pl.col("start_date")).dt.offset_by(asye_months)
    return [
        (~qualified).alias("fsw"),
        pl.col("role").is_in(sorted(SENIOR_ROLES)).alias("senior"),
        pl.when(started_newly_qualified).then(asye_ends).alias("asye_until"),
        since.dt.offset_by(f"{12 * policy.experience.experienced_years}mo").alias(
            "experienced_from"
        ),
    ]


def _grade(as_at: pl.Expr) -> pl.Expr:
    """engine.workforce.experience_grade as an expression, as at the date `as_at`, over the
    columns of `_milestones`."""
    return (
        pl.when("fsw")
        .then(pl.lit(Grade.FSW.value))
        .when("senior")
        .then(pl.lit(Grade.SENIOR.value))
        .when(as_at < pl.col("asye_until"))
        .then(pl.lit(Grade.ASYE.value))
        .when(as_at < pl.col("experienced_from"))
        .then(pl.lit(Grade.SW.value))
        .otherwise(pl.lit(Grade.EXPERIENCED_SW.value))
    )


def _absent_fraction(
    data: CaseData, days: pl.Series, policy: Policy, calendar: WorkingDayCalendar
) -> pl.DataFrame:
    """Share of the absence window's working days each worker is on planned absence (R-CL-3),
    by worker and day (its position in `days`): the window is the same for everyone on a day,
    so it is worked out once per day; overlapping absences count a day once."""
    window = policy.caseload.absence_window_working_days
    schema = {"worker_id": pl.Int64(), "day": pl.Int64(), "absent": pl.Float64()}
    if window <= 0 or data.absences.is_empty():
        return pl.DataFrame(schema=schema)
    positions: list[int] = []
    dates: list[dt.date] = []
    for position, as_at in enumerate(days.to_list()):
        first = as_at if calendar.is_working_day(as_at) else calendar.add(as_at, 1)
        positions += [position] * window
        dates += [first, *(calendar.add(first, n) for n in range(1, window))]
    in_window = pl.DataFrame(
        {"day": positions, "date": dates}, schema={"day": pl.Int64(), "date": pl.Date()}
    )
    return (
        data.absences.filter(
            (pl.col("end") >= in_window["date"].min())
            & (pl.col("start") <= in_window["date"].max())
        )
        .join(in_window, how="cross")
        .filter(pl.col("date").is_between(pl.col("start"), pl.col("end")))
        .group_by("worker_id", "day")
        .agg(days=pl.col("date").n_unique())
        # Python's k / window, looked up: polars divides by a constant as × 1/window, which is a
        # bit off (7/20 ≠ 7 × 0.05) and would disagree with the team page's capacity.
        .select(
            "worker_id",
            "day",
            absent=pl.col("days").replace_strict(
                list(range(window + 1)),
                [k / window for k in range(window + 1)],
                return_dtype=pl.Float64,
            ),
        )
    )
