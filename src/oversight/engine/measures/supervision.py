"""Supervision, vectorised (domain.md §7, R-SV-1..5).

Compliance is judged from each worker's *chain* of counting sessions: their start in post, then
every formal session of at least the minimum length held up to `as_at`. Each link's due date is
the link plus the interval in force on the link's day (R-SV-1); when the next link comes after
the due date (or never), the worker is *in breach* from the due date up to the day before the
next link. A worker-month is compliant when no day of it falls in a breach. That is the brief's
"every due date falling within the month is met by a session on or before it", plus a month that
opens already overdue (a due date missed in an earlier month and still unmet) — without which a
worker not seen for a quarter would count as compliant in its second and third months.

Breaches are intervals over sessions, so the month test is one interval explode and one join:
no loop over workers or sessions. The ASYE year is applied here as polars date arithmetic
(`offset_by("Nmo")` clips to the month's end exactly as `periods.add_months` does); the tests
check it day by day against the scalar `workforce.experience_grade`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import polars as pl

from oversight.engine import workdays
from oversight.engine.caseload import CaseRole
from oversight.engine.frames import CaseData
from oversight.engine.measures.days import day_number, day_number_of, per_day, plus_days
from oversight.engine.measures.status import child_protection_children
from oversight.engine.policy import MonthlyInterval, SupervisionPolicy
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
    rate,
)
from oversight.engine.workforce import SENIOR_ROLES, Grade

FAMILY = "supervision"


FORMAL = "formal"
HOLDER = CaseRole.CASE_HOLDER.value

MEASURES: list[Measure] = [
    Measure(
        "supervision.compliance_rate",
        "Supervision compliance (worker-months)",
        "R-SV-1, R-SV-2: of the calendar months (in the period, up to the as-at date) each "
        "worker was in post (every role but the policy's unsupervised roles, by default SM, "
        "LM and IO; a starter or leaver is judged over "
        "their days in post), the share in which every supervision due date was met. Only "
        "formal sessions of at least the minimum length (default 90 minutes) count. From the "
        "start in post and from each counting session the next is due after the interval in "
        "force that day: an ASYE weekly for the first 6 weeks in post, fortnightly to 6 months, "
        "then monthly; an FSW every 28 days; everyone else monthly (28 days, or the same day "
        "next month) - all policy settings. A month fails when a due date in it passes without "
        "a counting session on or before it, or when it opens already overdue. An ASYE's start "
        "in post is the later of qualifying and starting; grade:ASYE covers months with an "
        "ASYE day in them.",
        "R-SV-1, R-SV-2",
        Unit.PERCENT,
        Direction.UP,
        FAMILY,
    ),
    Measure(
        "supervision.overdue_workers",
        "Workers overdue supervision",
        "R-SV-1, R-SV-3: workers in post at the as-at date (all roles but the policy's "
        "unsupervised ones, by default SM, LM and IO) whose "
        "next supervision was due before it: next due = the later of their last counting formal "
        "session and their start in post, plus the interval in force on that day. The breakdown "
        "gives each overdue worker's calendar days overdue.",
        "R-SV-1, R-SV-3",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "supervision.write_up_on_time_rate",
        "Supervision written up on time",
        "R-SV-4: of the sessions of any kind held in the period whose write-up deadline (the "
        "5th working day after the session; configurable) has been reached by the as-at date, "
        "the share written up on or before the deadline. Sessions dated as written up before "
        "they were held are left out (see data quality).",
        "R-SV-4",
        Unit.PERCENT,
        Direction.UP,
        FAMILY,
    ),
    Measure(
        "supervision.not_written_up",
        "Supervision sessions not written up",
        "R-SV-4: sessions held by the as-at date, past their write-up deadline (the 5th working "
        "day after the session; configurable) and not written up by the as-at date: outstanding "
        "supervision files, by supervisor.",
        "R-SV-4",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "supervision.case_oversight_gaps",
        "Allocated cases without recent management oversight",
        "R-SV-5: children with an open case-holder allocation at the as-at date not discussed in "
        "any supervision session for more than 8 weeks (4 weeks for a child in child protection: "
        "an s47 enquiry in progress or a CP plan open; both configurable), counting from the "
        "later of their last case discussion and the start of the holder allocation.",
        "R-SV-5",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "data_quality.session_written_up_before_held",
        "Supervision written up before it was held",
        "R-SV-4: sessions held in the period (up to the as-at date) whose write-up date is "
        "before the session date; they are left out of write-up timeliness.",
        "R-SV-4",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
]


WRITE_UP_MEASURES = frozenset(
    {
        "supervision.write_up_on_time_rate",
        "supervision.not_written_up",
        "data_quality.session_written_up_before_held",
    }
)


@REGISTRY.family(FAMILY, MEASURES)
def supervision(
    data: CaseData, ctx: Context, *, wanted: Collection[str] | None = None
) -> dict[str, Result]:
    ids = frozenset(m.id for m in MEASURES) if wanted is None else frozenset(wanted)
    results: dict[str, Result] = {}
    if ids & {"supervision.compliance_rate", "supervision.overdue_workers"}:
        workers = supervised_workers(data, ctx)
        links = chain(data, workers, ctx)
        if "supervision.compliance_rate" in ids:
            results["supervision.compliance_rate"] = _compliance(workers, links, ctx)
        if "supervision.overdue_workers" in ids:
            results["supervision.overdue_workers"] = _overdue(workers, links, ctx.as_at)
    if ids & WRITE_UP_MEASURES:
        results.update(_write_ups(data, ctx))
    if "supervision.case_oversight_gaps" in ids:
        results["supervision.case_oversight_gaps"] = _case_oversight_gaps(data, ctx)
    return {measure.id: results[measure.id] for measure in MEASURES if measure.id in results}


def supervised_workers(data: CaseData, ctx: Context) -> pl.DataFrame:
    """Workers started by `as_at` who are supervised (not the policy's unsupervised roles),
    with their R-SV-1 milestones: `in_post_from` (the start in post the chain begins at: for
    an ASYE the later of qualifying and starting), `weekly_until`, `fortnightly_until` and
    `asye_until` (null for anyone who is never an ASYE), `fsw`, and `last_day` (the last day
    in post known at as_at)."""
    rules = ctx.policy.supervision
    asye_months = ctx.policy.experience.asye_months
    qualified_on = pl.when(pl.col("qualified")).then(pl.col("qualification_date")).otherwise(None)
    # workforce.experience_grade: FSW without a qualification; senior roles are never ASYEs; the
    # ASYE year belongs to someone who started in post newly qualified.
    fsw = qualified_on.is_null()
    asye = (
        ~fsw
        & ~pl.col("role").is_in(sorted(SENIOR_ROLES))
        & (pl.col("start_date") < qualified_on.dt.offset_by(f"{asye_months}mo"))
    )
    return (
        data.workers.filter(
            # Safeguarding and locality managers and information officers are supervised
            # outside the team structure by default; team managers stay in (policy setting).
            ~pl.col("role").is_in(list(ctx.policy.supervision.unsupervised_roles))
            & (pl.col("start_date") <= ctx.as_at)
        )
        .with_columns(fsw=fsw, asye=asye, qualified_on=qualified_on)
        .with_columns(
            in_post_from=pl.when("asye")
            .then(pl.max_horizontal("qualified_on", "start_date"))
            .otherwise("start_date"),
            last_day=pl.min_horizontal(pl.col("end_date"), pl.lit(ctx.as_at)),
        )
        .with_columns(
            weekly_until=pl.col("in_post_from") + pl.duration(weeks=rules.asye_weekly_weeks),
            fortnightly_until=pl.col("in_post_from").dt.offset_by(
                f"{rules.asye_fortnightly_months}mo"
            ),
            asye_until=pl.when("asye")
            .then(pl.col("in_post_from").dt.offset_by(f"{asye_months}mo"))
            .otherwise(None),
        )
        .select(
            "worker_id",
            "team_id",
            "start_date",
            "last_day",
            "in_post_from",
            "fsw",
            "weekly_until",
            "fortnightly_until",
            "asye_until",
        )
    )


def next_due(day: pl.Expr, rules: SupervisionPolicy) -> pl.Expr:
    """R-SV-1: the day the next session is due after one held on `day` (columns of
    `supervised_workers` in scope)."""
    asye = pl.col("asye_until").is_not_null() & (day < pl.col("asye_until"))
    interval = (
        pl.when(pl.col("fsw"))
        .then(rules.fsw_interval_days)
        .when(asye & (day < pl.col("weekly_until")))
        .then(7)
        .when(asye & (day < pl.col("fortnightly_until")))
        .then(14)
    )
    if rules.monthly_interval == MonthlyInterval.CALENDAR_MONTH:
        return (
            pl.when(interval.is_not_null())
            .then(plus_days(day, interval))
            .otherwise(day.dt.offset_by("1mo"))
        )
    return plus_days(day, interval.otherwise(rules.monthly_days))


def chain(data: CaseData, workers: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Each worker's links up to `as_at` (start in post, then counting sessions on or after it;
    one per day), sorted, with `due` (R-SV-1) and `next` (the following link, null if none)."""
    rules = ctx.policy.supervision
    starts = workers.select("worker_id", day=pl.col("in_post_from"))
    counting = (
        data.supervision_sessions.lazy()
        .filter(
            (pl.col("kind") == FORMAL)
            & (pl.col("minutes") >= rules.minimum_minutes)
            & (pl.col("held_on") <= ctx.as_at)
        )
        .select(worker_id="supervisee_id", day="held_on")
        .collect()
    )
    days = _distinct_sorted(
        pl.concat([starts, counting]).filter(
            pl.col("worker_id").is_not_null() & (pl.col("day") <= ctx.as_at)
        )
    )
    # The worker's milestones are attached by an as-of match on worker_id (both sides sorted
    # by it: one merge, cheaper than hashing a million links); a link whose worker is not
    # supervised matches another's and drops out, as do sessions before the start in post.
    milestones = workers.sort("worker_id").with_columns(matched=pl.col("worker_id"))
    same_worker = (pl.col("worker_id") == pl.col("worker_id").shift(-1)).fill_null(value=False)
    return (
        days.lazy()
        .join_asof(milestones.lazy(), on="worker_id", strategy="backward", check_sortedness=False)
        .filter(
            (pl.col("matched") == pl.col("worker_id")) & (pl.col("day") >= pl.col("in_post_from"))
        )
        .drop("matched")
        .with_columns(
            due=next_due(pl.col("day"), rules),
            next=pl.when(same_worker).then(pl.col("day").shift(-1)).otherwise(None),
        )
        .collect()
    )


def _distinct_sorted(days: pl.DataFrame) -> pl.DataFrame:
    """The distinct (worker_id, day) pairs of `days`, sorted. Worker and day are packed into
    one integer to sort by when that cannot overflow: sorting by one column is several times
    cheaper than by two."""
    low, high, first, last = days.select(
        pl.col("worker_id").min().alias("low"),
        pl.col("worker_id").max().alias("high"),
        pl.col("day").min().alias("first"),
        pl.col("day").max().alias("last"),
    ).row(0)
    if low is None:
        return days
    span = (last - first).days + 1
    if (high - low + 1) * span >= 2**62:  # Python integers: this check itself cannot overflow
        return days.unique().sort("worker_id", "day")
    key = pl.col("key")
    return (
        days.with_columns(
            key=(pl.col("worker_id") - low) * span
            + day_number(pl.col("day"))
            - day_number_of(first)
        )
        .sort("key")
        .filter((key != key.shift(1)).fill_null(value=True))
        .drop("key")
    )


def _month_index(day: pl.Expr) -> pl.Expr:
    return day.dt.year().cast(pl.Int64) * 12 + day.dt.month().cast(pl.Int64) - 1


def worker_months(workers: pl.DataFrame, links: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """One row per worker and calendar month overlapping the period (up to as_at) with a day in
    post: worker_id, team_id, month (year × 12 + month − 1), asye (an ASYE on a day of it) and
    compliant (R-SV-2)."""
    last = min(ctx.period.end, ctx.as_at)
    first_month = ctx.period.start.year * 12 + ctx.period.start.month - 1
    last_month = last.year * 12 + last.month - 1

    def months(first: pl.Expr, last: pl.Expr) -> pl.Expr:
        """The month indexes from `first`'s to `last`'s, within the period's."""
        return pl.int_ranges(
            _month_index(first).clip(lower_bound=first_month),
            _month_index(last).clip(upper_bound=last_month) + 1,
        )

    # In breach from a missed due date up to the day before the next link (or the last day).
    # Missed: due by the last day and before the next link (compared first, as most links are
    # not missed and the date arithmetic is then done for the few that are).
    due, following, last_day = pl.col("due"), pl.col("next"), pl.col("last_day")
    missed = (due <= last_day) & (following.is_null() | (due < following))
    breaches = (
        links.filter(missed)
        .with_columns(
            until=pl.min_horizontal(
                pl.coalesce(plus_days(following, pl.lit(-1)), last_day), last_day
            )
        )
        .select("worker_id", month=months(due, pl.col("until")))
        .explode("month")
        .drop_nulls("month")
        .unique()
        .with_columns(breach=pl.lit(value=True))
    )
    month_start = pl.date(pl.col("month") // 12, pl.col("month") % 12 + 1, 1)
    return (
        workers.filter(pl.col("start_date") <= pl.col("last_day"))
        .select(
            "worker_id",
            "team_id",
            "start_date",
            "asye_until",
            month=months(pl.col("start_date"), pl.col("last_day")),
        )
        .explode("month")
        .drop_nulls("month")
        .join(breaches, on=["worker_id", "month"], how="left")
        .select(
            "worker_id",
            "team_id",
            "month",
            asye=pl.col("asye_until").is_not_null()
            & (pl.max_horizontal(month_start, "start_date") < pl.col("asye_until")),
            compliant=pl.col("breach").is_null(),
        )
    )


def _rates(frame: pl.DataFrame, by: str, prefix: str) -> dict[str, Result]:
    grouped = (
        frame.drop_nulls(by)
        .group_by(by)
        .agg(pl.len().alias("n"), pl.col("compliant").sum().alias("k"))
        .sort(by)
    )
    # Every group has a month, so this is `rate(k, n)` made directly (thousands of workers).
    return {
        f"{prefix}:{key}": Result(100.0 * k / n, k, n)
        for key, n, k in zip(
            grouped[by].to_list(), grouped["n"].to_list(), grouped["k"].to_list(), strict=True
        )
    }


def _compliance(workers: pl.DataFrame, links: pl.DataFrame, ctx: Context) -> Result:
    months = worker_months(workers, links, ctx)
    asye = months.filter("asye")
    breakdown = {
        **_rates(months, "worker_id", "worker"),
        **_rates(months, "team_id", "team"),
        f"grade:{Grade.ASYE.value}": rate(int(asye["compliant"].sum()), asye.height),
    }
    total = rate(int(months["compliant"].sum()), months.height)
    return Result(total.value, total.numerator, total.denominator, (), breakdown)


def overdue(workers: pl.DataFrame, links: pl.DataFrame, as_at: dt.date) -> pl.DataFrame:
    """R-SV-3: workers in post at `as_at` whose next supervision was due before it, with
    `next_due` and `days_overdue` (calendar days), by worker id."""
    in_post = workers.filter(pl.col("last_day") == as_at).select("worker_id")
    return (
        links.filter(pl.col("next").is_null() & (pl.col("due") < as_at))
        .join(in_post, on="worker_id")
        .select(
            "worker_id",
            next_due=pl.col("due"),
            days_overdue=(pl.lit(as_at) - pl.col("due")).dt.total_days().cast(pl.Int64),
        )
        .sort("worker_id")
    )


def _overdue(workers: pl.DataFrame, links: pl.DataFrame, as_at: dt.date) -> Result:
    late = overdue(workers, links, as_at)
    breakdown = {
        f"worker:{worker}": count(int(days))
        for worker, days in late.select("worker_id", "days_overdue").iter_rows()
    }
    return Result(late.height, late.height, None, (), breakdown)


def _write_ups(data: CaseData, ctx: Context) -> dict[str, Result]:
    """R-SV-4: write-up timeliness, outstanding files and write-ups dated before the session."""
    rules = ctx.policy.supervision
    written_on = pl.col("written_up_on")
    sessions = data.supervision_sessions.filter(pl.col("held_on") <= ctx.as_at)
    # Sessions share a few hundred distinct days: each day's deadline is worked out once. (Inside
    # a lazy query the working-day addition ran some 20 times slower at national size.)
    deadline = per_day(
        sessions,
        "held_on",
        lambda day: workdays.add(day, rules.write_up_working_days, ctx.calendar),
    )
    sessions = sessions.with_columns(
        deadline=deadline,
        written=written_on.is_not_null() & (written_on <= ctx.as_at),
        in_period=pl.col("held_on").is_between(ctx.period.start, ctx.period.end),
    )
    written, in_period = pl.col("written"), pl.col("in_period")
    before_held = written & (written_on < pl.col("held_on"))
    judged = in_period & (pl.col("deadline") <= ctx.as_at) & ~before_held
    tally = sessions.select(
        before_held=(in_period & before_held).sum(),
        judged=judged.sum(),
        on_time=(judged & written & (written_on <= pl.col("deadline"))).sum(),
    ).row(0, named=True)
    outstanding = sessions.filter((pl.col("deadline") < ctx.as_at) & ~written)
    by_supervisor = (
        outstanding.drop_nulls("supervisor_id")
        .group_by("supervisor_id")
        .len()
        .sort("supervisor_id")
    )
    return {
        "supervision.write_up_on_time_rate": rate(tally["on_time"], tally["judged"]),
        "supervision.not_written_up": Result(
            outstanding.height,
            outstanding.height,
            None,
            (),
            {f"worker:{s}": count(int(n)) for s, n in by_supervisor.iter_rows()},
        ),
        "data_quality.session_written_up_before_held": count(tally["before_held"]),
    }


def oversight_gaps(data: CaseData, ctx: Context) -> pl.DataFrame:
    """R-SV-5: open case-holder allocations at `as_at` (child_id, worker_id) whose child has
    gone longer than the oversight interval without a case discussion, counting from the later
    of the last discussion and the allocation's start."""
    rules = ctx.policy.supervision
    # Open at as_at (as `status.open_allocations`; the level in force is not needed here).
    holders = data.allocations.filter(
        (pl.col("role") == HOLDER)
        & (pl.col("start") <= ctx.as_at)
        & (pl.col("end").is_null() | (pl.col("end") > ctx.as_at))
    )
    # Only a discussion within the longer of the two intervals can close a gap, so only those
    # sessions are joined (a few weeks of them, not the whole history).
    window = dt.timedelta(weeks=max(rules.case_oversight_weeks, rules.cp_case_oversight_weeks))
    recent = data.supervision_sessions.lazy().filter(
        pl.col("held_on").is_between(ctx.as_at - window, ctx.as_at)
    )
    discussed = (
        data.case_discussions.lazy()
        .join(recent.select("session_id", "held_on"), on="session_id")
        .group_by("child_id")
        .agg(pl.col("held_on").max().alias("discussed_on"))
        .collect()
    )
    protected = child_protection_children(data, ctx.as_at).select(
        "child_id", protected=pl.lit(value=True)
    )
    limit = (
        pl.when(pl.col("protected").is_not_null())
        .then(rules.cp_case_oversight_weeks * 7)
        .otherwise(rules.case_oversight_weeks * 7)
    )
    # Days since, as day numbers (date arithmetic through a duration costs more).
    since = pl.max_horizontal("discussed_on", "start").cast(pl.Int32)
    as_at = pl.lit(ctx.as_at).cast(pl.Int32)
    return (
        holders.select("child_id", "worker_id", "start")
        .join(discussed, on="child_id", how="left")
        .join(protected, on="child_id", how="left")
        .filter(as_at - since > limit)
        .select("child_id", "worker_id")
        .sort("child_id", "worker_id")
    )


def _case_oversight_gaps(data: CaseData, ctx: Context) -> Result:
    gaps = oversight_gaps(data, ctx)
    children = gaps.get_column("child_id").n_unique()
    by_worker = gaps.group_by("worker_id").agg(n=pl.col("child_id").n_unique()).sort("worker_id")
    cases = CasesBy(gaps.get_column("worker_id"), gaps.get_column("child_id"))
    breakdown = {f"worker:{worker}": count(n, cases(worker)) for worker, n in by_worker.iter_rows()}
    return Result(children, children, None, Cases.of(gaps.get_column("child_id")), breakdown)
