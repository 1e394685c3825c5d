"""The digest's conference and review due dates are the engine's: a conference or review held
on the date the digest gives is counted on time by the engine's measures, and one held the day
after is late (R-TS-5, R-TS-6, R-WD-2, R-WD-3). Pure: frames, no database."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.alerts.digest import (
    Facts,
    Kind,
    OpenPlan,
    PendingConference,
    Urgency,
    build_digest,
    next_review_due,
)
from oversight.engine.measures import REGISTRY
from oversight.engine.policy import Policy
from oversight.engine.registry import Context, Period
from tests.engine.measures.timeliness_frames import CALENDAR, data, plan, reviews, s47

POLICY = Policy()
DAYS = st.dates(min_value=dt.date(2012, 1, 1), max_value=dt.date(2027, 12, 31))


def _icpc_on_time(strategy: dt.date, held: dt.date) -> bool:
    frames = data(section47s=[s47(1, strategy, held)])
    context = Context(held, Period(held, held), POLICY, CALENDAR)
    result = REGISTRY.compute(frames, context, ["icpc.within_15wd_rate"])["icpc.within_15wd_rate"]
    assert result.denominator == 1
    return result.numerator == 1


def _conference(strategy: dt.date, as_at: dt.date) -> tuple[Urgency | None, dt.date | None]:
    facts = Facts({1: "K1"}, {}, {}, conferences=[PendingConference(1, strategy, None)])
    digest = build_digest(
        facts,
        as_at=as_at,
        policy=POLICY,
        calendar=CALENDAR,
        look_ahead=10_000,  # everything not overdue is "due soon": every due date is shown
        scope="",
        show_worker=False,
    )
    items = [item for item in digest.items if item.kind is Kind.ICPC]
    return (items[0].urgency, items[0].due) if items else (None, None)


@settings(max_examples=200, deadline=None)
@given(DAYS, st.integers(min_value=0, max_value=40))
def test_r_ts_5_conference_due_date_agrees_with_the_icpc_measure(
    strategy: dt.date, after: int
) -> None:
    held = strategy + dt.timedelta(days=after)
    urgency, due = _conference(strategy, held)
    assert due is not None
    # Held on `held`: on time for the engine exactly when no working day has passed since the
    # digest's due date (a Saturday after a Friday due date is still in time, R-WD-2), and the
    # digest calls it overdue on that day exactly when the engine would say late.
    assert _icpc_on_time(strategy, held) == (CALENDAR.elapsed(due, held) <= 0)
    assert (urgency is Urgency.OVERDUE) == (not _icpc_on_time(strategy, held))


def test_r_ts_5_worked_example() -> None:
    """Strategy discussion Wednesday 10 May 2023: the 15th working day after is 1 June (29 May
    is a bank holiday); held on 1 June it is on time, on 2 June late."""
    assert _conference(dt.date(2023, 5, 10), dt.date(2023, 5, 10))[1] == dt.date(2023, 6, 1)
    assert _icpc_on_time(dt.date(2023, 5, 10), dt.date(2023, 6, 1))
    assert not _icpc_on_time(dt.date(2023, 5, 10), dt.date(2023, 6, 2))


def _review_met(start: dt.date, earlier: dt.date | None, held: dt.date, due: dt.date) -> bool:
    """The engine's verdict on the deadline falling on `due`, the next review held on `held`."""
    held_reviews = [day for day in (earlier, held) if day is not None]
    frames = data(plans=[plan(1, start)], reviews=reviews(1, *held_reviews))
    context = Context(max(held, due), Period(due, due), POLICY, CALENDAR)
    result = REGISTRY.compute(frames, context, ["cp_reviews.on_time_rate"])
    rate = result["cp_reviews.on_time_rate"]
    assert rate.denominator == 1
    return rate.numerator == 1


@settings(max_examples=200, deadline=None)
@given(
    DAYS,
    st.one_of(st.none(), st.integers(min_value=1, max_value=400)),
    st.integers(min_value=-20, max_value=20),
)
def test_r_ts_6_next_review_due_agrees_with_the_review_measure(
    start: dt.date, reviewed_after: int | None, held_offset: int
) -> None:
    earlier = None if reviewed_after is None else start + dt.timedelta(days=reviewed_after)
    due = next_review_due(OpenPlan(1, start, earlier), POLICY)
    held = due + dt.timedelta(days=held_offset)
    if held <= (earlier or start):
        return  # a review on or before the last anchor answers an earlier deadline
    assert _review_met(start, earlier, held, due) == (held <= due)


def test_r_ts_6_worked_examples() -> None:
    """A plan from 31 August: first review due 30 November (3 calendar months, clipped); a
    review held on 30 November sets the next for 30 May."""
    first = next_review_due(OpenPlan(1, dt.date(2022, 8, 31), None), POLICY)
    assert first == dt.date(2022, 11, 30)
    later = next_review_due(OpenPlan(1, dt.date(2022, 8, 31), dt.date(2022, 11, 30)), POLICY)
    assert later == dt.date(2023, 5, 30)
    assert _review_met(dt.date(2022, 8, 31), dt.date(2022, 11, 30), dt.date(2023, 5, 30), later)
    assert not _review_met(dt.date(2022, 8, 31), dt.date(2022, 11, 30), dt.date(2023, 5, 31), later)
