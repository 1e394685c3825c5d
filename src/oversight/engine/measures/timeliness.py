"""Timeliness: assessments (R-TS-2..4, R-TS-10), initial child protection conferences (R-TS-5)
and child protection reviews (R-TS-6), in working days (R-WD-2, R-WD-3).

The per-record rules are the scalar ones in `engine/timeliness.py` (the team page uses those);
this module applies them to whole columns and must agree with them exactly. Limits come from
`limit_for` and bands from `duration_band` / `icpc_band` applied to the distinct elapsed values,
so a rule changed there is changed here. Only facts known at `as_at` count: an assessment started
later does not exist yet, an authorisation, ICPC, review or plan end dated later has not happened,
and a referral dated later is not known (the assessment is then timed from its own start).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.policy import ClockStart
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
from oversight.engine.timeliness import (
    DURATION_BANDS,
    ICPC_BANDS,
    AssessmentKind,
    duration_band,
    icpc_band,
    limit_for,
)
from oversight.engine.workdays import elapsed

FAMILY = "timeliness"

# The scalar rule treats a delay reason as missing when `str.strip()` leaves nothing. Polars'
# own whitespace set lacks the four ASCII separators (U+001C-U+001F) that Python counts, so
# strip exactly Python's set. Python has no whitespace above U+3000 (ideographic space).
_PYTHON_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _measure(
    id: str, title: str, definition: str, rule: str, unit: Unit, direction: Direction
) -> Measure:
    return Measure(id, title, definition, rule, unit, direction, FAMILY)


MEASURES: list[Measure] = [
    _measure(
        "assessments.within_timescale_rate",
        "Assessments completed within timescale",
        "R-TS-2..4, R-WD-2: assessments authorised in the period whose working days from the "
        "clock start (initial: the referral; single: the start, or the referral when the policy "
        "says so; core: the start) to authorisation are within their limit, as a percentage of "
        "all authorised in the period; by kind, and counted in the DfE duration bands.",
        "R-TS-2, R-TS-3, R-TS-4, R-WD-2",
        Unit.PERCENT,
        Direction.UP,
    ),
    _measure(
        "assessments.median_duration",
        "Median assessment duration",
        "R-TS-10, R-WD-2: the median working days from clock start to authorisation of the "
        "assessments authorised in the period (the mean of the two middle values when their "
        "number is even).",
        "R-TS-10, R-WD-2",
        Unit.WORKING_DAYS,
        Direction.DOWN,
    ),
    _measure(
        "assessments.open_overdue",
        "Open assessments overdue",
        "R-TS-10: assessments open at the as-at date (started, not yet authorised) whose "
        "working days since the clock start exceed their limit; by worker and by the "
        "worker's team (none when unallocated).",
        "R-TS-10",
        Unit.COUNT,
        Direction.DOWN,
    ),
    _measure(
        "assessments.open_due_soon",
        "Open assessments due soon",
        "R-TS-10: open assessments, not overdue, with at most the policy's 'due soon' number "
        "of working days left to their due date (R-WD-3) at the as-at date; by worker and team.",
        "R-TS-10, R-WD-3",
        Unit.COUNT,
        Direction.NEUTRAL,
    ),
    _measure(
        "assessments.overdue_missing_reason",
        "Late assessments with no reason for delay",
        "R-TS-10: assessments open and overdue at the as-at date, or authorised late in the "
        "period, with no recorded reason for the delay (blank counts as none).",
        "R-TS-10",
        Unit.COUNT,
        Direction.DOWN,
    ),
    _measure(
        "icpc.within_15wd_rate",
        "Initial child protection conferences on time",
        "R-TS-5, R-WD-2: ICPCs held in the period within the policy's working days of the "
        "strategy discussion (15 by default), as a percentage of ICPCs held in the period; "
        "counted in the ICPC bands.",
        "R-TS-5, R-WD-2",
        Unit.PERCENT,
        Direction.UP,
    ),
    _measure(
        "cp_reviews.on_time_rate",
        "Child protection reviews on time",
        "R-TS-6: review deadlines falling in the period (by the as-at date, before the plan "
        "ended) met by a review held on or before them. The first is due the policy's months "
        "(3) after the plan starts, each later one the policy's interval (6 months) after the "
        "review actually held before it, even a late one; an unmet deadline stays the one "
        "outstanding. Cases: children with a missed deadline.",
        "R-TS-6",
        Unit.PERCENT,
        Direction.UP,
    ),
    _measure(
        "data_quality.assessment_authorised_before_start",
        "Assessments authorised before they started",
        "R-TS-10: assessments authorised in the period on a date before their start. They "
        "cannot be timed, so the timeliness measures leave them out; they are counted here.",
        "R-TS-10",
        Unit.COUNT,
        Direction.DOWN,
    ),
    _measure(
        "data_quality.referral_after_assessment_start",
        "Assessments that started before their referral",
        "R-TS-2, R-TS-4: assessments timed in the period (authorised in it, or open at the "
        "as-at date) whose referral is dated after the assessment's start; they are timed "
        "from their own start.",
        "R-TS-2, R-TS-4",
        Unit.COUNT,
        Direction.DOWN,
    ),
    _measure(
        "data_quality.icpc_before_strategy_discussion",
        "ICPCs dated before their strategy discussion",
        "R-TS-5: ICPCs held in the period on a date before the strategy discussion that "
        "started the enquiry. They cannot be timed, so the ICPC rate leaves them out; they are "
        "counted here.",
        "R-TS-5",
        Unit.COUNT,
        Direction.DOWN,
    ),
]


ASSESSMENT_MEASURES = frozenset(
    {
        "assessments.within_timescale_rate",
        "assessments.median_duration",
        "assessments.open_overdue",
        "assessments.open_due_soon",
        "assessments.overdue_missing_reason",
        "data_quality.assessment_authorised_before_start",
        "data_quality.referral_after_assessment_start",
    }
)
ICPC_MEASURES = frozenset({"icpc.within_15wd_rate", "data_quality.icpc_before_strategy_discussion"})


@REGISTRY.family(FAMILY, MEASURES)
def timeliness(
    data: CaseData, ctx: Context, *, wanted: Collection[str] | None = None
) -> dict[str, Result]:
    ids = frozenset(m.id for m in MEASURES) if wanted is None else frozenset(wanted)
    results: dict[str, Result] = {}
    if ids & ASSESSMENT_MEASURES:
        results.update(_assessment_measures(data, ctx, ids))
    if ids & ICPC_MEASURES:
        results.update(_icpc_measures(data, ctx))
    if "cp_reviews.on_time_rate" in ids:
        results["cp_reviews.on_time_rate"] = _cp_review_rate(data, ctx)
    return {measure.id: results[measure.id] for measure in MEASURES if measure.id in results}


# --- assessments (R-TS-2..4, R-TS-10) --------------------------------------------------------


def _assessment_measures(data: CaseData, ctx: Context, ids: frozenset[str]) -> dict[str, Result]:
    """The assessment measures in `ids`."""
    timed = _timed_assessments(
        data,
        ctx,
        every_referral="data_quality.referral_after_assessment_start" in ids,
        reasons="assessments.overdue_missing_reason" in ids,
    )
    authorised, late = pl.col("authorised"), pl.col("late")
    # Authorised before the start: cannot be timed, only counted (data quality).
    untimeable = (authorised < pl.col("start")).fill_null(False)
    completed = authorised.is_not_null() & ~untimeable
    open_ = authorised.is_null()
    overdue = open_ & late
    due_soon = open_ & ~late & (pl.col("days_left") <= ctx.policy.timescales.due_soon_days)
    conditions = {
        "assessments.open_overdue": overdue,
        "assessments.open_due_soon": due_soon,
        # R-TS-10: open and overdue, or authorised late in the period, with no reason recorded.
        "assessments.overdue_missing_reason": ~untimeable & late & pl.col("no_reason"),
        "data_quality.assessment_authorised_before_start": untimeable,
        "data_quality.referral_after_assessment_start": ~untimeable
        & (pl.col("referral_date") > pl.col("start")).fill_null(False),
    }
    totals = _tallies(timed, **{name: c for name, c in conditions.items() if name in ids})
    results = {name: tally.result for name, tally in totals.items()}
    for name, condition in (
        ("assessments.open_overdue", overdue),
        ("assessments.open_due_soon", due_soon),
    ):
        if name in ids:
            results[name] = _by_worker_and_team(totals[name], timed.filter(condition), data.workers)
    if ids & {"assessments.within_timescale_rate", "assessments.median_duration"}:
        done = timed.filter(completed).select("child_id", "kind", "late", "elapsed")
        if "assessments.within_timescale_rate" in ids:
            results["assessments.within_timescale_rate"] = _within_timescale(done)
        if "assessments.median_duration" in ids:
            median: float | None = done.select(pl.col("elapsed").median().cast(pl.Float64)).item()
            results["assessments.median_duration"] = Result(median, median, done.height)
    return results


def _timed_assessments(
    data: CaseData, ctx: Context, *, every_referral: bool = True, reasons: bool = True
) -> pl.DataFrame:
    """Assessments this family looks at: authorised in the period (by as_at), or open at as_at
    (started by then, authorisation unknown or later). Authorisations before the start are kept
    for the data-quality count; every other row gets its clock start, elapsed working days
    (to authorisation, or to as_at while open), `late`, and `days_left` to its due date.

    `referral_date` is looked up for every row with `every_referral`, else only where the clock
    can start at the referral (null elsewhere); `no_reason` is worked out with `reasons`."""
    as_at, period, policy, calendar = ctx.as_at, ctx.period, ctx.policy, ctx.calendar
    limits = {kind.value: limit_for(kind, policy) for kind in AssessmentKind}
    # clock_start_for: initial assessments always, single ones when configured, run from the
    # referral (when known and not after the start); everything else from its own start.
    from_referral = [AssessmentKind.INITIAL.value]
    if policy.timescales.single_assessment_clock_start is ClockStart.REFERRAL:
        from_referral.append(AssessmentKind.SINGLE.value)
    authorised = pl.col("authorised")
    frame = data.assessments.filter(
        (pl.col("start") <= as_at)
        & (
            authorised.is_null()
            | (authorised > as_at)
            | authorised.is_between(period.start, period.end)
        )
    ).select(
        "child_id",
        "referral_id",
        "worker_id",
        "kind",
        "start",
        # An authorisation after as_at has not happened yet: the assessment is open.
        authorised=pl.when(authorised <= as_at).then(authorised),
        # R-TS-10: blank is no reason (the scalar rule's `str.strip()`, hence its set).
        no_reason=(
            pl.col("delay_reason").is_null()
            | (pl.col("delay_reason").str.strip_chars(_PYTHON_WHITESPACE).str.len_bytes() == 0)
            if reasons
            else pl.lit(None, dtype=pl.Boolean)
        ),
    )
    timed_from_referral = pl.col("kind").is_in(from_referral)
    if every_referral or not frame.filter(timed_from_referral).is_empty():
        referrals = data.referrals.filter(pl.col("date") <= as_at).select(
            "referral_id", referral_date="date"
        )
        frame = frame.join(referrals, on="referral_id", how="left")
    else:
        # No row's clock can start at its referral: the dates would not be used.
        frame = frame.with_columns(referral_date=pl.lit(None, dtype=pl.Date))
    frame = frame.with_columns(
        limit=pl.col("kind").replace_strict(limits, return_dtype=pl.Int64),
        clock_start=pl.when(timed_from_referral & (pl.col("referral_date") <= pl.col("start")))
        .then("referral_date")
        .otherwise("start"),
        until=pl.coalesce("authorised", pl.lit(as_at)),
    )
    return _with_elapsed(frame, "clock_start", "until", calendar).with_columns(
        late=pl.col("elapsed") > pl.col("limit"),
        # R-TS-10: only open, not overdue assessments have days left to their due date. The
        # due date is the limit-th working day after the clock start (R-WD-3), so, R-WD-2
        # being additive, elapsed(as_at, due) = limit - elapsed(clock start, as_at).
        days_left=pl.when(
            pl.col("authorised").is_null() & (pl.col("elapsed") <= pl.col("limit"))
        ).then(pl.col("limit") - pl.col("elapsed")),
    )


def _within_timescale(done: pl.DataFrame) -> Result:
    """The in-time rate of assessments authorised in the period, with `kind:<kind>` rates (for
    the kinds authorised in it) and `band:<label>` counts."""
    kinds = done.group_by("kind").agg(n=pl.len(), in_time=(~pl.col("late")).sum())
    in_time_rows = done.filter(~pl.col("late"))
    cases = CasesBy(in_time_rows.get_column("kind"), in_time_rows.get_column("child_id"))
    found = {kind: rate(in_time, n, cases(kind)) for kind, n, in_time in kinds.iter_rows()}
    breakdown = {f"kind:{k.value}": found[k.value] for k in AssessmentKind if k.value in found}
    total = rate(in_time_rows.height, done.height, _cases(in_time_rows))
    breakdown.update(_bands(done, DURATION_BANDS, duration_band))
    return Result(total.value, total.numerator, total.denominator, total.cases, breakdown)


def _by_worker_and_team(total: _Tally, rows: pl.DataFrame, workers: pl.DataFrame) -> Result:
    """A count with its cases, broken down by the assessment's worker and that worker's team
    (from the workers frame); an unallocated assessment, or one whose worker is not in the
    frame, falls under `team:none` (and `worker:none` when unallocated)."""
    with_team = rows.select("child_id", "worker_id").join(
        workers.select("worker_id", "team_id"), on="worker_id", how="left"
    )
    breakdown = _counts_by(with_team, "worker_id", "worker")
    breakdown.update(_counts_by(with_team, "team_id", "team"))
    return Result(total.height, total.height, None, total.cases, breakdown)


# --- ICPCs (R-TS-5) --------------------------------------------------------------------------


def _icpc_measures(data: CaseData, ctx: Context) -> dict[str, Result]:
    """ICPCs held in the period by as_at, for enquiries whose strategy discussion was by as_at
    and which did not record that no conference was needed."""
    held = data.section47s.filter(
        (pl.col("strategy_date") <= ctx.as_at)
        & pl.col("icpc_date").is_between(ctx.period.start, _last_day(ctx))
        & ~pl.col("icpc_not_required").fill_null(False)
    )
    untimeable = held.filter(pl.col("icpc_date") < pl.col("strategy_date"))
    held = _with_elapsed(
        held.filter(pl.col("icpc_date") >= pl.col("strategy_date")),
        "strategy_date",
        "icpc_date",
        ctx.calendar,
    )
    on_time = held.filter(pl.col("elapsed") <= ctx.policy.timescales.icpc_days)
    result = rate(on_time.height, held.height, _cases(on_time))
    breakdown = _bands(held, ICPC_BANDS, icpc_band)
    return {
        "icpc.within_15wd_rate": Result(
            result.value, result.numerator, result.denominator, result.cases, breakdown
        ),
        "data_quality.icpc_before_strategy_discussion": _count(untimeable),
    }


# --- CP reviews (R-TS-6) ---------------------------------------------------------------------


def _cp_review_rate(data: CaseData, ctx: Context) -> Result:
    """R-TS-6. Each plan's deadlines form a chain: the plan start (the ICPC) and then every
    review held after it (by as_at) is an anchor; the deadline set by an anchor is
    `add_months(anchor, months)` and is met when the next review is held on or before it.
    A late review still becomes the next anchor, so the following interval runs from the day it
    was held; a deadline with no later review is missed once, and sets no further deadline."""
    timescales = ctx.policy.timescales
    plans = data.cp_plans.filter(pl.col("start") <= ctx.as_at).select(
        "plan_id", "child_id", "start", "end"
    )
    reviews = (
        data.cp_reviews.filter(pl.col("date") <= ctx.as_at)
        .join(plans.select("plan_id", "start"), on="plan_id")
        .filter(pl.col("date") > pl.col("start"))
        .select("plan_id", anchor="date", first=pl.lit(False))
    )
    anchors = pl.concat(
        [plans.select("plan_id", anchor="start", first=pl.lit(True)), reviews]
    ).sort("plan_id", "anchor")
    same_plan = pl.col("plan_id").shift(-1) == pl.col("plan_id")
    deadlines = (
        anchors.with_columns(
            answered=pl.when(same_plan).then(pl.col("anchor").shift(-1)),
            # Calendar months clipped to the month's end, as `periods.add_months`.
            deadline=pl.when("first")
            .then(pl.col("anchor").dt.offset_by(f"{timescales.first_cp_review_months}mo"))
            .otherwise(pl.col("anchor").dt.offset_by(f"{timescales.cp_review_interval_months}mo")),
        )
        .join(plans.select("plan_id", "child_id", "end"), on="plan_id")
        .filter(
            pl.col("deadline").is_between(ctx.period.start, _last_day(ctx))
            & (pl.col("end").is_null() | (pl.col("deadline") < pl.col("end")))
        )
        .with_columns(
            met=pl.col("answered").is_not_null() & (pl.col("answered") <= pl.col("deadline"))
        )
    )
    met = int(deadlines["met"].sum())
    return rate(met, deadlines.height, _cases(deadlines.filter(~pl.col("met"))))


# --- shared shapes ---------------------------------------------------------------------------


def _with_elapsed(
    frame: pl.DataFrame, start: str, end: str, calendar: WorkingDayCalendar
) -> pl.DataFrame:
    """`frame` with `elapsed`: R-WD-2 working days from column `start` to column `end`.

    R-WD-2 is additive (elapsed(a, c) = elapsed(a, b) + elapsed(b, c)), so the count from the
    earliest date to every day up to the latest is taken once (a few hundred days, for a year
    of all England) and each row's count is the difference of two of them: exact, and much
    cheaper than counting row by row."""
    first, last = frame.select(
        first=pl.min_horizontal(pl.col(start).min(), pl.col(end).min()),
        last=pl.max_horizontal(pl.col(start).max(), pl.col(end).max()),
    ).row(0)
    if first is None:
        return frame.with_columns(elapsed=pl.lit(None, dtype=pl.Int64))
    running = pl.select(elapsed(pl.lit(first), pl.date_range(first, last), calendar)).to_series()

    def days_to(column: str) -> pl.Expr:
        return pl.lit(running).gather((pl.col(column) - pl.lit(first)).dt.total_days())

    return frame.with_columns(elapsed=days_to(end) - days_to(start))


@dataclass(frozen=True)
class _Tally:
    """How many rows matched, and their distinct children in order."""

    height: int
    cases: Cases

    @property
    def result(self) -> Result:
        return count(self.height, self.cases)


def _tallies(frame: pl.DataFrame, **conditions: pl.Expr) -> dict[str, _Tally]:
    """Each named condition's row count, in one query over the frame, and its children."""
    if not conditions:
        return {}
    flags = frame.select(
        *(condition.fill_null(False).alias(name) for name, condition in conditions.items())
    )
    counts = flags.sum().row(0, named=True)
    children = frame.get_column("child_id")
    return {
        name: _Tally(int(counts[name] or 0), Cases.of(children.filter(flags.get_column(name))))
        for name in conditions
    }


def _cases(frame: pl.DataFrame) -> Cases:
    return Cases.of(frame.get_column("child_id"))


def _count(frame: pl.DataFrame) -> Result:
    return count(frame.height, _cases(frame))


def _counts_by(frame: pl.DataFrame, column: str, label: str) -> dict[str, Result]:
    """`<label>:<id>` (or `<label>:none`) → count of rows with their children, in id order."""
    groups = frame.group_by(column).agg(n=pl.len()).sort(column, nulls_last=True)
    cases = CasesBy(frame.get_column(column), frame.get_column("child_id"))
    return {
        f"{label}:{'none' if key is None else key}": count(n, cases(key))
        for key, n in groups.iter_rows()
    }


def _bands(
    frame: pl.DataFrame, labels: tuple[str, ...], band_of: Callable[[int], str]
) -> dict[str, Result]:
    """`band:<label>` → count of rows (every band, zero included) by their `elapsed` days. The
    scalar band rule is applied to each distinct value, so the two cannot disagree; the rows are
    counted per value, and banded one by one only if their cases are read."""
    per_value = frame.group_by("elapsed").len()
    band = {value: band_of(value) for value in per_value.get_column("elapsed").to_list()}
    totals = dict.fromkeys(labels, 0)
    for value, n in per_value.iter_rows():
        totals[band[value]] += n
    elapsed, children = frame.get_column("elapsed"), frame.get_column("child_id")
    cases = CasesBy.later(lambda: (elapsed.replace_strict(band, return_dtype=pl.String), children))
    return {
        f"band:{label}": count(totals[label], cases(label)) if totals[label] else count(0)
        for label in labels
    }


def _last_day(ctx: Context) -> dt.date:
    """The last day an event can count in the period: its end, or as_at if that is earlier."""
    return min(ctx.period.end, ctx.as_at)
