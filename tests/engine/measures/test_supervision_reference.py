"""Supervision measures (domain.md §7, R-SV-1..5): the property test against a day-by-day
reference written with the scalar grade, month and calendar rules. The hand-worked cases per
rule are in `test_supervision.py`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_right
from collections.abc import Mapping
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oversight.engine.frames import SCHEMAS, CaseData
from oversight.engine.measures.supervision import MEASURES, supervision
from oversight.engine.periods import add_months
from oversight.engine.policy import MonthlyInterval, Policy, SupervisionPolicy
from oversight.engine.registry import REGISTRY, Context, Period, Result, count, rate
from oversight.engine.workforce import Grade, WorkerFacts, experience_grade
from tests.engine.measures.supervision_frames import CALENDAR, D, sessions, workers

# --- Property test: the engine equals a day-by-day reference ---------------------------------

ROLES = ["SW", "SW", "FSW", "TM", "ATM", "SP", "SM", "IO"]
BASE = D(2023, 1, 1)  # generated dates are day offsets from here (up to early 2025)


def on(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


# Strategies are built once: drawing from a fresh `st.dates(low, high)` each time costs more
# than the engine and the reference together.
MAYBE_AFTER = st.none() | st.integers(0, 400)
WORKER_ROW = st.tuples(
    st.integers(0, 640),  # start
    st.booleans(),  # snap the start to the 1st of its month (the ASYE year then ends on a 1st)
    st.sampled_from(ROLES),
    st.sampled_from([1, 2, None]),
    st.booleans(),  # qualified
    # Qualified this many days from starting: ASYEs are common, some qualifying in post.
    st.integers(-500, 60) | st.integers(1, 60),
    MAYBE_AFTER,  # end, days after the start
)
# A roughly regular rhythm near the intervals R-SV-1 asks for, so months both pass and fail.
RHYTHM = st.tuples(
    st.sampled_from([0, 0, 3, 7, 10]),  # first session, days after the start
    st.lists(
        st.tuples(
            st.sampled_from([6, 7, 8, 13, 14, 15, 27, 28, 29, 31]),  # gap to the next
            st.sampled_from([89, 90, 90, 90, 120]),
            st.none() | st.integers(0, 10),  # written up, days after
        ),
        max_size=30,
    ),
)
LOOSE_SESSION = st.tuples(
    st.integers(1, 5),  # supervisee (5 is never a worker)
    st.sampled_from([50, 51, None]),
    st.integers(150, 760),  # held
    st.sampled_from(["formal", "formal", "group", "informal"]),
    st.sampled_from([30, 60, 89, 90, 120]),
    # Written up this many days after; before the session is a data-quality case.
    st.none() | st.integers(-3, -1) | st.integers(0, 15),
)
ALLOCATION = st.tuples(
    st.integers(100, 103),  # child
    st.integers(1, 4),  # holder (reduced modulo the workers drawn)
    st.sampled_from(["holder", "holder", "co"]),
    st.integers(150, 730) | st.tuples(st.booleans(), st.integers(-1, 1)),  # start or boundary
    MAYBE_AFTER,  # end, days after the start
)
PROTECTION = st.tuples(st.integers(100, 103), st.booleans(), st.integers(150, 760), MAYBE_AFTER)
SUPERVISION_POLICY = st.builds(
    SupervisionPolicy,
    asye_weekly_weeks=st.integers(1, 8),
    asye_fortnightly_months=st.integers(1, 7),
    monthly_interval=st.sampled_from(list(MonthlyInterval)),
    monthly_days=st.sampled_from([21, 28, 30]),
    fsw_interval_days=st.sampled_from([14, 28]),
    minimum_minutes=st.sampled_from([60, 90]),
    write_up_working_days=st.integers(0, 6),
    case_oversight_weeks=st.integers(1, 8),
    cp_case_oversight_weeks=st.integers(1, 4),
)


def frame(table: str, rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=dict(SCHEMAS[table]), orient="row")


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[CaseData, Context]:
    as_at = on(draw(st.integers(380, 730)))
    start = as_at - dt.timedelta(days=draw(st.integers(0, 200)))
    end = as_at + dt.timedelta(days=draw(st.integers(-(as_at - start).days, 40)))
    rules = draw(SUPERVISION_POLICY)
    worker_rows: list[dict[str, Any]] = []
    session_rows: list[dict[str, Any]] = []
    for worker_id, (began, first, role, team, qualified, q, ends) in enumerate(
        draw(st.lists(WORKER_ROW, min_size=1, max_size=4)), start=1
    ):
        started = on(began).replace(day=1) if first else on(began)
        worker_rows.append(
            {
                "worker_id": worker_id,
                "role": role,
                "team_id": team,
                "qualified": qualified,
                "qualification_date": started + dt.timedelta(q) if qualified else None,
                "start_date": started,
                "end_date": None if ends is None else started + dt.timedelta(ends),
            }
        )
        after, rhythm = draw(RHYTHM)
        # From the start in post, or from some months before the period for a long-server.
        day = max(started, start - dt.timedelta(days=60)) + dt.timedelta(after)
        for gap, minutes, written in rhythm:
            session_rows.append(
                {
                    "supervisee_id": worker_id,
                    "supervisor_id": 50,
                    "held_on": day,
                    "kind": "formal",
                    "minutes": minutes,
                    "written_up_on": None if written is None else day + dt.timedelta(written),
                }
            )
            day += dt.timedelta(gap)
    for supervisee, supervisor, held, kind, minutes, written in draw(
        st.lists(LOOSE_SESSION, max_size=20)
    ):
        session_rows.append(
            {
                "supervisee_id": supervisee,
                "supervisor_id": supervisor,
                "held_on": on(held),
                "kind": kind,
                "minutes": minutes,
                "written_up_on": None if written is None else on(held + written),
            }
        )
    allocation_rows = []
    for i, (child, holder, role, begun, ends) in enumerate(
        draw(st.lists(ALLOCATION, max_size=8)), start=1
    ):
        if isinstance(begun, tuple):  # exactly the oversight interval ago, or a day either side
            cp, nudge = begun
            weeks = rules.cp_case_oversight_weeks if cp else rules.case_oversight_weeks
            first_day = as_at - dt.timedelta(weeks=weeks, days=nudge)
        else:
            first_day = on(begun)
        allocation_rows.append(
            {
                "allocation_id": i,
                "child_id": child,
                "worker_id": (holder - 1) % len(worker_rows) + 1,
                "role": role,
                "start": first_day,
                "end": None if ends is None else first_day + dt.timedelta(ends + 1),
                "complexity_level": 1,
            }
        )
    pairs = sorted(
        draw(st.sets(st.tuples(st.integers(1, len(session_rows)), st.integers(100, 103))))
        if session_rows
        else set()
    )
    protections = draw(st.lists(PROTECTION, max_size=4))
    s47_rows = [
        {
            "s47_id": i,
            "child_id": child,
            "referral_id": None,
            "lead_worker_id": None,
            "strategy_date": on(begun),
            "icpc_not_required": None,
            "icpc_date": None,
            "end_date": None if ends is None else on(begun + ends),
        }
        for i, (child, is_s47, begun, ends) in enumerate(protections, start=1)
        if is_s47
    ]
    plan_rows = [
        {
            "plan_id": i,
            "child_id": child,
            "start": on(begun),
            "end": None if ends is None else on(begun + ends),
            "category": "NEG",
        }
        for i, (child, is_s47, begun, ends) in enumerate(protections, start=1)
        if not is_s47
    ]
    data = CaseData.of(
        workers=workers(*worker_rows),
        supervision_sessions=sessions(*session_rows),
        allocations=frame("allocations", allocation_rows),
        case_discussions=frame(
            "case_discussions", [{"session_id": s, "child_id": c} for s, c in pairs]
        ),
        section47s=frame("section47s", s47_rows),
        cp_plans=frame("cp_plans", plan_rows),
    )
    policy = Policy(supervision=rules)
    return data, Context(as_at, Period(start, end), policy, CALENDAR)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(n) for n in range((last - first).days + 1)]


def facts(row: dict[str, Any]) -> WorkerFacts:
    return WorkerFacts(
        worker_id=row["worker_id"],
        name="",
        role=row["role"],
        team_id=row["team_id"],
        qualified=row["qualified"],
        qualification_date=row["qualification_date"] if row["qualified"] else None,
        start_date=row["start_date"],
        end_date=row["end_date"],
        fte=1.0,
    )


def start_in_post(worker: WorkerFacts, policy: Policy) -> dt.date:
    """The later of qualifying and starting for someone who is an ASYE then; else starting."""
    q = worker.qualification_date
    if q is not None and experience_grade(worker, max(q, worker.start_date), policy) == Grade.ASYE:
        return max(q, worker.start_date)
    return worker.start_date


def due_after(worker: WorkerFacts, day: dt.date, policy: Policy) -> dt.date:
    rules = policy.supervision
    grade = experience_grade(worker, day, policy)
    if grade == Grade.FSW:
        return day + dt.timedelta(days=rules.fsw_interval_days)
    if grade == Grade.ASYE:
        began = start_in_post(worker, policy)
        if day < began + dt.timedelta(weeks=rules.asye_weekly_weeks):
            return day + dt.timedelta(days=7)
        if day < add_months(began, rules.asye_fortnightly_months):
            return day + dt.timedelta(days=14)
    if rules.monthly_interval == MonthlyInterval.CALENDAR_MONTH:
        return add_months(day, 1)
    return day + dt.timedelta(days=rules.monthly_days)


def reference(data: CaseData, ctx: Context) -> Mapping[str, Result]:
    as_at, policy, rules = ctx.as_at, ctx.policy, ctx.policy.supervision
    session_rows = data.supervision_sessions.to_dicts()
    supervised = [
        facts(row)
        for row in data.workers.to_dicts()
        if row["role"] not in ("SM", "LM", "IO") and row["start_date"] <= as_at
    ]
    links: dict[int, list[dt.date]] = {}
    for worker in supervised:
        began = start_in_post(worker, policy)
        links[worker.worker_id] = sorted(
            {began}
            | {
                s["held_on"]
                for s in session_rows
                if s["supervisee_id"] == worker.worker_id
                and s["kind"] == "formal"
                and s["minutes"] >= rules.minimum_minutes
                and began <= s["held_on"] <= as_at
            }
        )
        links[worker.worker_id] = [d for d in links[worker.worker_id] if d <= as_at]

    # R-SV-2, day by day: in breach on day t when the due date after the last link on or before
    # t has been reached.
    month_starts = []
    month = D(ctx.period.start.year, ctx.period.start.month, 1)
    while month <= min(ctx.period.end, as_at):
        month_starts.append(month)
        month = add_months(month, 1)
    tallies: dict[str, list[int]] = {}

    def tally(key: str, ok: bool) -> None:
        tallies.setdefault(key, [0, 0])
        tallies[key][0] += ok
        tallies[key][1] += 1

    for worker in supervised:
        last_day = min(worker.end_date or as_at, as_at)
        for month in month_starts:
            first = max(month, worker.start_date)
            last = min(add_months(month, 1) - dt.timedelta(days=1), last_day)
            if first > last:
                continue
            ok = True
            chain = links[worker.worker_id]
            for t in days(first, last):
                before = bisect_right(chain, t)  # links on or before t
                if before and due_after(worker, chain[before - 1], policy) <= t:
                    ok = False
            tally("total", ok)
            tally(f"worker:{worker.worker_id}", ok)
            if worker.team_id is not None:
                tally(f"team:{worker.team_id}", ok)
            if any(experience_grade(worker, t, policy) == Grade.ASYE for t in days(first, last)):
                tally("grade:ASYE", ok)

    def tallied(key: str) -> Result:
        ok, of = tallies.get(key, [0, 0])
        return rate(ok, of)

    breakdown = {
        key: tallied(key)
        for key in sorted(k for k in tallies if k.startswith("worker:"))
        + sorted(k for k in tallies if k.startswith("team:"))
    }
    breakdown["grade:ASYE"] = tallied("grade:ASYE")
    total = tallied("total")
    compliance = dataclasses.replace(total, breakdown=breakdown)

    # R-SV-3.
    late = {}
    for worker in supervised:
        if worker.in_post(as_at) and links[worker.worker_id]:
            due = due_after(worker, links[worker.worker_id][-1], policy)
            if due < as_at:
                late[f"worker:{worker.worker_id}"] = count((as_at - due).days)
    overdue_workers = Result(len(late), len(late), None, (), late)

    # R-SV-4.
    on_time = judged = before_held = 0
    outstanding: dict[int | None, int] = {}
    for s in session_rows:
        if s["held_on"] > as_at:
            continue
        deadline = CALENDAR.add(s["held_on"], rules.write_up_working_days)
        written = s["written_up_on"] is not None and s["written_up_on"] <= as_at
        bad = written and s["written_up_on"] < s["held_on"]
        in_period = ctx.period.contains(s["held_on"])
        before_held += bad and in_period
        if in_period and deadline <= as_at and not bad:
            judged += 1
            on_time += written and s["written_up_on"] <= deadline
        if deadline < as_at and not written:
            outstanding[s["supervisor_id"]] = outstanding.get(s["supervisor_id"], 0) + 1
    not_written_up = Result(
        sum(outstanding.values()),
        sum(outstanding.values()),
        None,
        (),
        {f"worker:{k}": count(n) for k, n in sorted((k, n) for k, n in outstanding.items() if k)},
    )

    # R-SV-5.
    held = {s["session_id"]: s["held_on"] for s in session_rows if s["held_on"] <= as_at}
    last_discussed: dict[int, dt.date] = {}
    for d in data.case_discussions.to_dicts():
        if d["session_id"] in held:
            day = held[d["session_id"]]
            last_discussed[d["child_id"]] = max(day, last_discussed.get(d["child_id"], day))
    protected = {
        s["child_id"]
        for s in data.section47s.to_dicts()
        if s["strategy_date"] <= as_at and (s["end_date"] is None or s["end_date"] > as_at)
    } | {
        p["child_id"]
        for p in data.cp_plans.to_dicts()
        if p["start"] <= as_at and (p["end"] is None or p["end"] > as_at)
    }
    by_holder: dict[int, set[int]] = {}
    for a in data.allocations.to_dicts():
        if a["role"] != "holder" or a["start"] > as_at or (a["end"] and a["end"] <= as_at):
            continue
        since = max(a["start"], last_discussed.get(a["child_id"], a["start"]))
        weeks = (
            rules.cp_case_oversight_weeks
            if a["child_id"] in protected
            else rules.case_oversight_weeks
        )
        if (as_at - since).days > weeks * 7:
            by_holder.setdefault(a["worker_id"], set()).add(a["child_id"])
    children = tuple(sorted(set().union(*by_holder.values()))) if by_holder else ()
    oversight = Result(
        len(children),
        len(children),
        None,
        children,
        {f"worker:{w}": count(len(c), sorted(c)) for w, c in sorted(by_holder.items())},
    )
    return {
        "supervision.compliance_rate": compliance,
        "supervision.overdue_workers": overdue_workers,
        "supervision.write_up_on_time_rate": rate(on_time, judged),
        "supervision.not_written_up": not_written_up,
        "supervision.case_oversight_gaps": oversight,
        "data_quality.session_written_up_before_held": count(before_held),
    }


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_r_sv_1_to_5_engine_agrees_with_day_by_day_reference(
    scenario: tuple[CaseData, Context],
) -> None:
    data, ctx = scenario
    assert supervision(data, ctx) == reference(data, ctx)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.sets(st.sampled_from([m.id for m in MEASURES]), min_size=1))
def test_measures_asked_for_alone_agree_with_the_reference(
    scenario: tuple[CaseData, Context], ids: set[str]
) -> None:
    """The family skips what the measures asked for do not need; they come out the same."""
    data, ctx = scenario
    expected = reference(data, ctx)
    assert REGISTRY.compute(data, ctx, ids) == {i: expected[i] for i in ids}
