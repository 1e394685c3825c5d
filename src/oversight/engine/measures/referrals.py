"""Re-referrals, NFA, contact conversion and possible misclassification (domain.md §5, R-RR).

The re-referral flag is computed once per child-and-day: the referrals known at `as_at` are
reduced to one row per (child, date), sorted, and each day looks at the child's previous and next
referral day with a shift. No self-join, so it stays linear at England's 650,000 referrals.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import polars as pl

from oversight.engine.frames import CaseData
from oversight.engine.measures.days import per_day
from oversight.engine.policy import ReferralPolicy
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

FAMILY = "referrals"

# DfE closure reasons meaning "assessed, not in need" (RC8 no further action, RC9 referred to
# early help): code values from engine/codesets/closure_reason.csv, not a policy choice.
NOT_IN_NEED_CLOSURES = ("RC8", "RC9")
# Annex A List 1 outcome for a contact that progressed to a referral (frames.ALLOWED).
PROGRESSED_TO_REFERRAL = "REFERRAL"
# Breakdown key for a referral or contact recorded without a source.
NO_SOURCE = "unknown"

MEASURES: list[Measure] = [
    Measure(
        "referrals.count",
        "Referrals",
        "Referrals dated in the period.",
        "R-RR-2",
        Unit.COUNT,
        Direction.NEUTRAL,
        FAMILY,
    ),
    Measure(
        "referrals.rereferral_rate",
        "Re-referrals within 12 months",
        "R-RR-1, R-RR-2: referrals in the period whose child had an earlier referral (a previous "
        "day) within the re-referral window before it, as a percentage of referrals in the period.",
        "R-RR-1, R-RR-2",
        Unit.PERCENT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "referrals.rereferral_rate_children",
        "Children re-referred",
        "R-RR-2 (child-based): children with at least one re-referral in the period, as a "
        "percentage of children referred in the period.",
        "R-RR-1, R-RR-2",
        Unit.PERCENT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "referrals.nfa_rate",
        "Referrals ending in no further action",
        "R-RR-3: referrals in the period flagged NFA, as a percentage of referrals in the period "
        "(England 6.5 % in 2024-25).",
        "R-RR-3",
        Unit.PERCENT,
        Direction.NEUTRAL,
        FAMILY,
    ),
    Measure(
        "referrals.assessed_not_in_need_rate",
        "Assessed, not in need",
        "R-RR-3: assessments authorised in the period whose referral was closed RC8 or RC9, as a "
        "percentage of assessments authorised in the period.",
        "R-RR-3",
        Unit.PERCENT,
        Direction.NEUTRAL,
        FAMILY,
    ),
    Measure(
        "referrals.contact_conversion_rate",
        "Contacts progressed to referral",
        "R-RR-4: contacts in the period whose outcome was a referral, as a percentage of contacts "
        "in the period, by source.",
        "R-RR-4",
        Unit.PERCENT,
        Direction.NEUTRAL,
        FAMILY,
    ),
    Measure(
        "referrals.possible_misclassification",
        "Referrals that may have been contacts",
        "R-RR-5: referrals in the period closed NFA with no assessment, section 47 enquiry or "
        "child protection plan during the episode; listed for audit, never changed.",
        "R-RR-5",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "referrals.rereferral_rate_excluding_misclassified",
        "Re-referrals, leaving out those after a possible misclassification",
        "R-RR-5: the R-RR-2 re-referral rate without the re-referrals whose previous referral was "
        "a possible misclassification (closed NFA with no assessment, s47 or plan).",
        "R-RR-1, R-RR-2, R-RR-5",
        Unit.PERCENT,
        Direction.DOWN,
        FAMILY,
    ),
    Measure(
        "data_quality.rereferral_same_day_duplicates",
        "Referrals duplicated on the same day",
        "R-RR-1 data quality: referrals in the period that share their child and date with "
        "another referral (a same-day referral is never a re-referral of the other).",
        "R-RR-1",
        Unit.COUNT,
        Direction.DOWN,
        FAMILY,
    ),
]


# The measures that need the re-referral flags, and those that also need R-RR-5's.
FLAGGED = frozenset(
    {
        "referrals.count",
        "referrals.rereferral_rate",
        "referrals.rereferral_rate_children",
        "referrals.nfa_rate",
        "referrals.possible_misclassification",
        "referrals.rereferral_rate_excluding_misclassified",
        "data_quality.rereferral_same_day_duplicates",
    }
)
MISCLASSIFIED = frozenset(
    {"referrals.possible_misclassification", "referrals.rereferral_rate_excluding_misclassified"}
)


@REGISTRY.family(FAMILY, MEASURES)
def referral_measures(
    data: CaseData, ctx: Context, *, wanted: Collection[str] | None = None
) -> dict[str, Result]:
    ids = frozenset(m.id for m in MEASURES) if wanted is None else frozenset(wanted)
    as_at = ctx.as_at
    last_day = min(ctx.period.end, as_at)
    results: dict[str, Result] = {}
    if ids & FLAGGED:
        referrals = _flagged(
            data, as_at, ctx.policy.referrals, misclassification=bool(ids & MISCLASSIFIED)
        )
        in_period = referrals.filter(pl.col("date").is_between(ctx.period.start, last_day))
        results.update(_flag_measures(in_period, ids))
    if "referrals.assessed_not_in_need_rate" in ids:
        results["referrals.assessed_not_in_need_rate"] = _assessed_not_in_need(
            data, ctx.period.start, last_day, as_at
        )
    if "referrals.contact_conversion_rate" in ids:
        results["referrals.contact_conversion_rate"] = _rate(
            data.contacts.filter(pl.col("date").is_between(ctx.period.start, last_day)),
            (pl.col("outcome") == PROGRESSED_TO_REFERRAL).fill_null(False),
            by_source=True,
        )
    return results


def _flag_measures(in_period: pl.DataFrame, ids: frozenset[str]) -> dict[str, Result]:
    """The measures over the flagged referrals in the period that are in `ids`."""
    results: dict[str, Result] = {}
    if "referrals.count" in ids:
        results["referrals.count"] = count(in_period.height, _children(in_period))
    if "referrals.rereferral_rate" in ids:
        results["referrals.rereferral_rate"] = _rate(
            in_period, pl.col("rereferral"), by_source=True
        )
    if "referrals.rereferral_rate_children" in ids:
        rereferrals = in_period.filter(pl.col("rereferral"))
        results["referrals.rereferral_rate_children"] = rate(
            rereferrals.get_column("child_id").n_unique(),
            in_period.get_column("child_id").n_unique(),
            _children(rereferrals),
        )
    if "referrals.nfa_rate" in ids:
        results["referrals.nfa_rate"] = _rate(in_period, pl.col("nfa").fill_null(False))
    if "referrals.possible_misclassification" in ids:
        misclassified = in_period.filter(pl.col("misclassified"))
        followed = misclassified.filter(pl.col("followed_by_rereferral"))
        results["referrals.possible_misclassification"] = Result(
            misclassified.height,
            misclassified.height,
            None,
            _children(misclassified),
            {"followed_by_rereferral": count(followed.height, _children(followed))},
        )
    if "referrals.rereferral_rate_excluding_misclassified" in ids:
        results["referrals.rereferral_rate_excluding_misclassified"] = _rate(
            in_period, pl.col("rereferral") & ~pl.col("previous_misclassified")
        )
    if "data_quality.rereferral_same_day_duplicates" in ids:
        duplicates = in_period.filter(pl.col("same_day_duplicate"))
        results["data_quality.rereferral_same_day_duplicates"] = count(
            duplicates.height, _children(duplicates)
        )
    return results


def flagged_referrals(data: CaseData, as_at: dt.date, policy: ReferralPolicy) -> pl.DataFrame:
    """Every referral known at `as_at`, sorted by child, date and referral_id, with:

    - `rereferral` (R-RR-1): the child's previous referral *day* (strictly earlier: a same-day
      referral never counts) lies within the window before this referral;
    - `same_day_duplicate`: another referral of the child shares this date;
    - `misclassified` (R-RR-5): see `possible_misclassifications`;
    - `followed_by_rereferral`: the child's next referral day falls within the window after it
      (the next day is the first to reach back, as a window's start only moves forwards);
    - `previous_misclassified`: the most recent earlier referral (latest date, then highest
      referral_id) was a possible misclassification.
    """
    return _flagged(data, as_at, policy, misclassification=True)


def _flagged(
    data: CaseData, as_at: dt.date, policy: ReferralPolicy, *, misclassification: bool
) -> pl.DataFrame:
    """`flagged_referrals`; without `misclassification`, only `rereferral` and
    `same_day_duplicate` (and `previous_date`) are added: R-RR-5 needs the child's assessments,
    s47 enquiries and plans, which the re-referral rates do not."""
    referrals = _by_child_and_day(
        data.referrals.filter(pl.col("date") <= as_at).select(
            "referral_id", "child_id", "date", "source", "nfa", "closure_date"
        )
    )
    child, day = pl.col("child_id"), pl.col("date")
    row = pl.int_range(pl.len(), dtype=pl.Int64)
    same_child_before = (child.shift(1) == child).fill_null(False)
    same_child_after = (child.shift(-1) == child).fill_null(False)
    first_of_day = ~(same_child_before & (day.shift(1) == day))
    last_of_day = ~(same_child_after & (day.shift(-1) == day))
    # Every row points at the last row of its child's previous day and the first row of its
    # next day (-1: none), found at the day's edges and filled across the day: no self-join.
    previous_row = (
        pl.when(first_of_day)
        .then(pl.when(same_child_before).then(row - 1).otherwise(-1))
        .forward_fill()
    )
    # The window's start is worked out once per distinct day (calendar-month arithmetic costs
    # more than the rest of the flags), then looked up.
    window_opens = per_day(referrals, "date", lambda days: _window_opens(days, policy))
    # The previous day is always strictly earlier and the next strictly later, so a same-day
    # referral never makes a re-referral.
    if not misclassification:
        return referrals.with_columns(
            same_day_duplicate=~(first_of_day & last_of_day),
            previous_date=_at(day, previous_row),
        ).with_columns(rereferral=_reaches(pl.col("previous_date"), window_opens, policy))
    misclassified = possible_misclassifications(data, referrals, as_at)
    next_row = (
        pl.when(last_of_day)
        .then(pl.when(same_child_after).then(row + 1).otherwise(-1))
        .backward_fill()
    )
    return (
        referrals.with_columns(
            misclassified=pl.col("referral_id").is_in(misclassified.implode()),
            same_day_duplicate=~(first_of_day & last_of_day),
            window_opens=window_opens,
            previous_row=previous_row,
            next_row=next_row,
        )
        .with_columns(
            previous_date=_at(day, pl.col("previous_row")),
            previous_misclassified=_at(pl.col("misclassified"), pl.col("previous_row")).fill_null(
                False
            ),
            next_window_opens=_at(pl.col("window_opens"), pl.col("next_row")),
        )
        .select(
            pl.exclude("previous_row", "next_row", "window_opens", "next_window_opens"),
            rereferral=_reaches(pl.col("previous_date"), pl.col("window_opens"), policy),
            followed_by_rereferral=_reaches(day, pl.col("next_window_opens"), policy),
        )
    )


def _by_child_and_day(referrals: pl.DataFrame) -> pl.DataFrame:
    """Sorted by child, date, then referral_id (the tie-break for "most recent"). Child and day
    are packed into one integer key when it cannot overflow, which halves the sort's time."""
    child, day = pl.col("child_id"), pl.col("date")
    low, high, first, last = referrals.select(
        low=child.min(), high=child.max(), first=day.min(), last=day.max()
    ).row(0)
    if low is None:
        return referrals
    days = (last - first).days + 1
    if (high - low + 1) * days >= 2**62:  # Python integers: this check itself cannot overflow
        return referrals.sort("child_id", "date", "referral_id")
    key = (child - child.min()) * days + (day - day.min()).dt.total_days()
    return referrals.sort(key, "referral_id")


def _at(column: pl.Expr, row: pl.Expr) -> pl.Expr:
    """`column`'s value at row number `row`, or null where `row` is -1."""
    return pl.when(row >= 0).then(column.gather(row.clip(0)))


def possible_misclassifications(
    data: CaseData, referrals: pl.DataFrame, as_at: dt.date
) -> pl.Series:
    """R-RR-5: ids of referrals closed (by `as_at`) and flagged NFA with no assessment and no
    s47 enquiry linked to them (by referral_id, or the same child's started between the
    referral date and the closure date, both included) and no child protection plan started in
    that episode. Activity dated after `as_at` has not happened yet."""
    closed_nfa = referrals.filter(
        pl.col("nfa").fill_null(False) & (pl.col("closure_date") <= as_at)
    ).select("referral_id", "child_id", "date", "closure_date")
    assessments = data.assessments.filter(pl.col("start") <= as_at)
    section47s = data.section47s.filter(pl.col("strategy_date") <= as_at)
    plans = data.cp_plans.filter(pl.col("start") <= as_at)
    linked = pl.concat(
        [
            assessments.select("referral_id"),
            section47s.select("referral_id"),
        ]
    ).drop_nulls()
    activity = pl.concat(
        [
            assessments.select("child_id", day=pl.col("start")),
            section47s.select("child_id", day=pl.col("strategy_date")),
            plans.select("child_id", day=pl.col("start")),
        ]
    )
    # Only closed NFA referrals (a few per cent) meet the child's activity, so this join is small.
    during_episode = (
        closed_nfa.join(activity, on="child_id")
        .filter(pl.col("day").is_between(pl.col("date"), pl.col("closure_date")))
        .select("referral_id")
    )
    return (
        closed_nfa.join(linked, on="referral_id", how="anti")
        .join(during_episode, on="referral_id", how="anti")
        .get_column("referral_id")
    )


def _window_opens(day: pl.Expr, policy: ReferralPolicy) -> pl.Expr:
    """R-RR-1: the first day of the re-referral window before `day`: 12 calendar months
    earlier by default (clipped to the month's end, exactly as `periods.add_months`), or a
    number of days when the policy sets one."""
    if policy.rereferral_window_days is not None:
        return day - pl.duration(days=policy.rereferral_window_days)
    return day.dt.offset_by(f"-{policy.rereferral_window_months}mo")


def _reaches(earlier: pl.Expr, opens: pl.Expr, policy: ReferralPolicy) -> pl.Expr:
    """R-RR-1: an earlier referral day falls in the window opening on `opens` (the window's
    first day itself counts when the policy says inclusive). Null (no such day) is no."""
    inside = earlier >= opens if policy.rereferral_window_inclusive else earlier > opens
    return inside.fill_null(False)


def _assessed_not_in_need(
    data: CaseData, first_day: dt.date, last_day: dt.date, as_at: dt.date
) -> Result:
    """R-RR-3: assessments authorised in the period whose referral was closed RC8/RC9 (both the
    referral and its closure known at `as_at`)."""
    closed_not_in_need = data.referrals.filter(
        (pl.col("date") <= as_at)
        & (pl.col("closure_date") <= as_at)
        & pl.col("closure_reason").is_in(NOT_IN_NEED_CLOSURES)
    ).get_column("referral_id")
    authorised = data.assessments.filter(pl.col("authorised").is_between(first_day, last_day))
    return _rate(authorised, pl.col("referral_id").is_in(closed_not_in_need.implode()))


def _rate(frame: pl.DataFrame, hit: pl.Expr, *, by_source: bool = False) -> Result:
    """A percentage of `frame`'s rows for which `hit` holds; cases are the hits' children.
    With `by_source`, the same per source code (`source:<code>`) for every source present."""
    columns = ["child_id", "source"] if by_source else ["child_id"]
    flagged = frame.select(*columns, hit=hit.fill_null(False))
    hits = flagged.filter(pl.col("hit"))
    overall = rate(hits.height, flagged.height, _children(hits))
    if not by_source:
        return overall
    totals = flagged.group_by("source").agg(pl.len(), pl.col("hit").sum())
    cases = CasesBy(hits.get_column("source"), hits.get_column("child_id"))
    breakdown = {
        f"source:{NO_SOURCE if source is None else source}": rate(n_hits, n, cases(source))
        for source, n, n_hits in sorted(totals.iter_rows(), key=lambda row: _source_order(row[0]))
    }
    return Result(overall.value, overall.numerator, overall.denominator, overall.cases, breakdown)


def _source_order(source: object) -> tuple[bool, str]:
    return (source is None, str(source))


def _children(frame: pl.DataFrame) -> Cases:
    return Cases.of(frame.get_column("child_id"))
