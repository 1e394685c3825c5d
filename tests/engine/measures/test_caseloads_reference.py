"""Caseloads at a date (R-CL-1..5): the vectorised board and measures against a row-by-row
reference built on the scalar rules (`engine/caseload.py`). The hand-worked values are in
`test_caseloads.py`."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.engine.caseload import (
    AllocationFacts,
    CaseRole,
    WorkerLoad,
    team_load,
    worker_loads,
)
from oversight.engine.measures.caseloads import MEASURES, month_end_caseloads
from oversight.engine.periods import add_months
from oversight.engine.policy import CaseloadPolicy, Policy
from oversight.engine.registry import REGISTRY, Context, Period, Result
from oversight.engine.workforce import Absence, Grade, WorkerFacts
from tests.engine.measures.caseloads_frames import (
    CALENDAR,
    POLICY,
    D,
    Row,
    allocation,
    board,
    case_data,
    measures,
    s47,
    worker,
)

# ------------------------------------------------------- reference implementation (row by row)


def reference_facts(
    rows: dict[str, list[Row]], as_at: dt.date
) -> tuple[list[WorkerFacts], list[AllocationFacts]]:
    absences: dict[int, list[Absence]] = {}
    for a in rows["absences"]:
        absences.setdefault(a["worker_id"], []).append(Absence(a["start"], a["end"]))
    workers = [
        WorkerFacts(
            worker_id=w["worker_id"],
            name=w["name"],
            role=w["role"],
            team_id=w["team_id"],
            qualified=w["qualified"],
            qualification_date=w["qualification_date"] if w["qualified"] else None,
            start_date=w["start_date"],
            end_date=w["end_date"],
            fte=w["fte"],
            absences=tuple(absences.get(w["worker_id"], ())),
        )
        for w in sorted(rows["workers"], key=lambda w: w["worker_id"])
    ]
    allocations = []
    for a in sorted(rows["allocations"], key=lambda a: a["allocation_id"]):
        level = a["complexity_level"]
        latest = None
        for c in rows["complexity"]:
            known = c["child_id"] == a["child_id"] and a["start"] <= c["assessed_on"] <= as_at
            if known and (latest is None or c["assessed_on"] > latest):
                latest, level = c["assessed_on"], c["level"]
        allocations.append(
            AllocationFacts(
                a["allocation_id"],
                a["child_id"],
                a["worker_id"],
                CaseRole(a["role"]),
                a["start"],
                a["end"],
                level,
            )
        )
    return workers, allocations


def reference(
    rows: dict[str, list[Row]], as_at: dt.date, policy: Policy
) -> tuple[list[tuple[Any, ...]], dict[str, Result]]:
    rules = policy.caseload
    workers, allocations = reference_facts(rows, as_at)
    loads = worker_loads(workers, allocations, as_at=as_at, policy=policy, calendar=CALENDAR)
    team = {w.worker_id: w.team_id for w in workers}
    on_board = {load.worker_id for load in loads}
    held = [a for a in allocations if a.open_at(as_at) and a.worker_id in on_board]

    s47s_of: dict[int, list[Row]] = {}
    for s in rows["section47s"]:
        days_before = (as_at - s["strategy_date"]).days
        if s["lead_worker_id"] in on_board and 0 <= days_before < 7 * rules.s47_window_weeks:
            s47s_of.setdefault(s["lead_worker_id"], []).append(s)
    led = {load.worker_id: len(s47s_of.get(load.worker_id, [])) for load in loads}
    per_fte = {load.worker_id: led[load.worker_id] / load.fte for load in loads}
    team_led: dict[int | None, int] = {}
    team_rates: dict[int | None, list[float]] = {}
    for load in loads:
        team_led[team[load.worker_id]] = team_led.get(team[load.worker_id], 0) + led[load.worker_id]
        team_rates.setdefault(team[load.worker_id], []).append(per_fte[load.worker_id])
    flag = {
        load.worker_id: per_fte[load.worker_id]
        > statistics.median(team_rates[team[load.worker_id]]) * (1 + rules.s47_flag_above_median)
        for load in loads
    }
    frame = [
        (
            load.worker_id,
            team[load.worker_id],
            load.grade.value,
            load.fte,
            load.cases,
            load.co_worked,
            float(load.weighted_load),
            load.capacity,
            load.utilisation,
            led[load.worker_id],
            per_fte[load.worker_id],
            led[load.worker_id] / team_led[team[load.worker_id]]
            if team_led[team[load.worker_id]]
            else None,
            flag[load.worker_id],
        )
        for load in loads
    ]

    def children(keep: Callable[[AllocationFacts], bool]) -> tuple[int, ...]:
        return tuple(sorted({a.child_id for a in held if keep(a)}))

    def average(group: list[WorkerLoad]) -> Result:
        holders = [g for g in group if g.grade != Grade.FSW and g.cases > 0]
        ids = {g.worker_id for g in holders}
        total = team_load(holders)
        return Result(
            total.cases_per_fte,
            total.cases,
            total.fte,
            children(lambda a: a.worker_id in ids and a.role == CaseRole.CASE_HOLDER),
        )

    def utilisation(group: list[WorkerLoad]) -> Result:
        ids = {g.worker_id for g in group}
        total = team_load(group)
        value = None if total.utilisation is None else total.utilisation * 100
        return Result(
            value, total.weighted_load, total.capacity, children(lambda a: a.worker_id in ids)
        )

    teams = sorted({t for load in loads if (t := team[load.worker_id]) is not None})
    by_team = {t: [load for load in loads if team[load.worker_id] == t] for t in teams}
    over = [load.worker_id for load in loads if load.over_capacity]
    co = [a for a in held if a.role == CaseRole.CO_WORKER]
    flagged = [w for w in flag if flag[w]]

    def s47_children(ids: list[int]) -> tuple[int, ...]:
        return tuple(sorted({s["child_id"] for w in ids for s in s47s_of.get(w, [])}))

    # R-CL-5: a holder allocation counts if it is open on a day of (as_at − window, as_at].
    first_day = add_months(as_at, -rules.churn_window_months) + dt.timedelta(days=1)
    all_holders = [a for a in allocations if a.role == CaseRole.CASE_HOLDER]
    churned = []
    for child in sorted({a.child_id for a in all_holders if a.open_at(as_at)}):
        workers_seen = set()
        for a in all_holders:
            last_day = as_at if a.end is None else min(as_at, a.end - dt.timedelta(days=1))
            if a.child_id == child and max(a.start, first_day) <= last_day:
                workers_seen.add(a.worker_id)
        if len(workers_seen) >= rules.churn_flag_workers:
            churned.append(child)

    # Overlaps: any two holder allocations (known at as_at) sharing a day.
    def last_open(a: AllocationFacts) -> dt.date:
        return dt.date.max if a.end is None or a.end > as_at else a.end - dt.timedelta(days=1)

    known = [a for a in all_holders if a.start <= as_at]
    overlapping = sorted(
        {
            a.child_id
            for a in known
            for b in known
            if a.allocation_id < b.allocation_id
            and a.child_id == b.child_id
            and max(a.start, b.start) <= min(last_open(a), last_open(b))
        }
    )

    results = {
        "caseload.average_per_fte": replace(
            average(loads), breakdown={f"team:{t}": average(by_team[t]) for t in teams}
        ),
        "caseload.utilisation": replace(
            utilisation(loads), breakdown={f"team:{t}": utilisation(by_team[t]) for t in teams}
        ),
        "caseload.workers_over_capacity": Result(
            len(over), len(over), None, (), {f"worker:{w}": Result(1, 1, None) for w in over}
        ),
        "caseload.co_worked_cases": Result(
            len(co), len(co), None, tuple(sorted({a.child_id for a in co}))
        ),
        "caseload.s47_pressure_flags": Result(
            len(flagged),
            len(flagged),
            None,
            s47_children(flagged),
            {
                f"worker:{w}": Result(per_fte[w], led[w], load.fte, s47_children([w]))
                for load in loads
                if led[(w := load.worker_id)] > 0
            },
        ),
        "caseload.churn_children": Result(len(churned), len(churned), None, tuple(churned)),
        "data_quality.allocation_overlaps": Result(
            len(overlapping), len(overlapping), None, tuple(overlapping)
        ),
    }
    return frame, results


BASE = D(2023, 6, 1)


def day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


def ends_after(start: dt.date) -> st.SearchStrategy[dt.date | None]:
    """No end, or an end on or after `start` (on it: an allocation never open)."""
    return st.one_of(st.none(), st.integers(0, 400).map(lambda n: start + dt.timedelta(days=n)))


@st.composite
def scenes(draw: st.DrawFn) -> tuple[dict[str, list[Row]], dt.date, Policy]:
    days = st.integers(-420, 60).map(day)
    ids = st.integers(1, 6)
    workers = []
    for worker_id in range(1, draw(st.integers(0, 6)) + 1):
        qualified = draw(st.booleans())
        start = draw(days)
        workers.append(
            worker(
                worker_id,
                role=draw(st.sampled_from(["SW", "SW", "SP", "FSW", "TM", "ATM", "IO"])),
                team=draw(st.sampled_from([1, 1, 2, None])),
                qualified=qualified,
                qualification=draw(st.one_of(st.none(), st.integers(-2000, 30).map(day)))
                if qualified
                else None,
                start=start,
                end=draw(ends_after(start)),
                fte=draw(st.sampled_from([1.0, 0.8, 0.6, 0.5, 0.4, 0.1])),
            )
        )
    absences: list[Row] = []
    for worker_id, offset in draw(st.lists(st.tuples(ids, st.integers(-30, 30)), max_size=3)):
        if any(a["worker_id"] == worker_id and a["start"] == day(offset) for a in absences):
            continue
        span = draw(st.integers(0, 40))
        absences.append({"worker_id": worker_id, "start": day(offset), "end": day(offset + span)})
    allocations = []
    for n in range(1, draw(st.integers(0, 14)) + 1):
        start = draw(days)
        end = draw(ends_after(start))
        allocations.append(
            allocation(
                n,
                draw(st.integers(1, 5)),
                draw(st.integers(1, 7)),  # 7: a worker the frames do not know
                draw(st.integers(1, 4)),
                role=draw(st.sampled_from(["holder", "holder", "co"])),
                start=start,
                end=end,
            )
        )
    complexity = [
        {"child_id": child, "assessed_on": assessed, "level": draw(st.integers(1, 4))}
        for child, assessed in draw(
            st.lists(st.tuples(st.integers(1, 5), days), max_size=4, unique=True)
        )
    ]
    section47s = [
        s47(n, draw(st.one_of(st.none(), st.integers(1, 7))), draw(st.integers(-120, 30).map(day)))
        for n in range(1, draw(st.integers(0, 12)) + 1)
    ]
    as_at = draw(st.integers(-30, 30).map(day))
    policy = replace(
        POLICY,
        caseload=CaseloadPolicy(
            co_worker_fraction=draw(st.sampled_from([0.5, 0.3])),
            asye_capacity_factor=draw(st.sampled_from([0.9, 0.8])),
            s47_window_weeks=draw(st.sampled_from([13, 4])),
            churn_window_months=draw(st.sampled_from([12, 6])),
            churn_flag_workers=draw(st.sampled_from([3, 2])),
        ),
    )
    rows = {
        "workers": workers,
        "absences": absences,
        "allocations": allocations,
        "complexity": complexity,
        "section47s": section47s,
    }
    return rows, as_at, policy


@settings(max_examples=150, deadline=None)
@given(scenes())
def test_r_cl_1_to_5_agree_with_the_row_by_row_reference(
    scene: tuple[dict[str, list[Row]], dt.date, Policy],
) -> None:
    rows, as_at, policy = scene
    data = case_data(**rows)
    expected_frame, expected = reference(rows, as_at, policy)
    assert board(data, as_at, policy).rows() == expected_frame
    assert measures(data, as_at, policy) == expected


@settings(max_examples=100, deadline=None)
@given(scenes(), st.lists(st.integers(-420, 60).map(day), max_size=6))
def test_month_end_series_agrees_with_the_reference_at_every_date(
    scene: tuple[dict[str, list[Row]], dt.date, Policy], dates: list[dt.date]
) -> None:
    """All dates in one pass (in the order given, repeats kept) equal the board date by date;
    drawn across the scene's whole span, so re-assessments fall between them."""
    rows, _, policy = scene
    series = month_end_caseloads(
        case_data(**rows), month_ends=dates, policy=policy, calendar=CALENDAR
    )
    expected = [(date, *row) for date in dates for row in reference(rows, date, policy)[0]]
    assert series.rows() == expected


@settings(max_examples=100, deadline=None)
@given(scenes(), st.sets(st.sampled_from([m.id for m in MEASURES]), min_size=1))
def test_measures_asked_for_alone_agree_with_the_reference(
    scene: tuple[dict[str, list[Row]], dt.date, Policy], ids: set[str]
) -> None:
    """The family skips what the measures asked for do not need; they come out the same."""
    rows, as_at, policy = scene
    context = Context(as_at, Period(as_at, as_at), policy, CALENDAR)
    _, expected = reference(rows, as_at, policy)
    assert REGISTRY.compute(case_data(**rows), context, ids) == {i: expected[i] for i in ids}
