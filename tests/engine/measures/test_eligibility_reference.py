"""R-AL-1 eligibility and the R-AL-4 FSW policy audit: the property test against a row-by-row
reference. The hand-worked cases are in `test_eligibility.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.engine.caseload import AllocationFacts, CaseRole
from oversight.engine.measures.eligibility import MEASURES
from oversight.engine.policy import Policy
from oversight.engine.registry import REGISTRY, Context, Period, Result, count
from oversight.engine.workforce import WorkerFacts, experience_grade
from tests.engine.measures.eligibility_frames import (
    CALENDAR,
    POLICY,
    REASON_CODES,
    D,
    Row,
    allocation,
    breaches,
    case_data,
    eligibility_policy,
    measures,
    plan,
    reassessed,
    s47,
    worker,
)

# --- property: the engine agrees with a row-by-row reference -----------------------------------

CARE_PROCEEDINGS = 4
CHILD_PROTECTION = 3


def _run_start(history: list[tuple[dt.date, bool]]) -> dt.date | None:
    """First day of the latest unbroken spell in which the flag held; None if it does not now."""
    begun: dt.date | None = None
    for day, holds in history:
        if not holds:
            begun = None
        elif begun is None:
            begun = day
    return begun


def _allocation_count(rows: list[tuple[Any, ...]]) -> Result:
    return count(len({r[0] for r in rows}), sorted({r[1] for r in rows}))


def reference(
    tables: dict[str, list[Row]], as_at: dt.date, policy: Policy
) -> tuple[list[tuple[Any, ...]], dict[str, Result]]:
    """R-AL-1 and R-AL-4 one record at a time, with the scalar grade and open-allocation rules."""
    rules = policy.eligibility
    grades: dict[int, str] = {}
    for w in tables["workers"]:
        facts = WorkerFacts(
            worker_id=w["worker_id"],
            name="",
            role=w["role"],
            team_id=1,
            qualified=w["qualified"],
            qualification_date=w["qualification_date"] if w["qualified"] else None,
            start_date=w["start_date"],
            end_date=w["end_date"],
            fte=1.0,
        )
        if facts.in_post(as_at):
            grades[w["worker_id"]] = experience_grade(facts, as_at, policy).value

    def cp_since(child: int) -> dt.date | None:
        days = [
            s["strategy_date"]
            for s in tables["section47s"]
            if s["child_id"] == child
            and s["strategy_date"] <= as_at
            and (s["end_date"] is None or s["end_date"] > as_at)
        ] + [
            p["start"]
            for p in tables["cp_plans"]
            if p["child_id"] == child
            and p["start"] <= as_at
            and (p["end"] is None or p["end"] > as_at)
        ]
        return min(days, default=None)

    def history(a: Row) -> list[tuple[dt.date, int]]:
        levels = {a["start"]: a["complexity_level"]}
        for c in tables["complexity"]:
            if c["child_id"] == a["child_id"] and a["start"] <= c["assessed_on"] <= as_at:
                levels[c["assessed_on"]] = c["level"]
        return sorted(levels.items())

    open_allocations = [
        a
        for a in tables["allocations"]
        if AllocationFacts(
            a["allocation_id"],
            a["child_id"],
            a["worker_id"],
            CaseRole(a["role"]),
            a["start"],
            a["end"],
            a["complexity_level"],
        ).open_at(as_at)
    ]
    asye_holds = rules.max_complexity.get("ASYE")
    asye_co_works = (
        None
        if asye_holds is None
        else max(asye_holds, min(rules.asye_co_worked_max_complexity, CARE_PROCEEDINGS - 1))
    )
    phrases = {
        "FSW": "an FSW",
        "ASYE": "an ASYE",
        "SW": "a social worker",
        "EXPERIENCED_SW": "an experienced social worker",
        "SENIOR": "a senior practitioner",
    }

    rows: list[tuple[Any, ...]] = []
    levels: dict[int, int] = {}
    for a in open_allocations:
        past = history(a)
        level = past[-1][1]
        levels[a["allocation_id"]] = level
        grade = grades.get(a["worker_id"])
        if grade is None:
            continue
        key = (a["allocation_id"], a["child_id"], a["worker_id"], a["role"], grade, level)
        co = a["role"] == "co"
        limit = asye_co_works if grade == "ASYE" and co else rules.max_complexity.get(grade)
        if limit is not None and level > limit:
            since = _run_start([(day, lv > limit) for day, lv in past])
            assert since is not None
            if grade == "ASYE" and not co and asye_co_works is not None and level <= asye_co_works:
                code, text = "asye_co_work_only", f"ASYE: level {level} only when co-worked"
            elif grade == "ASYE" and co and level >= CARE_PROCEEDINGS:
                code = "asye_care_proceedings"
                text = (
                    f"ASYE: care proceedings (level {level}) are never held by an ASYE, "
                    "even co-worked"
                )
            else:
                verb = "co-work" if co else "hold"
                code = "above_grade_max"
                text = f"Level {level} is above the most {phrases[grade]} may {verb} ({limit})"
            rows.append((*key, code, text, since, (as_at - since).days))
        protection = cp_since(a["child_id"])
        if (
            grade == "FSW"
            and not rules.fsw_may_hold_child_protection
            and (protection is not None or level >= CHILD_PROTECTION)
        ):
            began = [
                d
                for d in (
                    protection,
                    _run_start([(day, lv >= CHILD_PROTECTION) for day, lv in past]),
                )
                if d is not None
            ]
            since = max(a["start"], min(began))
            text = "FSW: child protection cases are never held by a family support worker"
            rows.append((*key, "fsw_child_protection", text, since, (as_at - since).days))
    rows.sort(key=lambda r: (r[0], r[6]))

    starts = {a["allocation_id"]: a["start"] for a in open_allocations}
    fsw_since: dict[int, tuple[int, dt.date]] = {}
    for r in rows:
        if r[4] == "FSW":
            earlier = fsw_since.get(r[0])
            if earlier is None or r[8] < earlier[1]:
                fsw_since[r[0]] = (r[1], r[8])
    escalated = [(i, child) for i, (child, since) in fsw_since.items() if since > starts[i]]
    days: dict[int, int] = {}
    for child, since in fsw_since.values():
        days[child] = max(days.get(child, 0), (as_at - since).days)
    fsw_breakdown = {"escalated_after_allocation": _allocation_count(escalated)}
    fsw_breakdown |= {f"days:{child}": count(n, (child,)) for child, n in sorted(days.items())}
    fsw_total = _allocation_count([(i, child) for i, (child, _) in fsw_since.items()])

    children = {s["child_id"] for s in tables["section47s"]} | {
        p["child_id"] for p in tables["cp_plans"]
    }
    in_protection = {c for c in children if cp_since(c) is not None} | {
        a["child_id"] for a in open_allocations if levels[a["allocation_id"]] >= CHILD_PROTECTION
    }
    covered = {
        a["child_id"]
        for a in open_allocations
        if a["role"] == "holder" and grades.get(a["worker_id"]) not in (None, "FSW")
    }
    absent = [
        (a["allocation_id"], a["child_id"])
        for a in open_allocations
        if a["worker_id"] not in grades
    ]
    everything = _allocation_count(rows)
    results = {
        "allocation.eligibility_breaches": Result(
            everything.value,
            everything.numerator,
            None,
            everything.cases,
            {
                f"reason:{code}": _allocation_count([r for r in rows if r[6] == code])
                for code in REASON_CODES
            },
        ),
        "allocation.fsw_policy_breaches": Result(
            fsw_total.value, fsw_total.numerator, None, fsw_total.cases, fsw_breakdown
        ),
        "allocation.unallocated_child_protection": count(
            len(in_protection - covered), sorted(in_protection - covered)
        ),
        "data_quality.allocation_to_absent_worker": _allocation_count(absent),
    }
    return rows, results


def _dates(first: dt.date, last: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=first, max_value=last)


@st.composite
def _workers(draw: st.DrawFn) -> list[Row]:
    """Mostly in post, many newly qualified (so ASYEs are common)."""
    rows = []
    for worker_id in range(1, draw(st.integers(1, 6)) + 1):
        qualified = draw(
            st.none() | _dates(D(2018, 1, 1), D(2023, 9, 1)) | _dates(D(2022, 6, 1), D(2023, 6, 30))
        )
        start = draw(_dates(D(2018, 1, 1), D(2023, 9, 1)))
        if qualified is not None and draw(st.booleans()):
            start = qualified + dt.timedelta(days=draw(st.integers(0, 90)))
        rows.append(
            worker(
                worker_id,
                draw(st.sampled_from(["SW", "SW", "SP", "FSW"])),
                qualified,
                start,
                draw(st.none() | st.none() | _dates(D(2023, 1, 1), D(2023, 12, 31))),
            )
        )
    return rows


@st.composite
def _allocations(draw: st.DrawFn, workers: int) -> list[Row]:
    rows = []
    for allocation_id in range(1, draw(st.integers(0, 12)) + 1):
        start = draw(_dates(D(2022, 12, 1), D(2023, 7, 31)))
        length = draw(st.none() | st.integers(0, 300))
        rows.append(
            allocation(
                allocation_id,
                draw(st.integers(1, 4)),
                draw(st.integers(1, workers + 1)),  # the last is not on the workforce list
                draw(st.integers(1, 4)),
                role=draw(st.sampled_from(["holder", "co"])),
                start=start,
                end=None if length is None else start + dt.timedelta(days=length),
            )
        )
    return rows


@st.composite
def _tables(draw: st.DrawFn) -> dict[str, list[Row]]:
    spans = st.tuples(
        st.integers(1, 4),
        _dates(D(2022, 12, 1), D(2023, 9, 30)),
        st.none() | st.integers(0, 200),
    )

    def end(start: dt.date, length: int | None) -> dt.date | None:
        return None if length is None else start + dt.timedelta(days=length)

    complexity = draw(
        st.dictionaries(
            st.tuples(st.integers(1, 4), _dates(D(2022, 12, 1), D(2023, 9, 30))),
            st.integers(1, 4),
            max_size=12,
        )
    )
    workers = draw(_workers())
    return {
        "workers": workers,
        "allocations": draw(_allocations(len(workers))),
        "complexity": [reassessed(c, on, level) for (c, on), level in complexity.items()],
        "section47s": [
            s47(i, c, start, end(start, n))
            for i, (c, start, n) in enumerate(draw(st.lists(spans, max_size=4)), start=1)
        ],
        "cp_plans": [
            plan(i, c, start, end(start, n))
            for i, (c, start, n) in enumerate(draw(st.lists(spans, max_size=3)), start=1)
        ],
    }


@st.composite
def _policies(draw: st.DrawFn) -> Policy:
    grades = ["FSW", "ASYE", "SW", "EXPERIENCED_SW", "SENIOR"]
    limits = {g: draw(st.integers(1, 4)) for g in grades}
    if draw(st.integers(0, 2)) > 0:  # mostly the default limits
        limits = {**POLICY.eligibility.max_complexity}
    if draw(st.integers(0, 9)) == 0:
        del limits["ASYE"]  # no limit configured for the grade
    return eligibility_policy(
        max_complexity=limits,
        asye_co_worked_max_complexity=draw(st.integers(1, 4)),
        fsw_may_hold_child_protection=draw(st.booleans()),
    )


@settings(max_examples=200, database=None, deadline=None)
@given(
    tables=_tables(),
    as_at=_dates(D(2023, 3, 1), D(2023, 9, 30)),
    policy=_policies(),
)
def test_r_al_1_r_al_4_engine_agrees_with_row_by_row_reference(
    tables: dict[str, list[Row]], as_at: dt.date, policy: Policy
) -> None:
    data = case_data(
        tables["allocations"],
        tables["complexity"],
        tables["section47s"],
        tables["cp_plans"],
        tables["workers"],
    )
    expected_rows, expected = reference(tables, as_at, policy)
    assert breaches(data, as_at, policy).rows() == expected_rows
    assert measures(data, as_at, policy) == expected


@settings(max_examples=100, database=None, deadline=None)
@given(
    tables=_tables(),
    as_at=_dates(D(2023, 3, 1), D(2023, 9, 30)),
    policy=_policies(),
    ids=st.sets(st.sampled_from([m.id for m in MEASURES]), min_size=1),
)
def test_measures_asked_for_alone_agree_with_the_reference(
    tables: dict[str, list[Row]], as_at: dt.date, policy: Policy, ids: set[str]
) -> None:
    """The family skips what the measures asked for do not need; they come out the same."""
    data = case_data(
        tables["allocations"],
        tables["complexity"],
        tables["section47s"],
        tables["cp_plans"],
        tables["workers"],
    )
    context = Context(as_at, Period(as_at, as_at), policy, CALENDAR)
    _, expected = reference(tables, as_at, policy)
    assert REGISTRY.compute(data, context, ids) == {i: expected[i] for i in ids}
