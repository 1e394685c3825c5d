"""R-RR-1..5: the property test against a row-by-row reference. The hand-worked cases are in
`test_referrals.py`."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.measures.referrals import MEASURES
from oversight.engine.periods import add_months
from oversight.engine.policy import Policy, ReferralPolicy
from oversight.engine.registry import REGISTRY, Context, Period, Result, count, rate
from tests.engine.measures.referrals_frames import (
    D,
    Row,
    assessment,
    case_data,
    contact,
    measure,
    plan,
    referral,
    section47,
)

# --- property: the engine against a row-by-row reference ------------------------------------------


def window_opens(day: dt.date, policy: Policy) -> dt.date:
    """R-RR-1: the first day of the window before `day` (scalar)."""
    rules = policy.referrals
    if rules.rereferral_window_days is not None:
        return day - dt.timedelta(days=rules.rereferral_window_days)
    return add_months(day, -rules.rereferral_window_months)


def reference(
    tables: dict[str, list[Row]], as_at: dt.date, start: dt.date, end: dt.date, policy: Policy
) -> dict[str, Result]:
    """domain.md §5 read literally, one record at a time."""
    rules = policy.referrals
    last = min(end, as_at)

    def within(earlier: dt.date, later: dt.date) -> bool:
        first = window_opens(later, policy)
        reaches = earlier >= first if rules.rereferral_window_inclusive else earlier > first
        return reaches and earlier < later

    known = [r for r in tables["referrals"] if r["date"] <= as_at]
    assessments = [a for a in tables["assessments"] if a["start"] <= as_at]
    section47s = [s for s in tables["section47s"] if s["strategy_date"] <= as_at]
    plans = [p for p in tables["cp_plans"] if p["start"] <= as_at]

    def is_rereferral(r: Row) -> bool:
        return any(e["child_id"] == r["child_id"] and within(e["date"], r["date"]) for e in known)

    def in_episode(r: Row, child_id: int, day: dt.date) -> bool:
        closed: dt.date = r["closure_date"]
        return bool(child_id == r["child_id"] and r["date"] <= day <= closed)

    def misclassified(r: Row) -> bool:
        if not (r["nfa"] and r["closure_date"] is not None and r["closure_date"] <= as_at):
            return False
        for a in assessments:
            if a["referral_id"] == r["referral_id"] or in_episode(r, a["child_id"], a["start"]):
                return False
        for s in section47s:
            if s["referral_id"] == r["referral_id"] or in_episode(
                r, s["child_id"], s["strategy_date"]
            ):
                return False
        return not any(in_episode(r, p["child_id"], p["start"]) for p in plans)

    def previous(r: Row) -> Row | None:
        earlier = [e for e in known if e["child_id"] == r["child_id"] and e["date"] < r["date"]]
        return max(earlier, key=lambda e: (e["date"], e["referral_id"]), default=None)

    def followed(r: Row) -> bool:
        return any(
            later["child_id"] == r["child_id"] and within(r["date"], later["date"])
            for later in known
        )

    def children(rows: list[Row]) -> list[int]:
        return sorted({row["child_id"] for row in rows})

    def with_sources(rows: list[Row], hits: list[Row]) -> Result:
        overall = rate(len(hits), len(rows), children(hits))
        breakdown = {}
        for source in {row["source"] for row in rows}:
            part = [row for row in rows if row["source"] == source]
            part_hits = [row for row in hits if row["source"] == source]
            key = f"source:{source if source is not None else 'unknown'}"
            breakdown[key] = rate(len(part_hits), len(part), children(part_hits))
        return Result(
            overall.value, overall.numerator, overall.denominator, overall.cases, breakdown
        )

    period = [r for r in known if start <= r["date"] <= last]
    rereferrals = [r for r in period if is_rereferral(r)]
    kept = []
    for r in rereferrals:
        before = previous(r)
        if before is None or not misclassified(before):
            kept.append(r)
    suspect = [r for r in period if misclassified(r)]
    suspect_followed = [r for r in suspect if followed(r)]
    duplicates = [
        r
        for r in period
        if any(
            o["child_id"] == r["child_id"]
            and o["date"] == r["date"]
            and o["referral_id"] != r["referral_id"]
            for o in known
        )
    ]
    referrals_by_id = {r["referral_id"]: r for r in known}
    authorised = [
        a
        for a in tables["assessments"]
        if a["authorised"] is not None and start <= a["authorised"] <= last
    ]
    not_in_need = []
    for a in authorised:
        linked = referrals_by_id.get(a["referral_id"])
        if (
            linked is not None
            and linked["closure_date"] is not None
            and linked["closure_date"] <= as_at
            and linked["closure_reason"] in ("RC8", "RC9")
        ):
            not_in_need.append(a)
    contacts = [c for c in tables["contacts"] if start <= c["date"] <= last]
    progressed = [c for c in contacts if c["outcome"] == "REFERRAL"]

    return {
        "referrals.count": count(len(period), children(period)),
        "referrals.rereferral_rate": with_sources(period, rereferrals),
        "referrals.rereferral_rate_children": rate(
            len(children(rereferrals)), len(children(period)), children(rereferrals)
        ),
        "referrals.nfa_rate": rate(
            sum(1 for r in period if r["nfa"]),
            len(period),
            children([r for r in period if r["nfa"]]),
        ),
        "referrals.assessed_not_in_need_rate": rate(
            len(not_in_need), len(authorised), children(not_in_need)
        ),
        "referrals.contact_conversion_rate": with_sources(contacts, progressed),
        "referrals.possible_misclassification": Result(
            len(suspect),
            len(suspect),
            None,
            tuple(children(suspect)),
            {"followed_by_rereferral": count(len(suspect_followed), children(suspect_followed))},
        ),
        "referrals.rereferral_rate_excluding_misclassified": rate(
            len(kept), len(period), children(kept)
        ),
        "data_quality.rereferral_same_day_duplicates": count(len(duplicates), children(duplicates)),
    }


# Each example draws its dates from a small pool built around a few anchors: the anchors, the
# days one and twelve (or thirteen) months and 30 or 365 days either side of them, and their
# neighbours, plus the leap day and month ends. So window edges, same days and episode edges
# (an assessment on the closure date) come up often rather than by luck.
EDGES = [D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1), D(2024, 3, 31), D(2024, 4, 30)]
anchors = st.one_of(st.sampled_from(EDGES), st.dates(D(2023, 6, 1), D(2025, 6, 30)))


def around(anchor: dt.date) -> list[dt.date]:
    moved = [add_months(anchor, months) for months in (-13, -12, -1, 0, 1, 12, 13)]
    moved += [anchor + dt.timedelta(days=n) for n in (-365, -30, 30, 365)]
    return [day + dt.timedelta(days=n) for day in moved for n in (-1, 0, 1)]


child_ids = st.integers(1, 3)
sources = st.sampled_from(["1A", "6", None])
policies = st.builds(
    ReferralPolicy,
    rereferral_window_months=st.sampled_from([1, 12, 12, 13]),
    rereferral_window_days=st.sampled_from([None, None, None, 30, 365]),
    rereferral_window_inclusive=st.booleans(),
).map(lambda rules: Policy(referrals=rules))


@st.composite
def pools(draw: st.DrawFn) -> list[dt.date]:
    chosen = draw(st.lists(anchors, min_size=1, max_size=2))
    return sorted({day for anchor in chosen for day in around(anchor)})


@st.composite
def tables(draw: st.DrawFn, pool: list[dt.date], policy: Policy) -> dict[str, list[Row]]:
    days = st.sampled_from(pool)
    maybe_days = st.one_of(st.none(), days)
    n_referrals = draw(st.integers(0, 10))
    referral_ids = list(range(1, n_referrals + 1))
    linked_ids = st.one_of(st.none(), st.sampled_from(referral_ids)) if referral_ids else st.none()
    referrals: list[Row] = []
    for i in referral_ids:
        # Some referrals repeat the previous one's child and day (a same-day duplicate) or come
        # a day either side of its window's first day, so both come up often.
        kind = draw(st.sampled_from(["new", "new", "twin", "edge"])) if referrals else "new"
        child_id = draw(child_ids) if kind == "new" else referrals[-1]["child_id"]
        day = draw(days) if kind == "new" else referrals[-1]["date"]
        if kind == "edge":
            day = window_opens(day, policy) + dt.timedelta(days=draw(st.integers(-1, 1)))
        referrals.append(
            referral(
                i,
                child_id,
                day,
                source=draw(sources),
                nfa=draw(st.sampled_from([True, True, False, None])),
                closed=draw(maybe_days),
                reason=draw(st.sampled_from(["RC1", "RC8", "RC9", None])),
            )
        )
    assessments = [
        assessment(
            i,
            draw(child_ids),
            draw(days),
            referral_id=draw(linked_ids),
            authorised=draw(maybe_days),
        )
        for i in range(1, draw(st.integers(0, 4)) + 1)
    ]
    section47s = [
        section47(i, draw(child_ids), draw(days), referral_id=draw(linked_ids))
        for i in range(1, draw(st.integers(0, 3)) + 1)
    ]
    cp_plans = [plan(i, draw(child_ids), draw(days)) for i in range(1, draw(st.integers(0, 2)) + 1)]
    contacts = [
        contact(
            i,
            draw(child_ids),
            draw(days),
            draw(sources),
            draw(st.sampled_from(["NFA", "ADVICE", "EARLY_HELP", "REFERRAL"])),
        )
        for i in range(1, draw(st.integers(0, 5)) + 1)
    ]
    return {
        "referrals": referrals,
        "assessments": assessments,
        "section47s": section47s,
        "cp_plans": cp_plans,
        "contacts": contacts,
    }


@st.composite
def scenarios(
    draw: st.DrawFn,
) -> tuple[dict[str, list[Row]], dt.date, dt.date, dt.date, Policy]:
    pool = draw(pools())
    # Often the whole span, so that most referrals are in the period and known.
    one = draw(st.sampled_from([pool[0], pool[0], *pool]))
    two = draw(st.sampled_from([pool[-1], pool[-1], *pool]))
    as_at = draw(st.sampled_from([pool[-1], pool[-1], *pool]))
    policy = draw(policies)
    return draw(tables(pool, policy)), as_at, min(one, two), max(one, two), policy


@settings(max_examples=400, deadline=None)
@given(scenarios())
def test_r_rr_1_to_5_agree_with_a_row_by_row_reference(
    scenario: tuple[dict[str, list[Row]], dt.date, dt.date, dt.date, Policy],
) -> None:
    data, as_at, start, end, policy = scenario
    engine = measure(case_data(**data), start=start, end=end, as_at=as_at, policy=policy)
    assert engine == reference(data, as_at, start, end, policy)


@settings(max_examples=100, deadline=None)
@given(scenarios(), st.sets(st.sampled_from([m.id for m in MEASURES]), min_size=1))
def test_measures_asked_for_alone_agree_with_the_reference(
    scenario: tuple[dict[str, list[Row]], dt.date, dt.date, dt.date, Policy], ids: set[str]
) -> None:
    """The family skips what the measures asked for do not need; they come out the same."""
    data, as_at, start, end, policy = scenario
    context = Context(as_at, Period(start, end), policy, WorkingDayCalendar([]))
    expected = reference(data, as_at, start, end, policy)
    assert REGISTRY.compute(case_data(**data), context, ids) == {i: expected[i] for i in ids}
