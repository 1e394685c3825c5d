"""The timeliness family (R-TS-2..6, R-TS-10, R-WD-2, R-WD-3): the property test against a
row-by-row reference built on the scalar rules in `engine/timeliness.py`. The hand-worked cases
are in `test_timeliness.py`."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.engine.frames import CaseData
from oversight.engine.measures.timeliness import MEASURES, timeliness
from oversight.engine.periods import add_months
from oversight.engine.policy import ClockStart
from oversight.engine.registry import REGISTRY, Context, Period, Result, count, rate
from oversight.engine.timeliness import (
    DURATION_BANDS,
    ICPC_BANDS,
    AssessmentFacts,
    AssessmentKind,
    TimelinessState,
    assessment_status,
    icpc_band,
)
from tests.engine.measures.timeliness_frames import (
    CALENDAR,
    D,
    assessment,
    data,
    plan,
    referral,
    reviews,
    s47,
    timescales,
    worker,
)

# --- property: the engine agrees with a row-by-row reference ----------------------------------

EPOCH = D(2022, 8, 1)  # the window covers the State Funeral, Christmas 2022 and Easter 2023
SPAN = 330


def day(offset: int) -> dt.date:
    return EPOCH + dt.timedelta(days=offset)


def reference(case_data: CaseData, ctx: Context) -> dict[str, Result]:
    """The family's measures, one record at a time, through the scalar rules."""
    as_at, period, policy = ctx.as_at, ctx.period, ctx.policy
    last = min(period.end, as_at)

    def in_period(day: dt.date) -> bool:
        return period.start <= day <= last

    def cases(rows: Iterable[Mapping[str, Any]]) -> tuple[int, ...]:
        return tuple(sorted({r["child_id"] for r in rows}))

    teams = {w["worker_id"]: w["team_id"] for w in case_data.workers.to_dicts()}
    referral_dates = {
        r["referral_id"]: r["date"] for r in case_data.referrals.to_dicts() if r["date"] <= as_at
    }

    completed, open_late, due_soon, missing, before_start, referral_after = [], [], [], [], [], []
    for row in case_data.assessments.to_dicts():
        if row["start"] > as_at:
            continue
        authorised = row["authorised"]
        known = authorised is not None and authorised <= as_at
        if known and not in_period(authorised):
            continue
        if known and authorised < row["start"]:
            before_start.append(row)
            continue
        facts = AssessmentFacts(
            assessment_id=row["assessment_id"],
            child_id=row["child_id"],
            worker_id=row["worker_id"],
            kind=AssessmentKind(row["kind"]),
            start=row["start"],
            referral_date=referral_dates.get(row["referral_id"]),
            authorised=authorised,
            delay_reason=row["delay_reason"] or "",
        )
        status = assessment_status(facts, as_at=as_at, policy=policy, calendar=CALENDAR)
        assert status is not None
        entry = {**row, "status": status}
        if facts.referral_date is not None and facts.referral_date > facts.start:
            referral_after.append(entry)
        if status.state in (TimelinessState.COMPLETED_IN_TIME, TimelinessState.COMPLETED_LATE):
            completed.append(entry)
        elif status.state is TimelinessState.OVERDUE:
            open_late.append(entry)
        elif status.state is TimelinessState.DUE_SOON:
            due_soon.append(entry)
        if status.missing_delay_reason:
            missing.append(entry)

    def in_time(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if r["status"].state is TimelinessState.COMPLETED_IN_TIME]

    def by_band(rows: list[dict[str, Any]], labels: tuple[str, ...]) -> dict[str, Result]:
        return {
            f"band:{label}": count(len(m := [r for r in rows if r["band"] == label]), cases(m))
            for label in labels
        }

    breakdown: dict[str, Result] = {}
    for kind in AssessmentKind:
        of_kind = [r for r in completed if r["kind"] == kind.value]
        if of_kind:
            breakdown[f"kind:{kind.value}"] = rate(
                len(in_time(of_kind)), len(of_kind), cases(in_time(of_kind))
            )
    breakdown.update(by_band([{**r, "band": r["status"].band} for r in completed], DURATION_BANDS))
    total = rate(len(in_time(completed)), len(completed), cases(in_time(completed)))

    def by_worker(rows: list[dict[str, Any]]) -> Result:
        groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            w = r["worker_id"]
            groups[f"worker:{'none' if w is None else w}"].append(r)
            team = teams.get(w)
            groups[f"team:{'none' if team is None else team}"].append(r)
        return Result(
            len(rows),
            len(rows),
            None,
            cases(rows),
            {key: count(len(g), cases(g)) for key, g in groups.items()},
        )

    durations = [r["status"].elapsed_days for r in completed]
    median = float(statistics.median(durations)) if durations else None

    # R-TS-5
    icpcs, icpc_before = [], []
    for row in case_data.section47s.to_dicts():
        icpc = row["icpc_date"]
        if (
            row["strategy_date"] > as_at
            or icpc is None
            or not in_period(icpc)
            or row["icpc_not_required"]
        ):
            continue
        if icpc < row["strategy_date"]:
            icpc_before.append(row)
            continue
        days = CALENDAR.elapsed(row["strategy_date"], icpc)
        icpcs.append(
            {**row, "on_time": days <= policy.timescales.icpc_days, "band": icpc_band(days)}
        )
    icpc_on_time = [r for r in icpcs if r["on_time"]]
    icpc_result = rate(len(icpc_on_time), len(icpcs), cases(icpc_on_time))

    # R-TS-6: walk each plan's reviews in date order.
    held: dict[int, list[dt.date]] = defaultdict(list)
    for row in case_data.cp_reviews.to_dicts():
        held[row["plan_id"]].append(row["date"])
    due, met, missed = 0, 0, []
    for row in case_data.cp_plans.to_dicts():
        if row["start"] > as_at:
            continue
        later = sorted(d for d in held[row["plan_id"]] if row["start"] < d <= as_at)
        anchor, months = row["start"], policy.timescales.first_cp_review_months
        for i in range(len(later) + 1):
            deadline = add_months(anchor, months)
            answer = later[i] if i < len(later) else None
            if in_period(deadline) and (row["end"] is None or deadline < row["end"]):
                due += 1
                if answer is not None and answer <= deadline:
                    met += 1
                else:
                    missed.append(row)
            if answer is not None:
                anchor, months = answer, policy.timescales.cp_review_interval_months

    return {
        "assessments.within_timescale_rate": Result(
            total.value, total.numerator, total.denominator, total.cases, breakdown
        ),
        "assessments.median_duration": Result(median, median, len(completed)),
        "assessments.open_overdue": by_worker(open_late),
        "assessments.open_due_soon": by_worker(due_soon),
        "assessments.overdue_missing_reason": count(len(missing), cases(missing)),
        "icpc.within_15wd_rate": Result(
            icpc_result.value,
            icpc_result.numerator,
            icpc_result.denominator,
            icpc_result.cases,
            by_band(icpcs, ICPC_BANDS),
        ),
        "cp_reviews.on_time_rate": rate(met, due, cases(missed)),
        "data_quality.assessment_authorised_before_start": count(
            len(before_start), cases(before_start)
        ),
        "data_quality.referral_after_assessment_start": count(
            len(referral_after), cases(referral_after)
        ),
        "data_quality.icpc_before_strategy_discussion": count(len(icpc_before), cases(icpc_before)),
    }


OFFSETS = st.integers(0, SPAN)
REASONS = st.sampled_from([None, "", "  ", "\t", "\x1c", "\xa0", "Family unavailable"])


# Month ends, to exercise add_months' clipping (30 Nov + 3 months = 28 Feb).
MONTH_ENDS = [D(2022, 8, 31), D(2022, 10, 31), D(2022, 11, 30), D(2023, 1, 31)]
JITTER = st.integers(-2, 2)  # dates near a boundary, so ties (same day) are common


@st.composite
def random_case_data(draw: st.DrawFn) -> CaseData:
    children = st.integers(1, 5)
    referral_rows = []
    assessment_rows = []
    for i in range(draw(st.integers(0, 10))):
        start = draw(OFFSETS)
        authorised = draw(st.none() | st.integers(-5, 90))
        # No referral, one not in the frame (99), or one dated near the start (before or after).
        link = draw(st.sampled_from(["none", "missing", "dated"]))
        if link == "dated":
            referral_rows.append(referral(i, day(start + draw(st.integers(-12, 3))), i))
        assessment_rows.append(
            assessment(
                i,
                day(start),
                None if authorised is None else day(start + authorised),
                kind=draw(st.sampled_from(["initial", "core", "single"])),
                child=draw(children),
                referral={"none": None, "missing": 99, "dated": i}[link],
                worker=draw(st.none() | st.integers(1, 3)),  # worker 3 is not in the frame
                reason=draw(REASONS),
            )
        )
    s47_rows = []
    for i in range(draw(st.integers(0, 6))):
        strategy = draw(OFFSETS)
        icpc = draw(st.none() | st.integers(-3, 40))
        s47_rows.append(
            {
                **s47(
                    i,
                    day(strategy),
                    None if icpc is None else day(strategy + icpc),
                    not_required=draw(st.none() | st.booleans()),
                ),
                "child_id": draw(children),
            }
        )
    plan_rows, review_rows = [], []
    for i in range(draw(st.integers(0, 4))):
        plan_start = draw(st.one_of(OFFSETS.map(day), st.sampled_from(MONTH_ENDS)))

        def months_on(start: dt.date = plan_start) -> dt.date:
            months = add_months(start, draw(st.integers(0, 12)))
            return months + dt.timedelta(days=draw(JITTER))

        end = months_on() if draw(st.booleans()) else None
        plan_rows.append(plan(i, plan_start, end, child=draw(children)))
        dates = {months_on() for _ in range(draw(st.integers(0, 5)))}
        review_rows += reviews(i, *dates)
    return data(
        assessment_rows,
        referral_rows,
        s47_rows,
        plan_rows,
        review_rows,
        workers=[worker(1, 7), worker(2, None)],
    )


@st.composite
def random_context(draw: st.DrawFn) -> Context:
    policy = timescales(
        initial_assessment_days=draw(st.sampled_from([7, 10])),
        single_assessment_clock_start=draw(st.sampled_from(list(ClockStart))),
        due_soon_days=draw(st.integers(0, 7)),
        icpc_days=draw(st.integers(10, 20)),
        first_cp_review_months=draw(st.integers(1, 4)),
        cp_review_interval_months=draw(st.integers(1, 7)),
    )
    # Half the time the whole span (so most records fall in it), else a random stretch; as_at
    # is the period's end, or any day (before, inside or after the period).
    if draw(st.booleans()):
        period = Period(EPOCH, day(SPAN + 200))
    else:
        start = draw(OFFSETS)
        period = Period(day(start), day(start + draw(st.integers(0, 200))))
    as_at = draw(st.one_of(st.just(period.end), st.integers(0, SPAN + 200).map(day)))
    return Context(as_at, period, policy, CALENDAR)


@settings(max_examples=300, deadline=None)
@given(random_case_data(), random_context())
def test_r_ts_engine_agrees_with_the_row_by_row_reference(
    case_data: CaseData, ctx: Context
) -> None:
    assert timeliness(case_data, ctx) == reference(case_data, ctx)


@settings(max_examples=100, deadline=None)
@given(
    random_case_data(),
    random_context(),
    st.sets(st.sampled_from([m.id for m in MEASURES]), min_size=1),
)
def test_measures_asked_for_alone_agree_with_the_reference(
    case_data: CaseData, ctx: Context, ids: set[str]
) -> None:
    """The family skips what the measures asked for do not need; they come out the same."""
    expected = reference(case_data, ctx)
    assert REGISTRY.compute(case_data, ctx, ids) == {i: expected[i] for i in ids}
