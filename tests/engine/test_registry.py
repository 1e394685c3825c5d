"""The registry: measures computed by family, only the ones asked for; cases read when needed."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Collection

import polars as pl
import pytest

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.policy import Policy
from oversight.engine.registry import (
    Cases,
    CasesBy,
    Context,
    Direction,
    Measure,
    Period,
    Registry,
    Result,
    Unit,
    count,
    rate,
)

DAY = dt.date(2024, 3, 31)
CONTEXT = Context(DAY, Period(DAY, DAY), Policy(), WorkingDayCalendar([]))
DATA = CaseData.of()


def measure(measure_id: str, family: str) -> Measure:
    return Measure(
        measure_id, measure_id, "A test measure.", "R-X", Unit.COUNT, Direction.UP, family
    )


# --- Cases: a tuple of child ids, worked out when first read -----------------------------------


def test_cases_of_a_column_are_its_distinct_ids_in_order() -> None:
    cases = Cases.of(pl.Series([30, 10, 30, 20]))
    assert (len(cases), list(cases), cases[0], cases[-1], cases[1:]) == (
        3,
        [10, 20, 30],
        10,
        30,
        (20, 30),
    )


def test_cases_equal_the_tuple_of_their_ids_either_way_round() -> None:
    cases = Cases.of(pl.Series([2, 1]))
    assert cases == (1, 2)
    assert (1, 2) == cases  # noqa: SIM300 - the tuple on the left is the point
    assert Result(2, 2, None, cases) == count(2, (1, 2))
    assert cases != (2, 1)
    assert cases != [1, 2]  # a tuple's equality: a list is not equal to it


def test_cases_behave_as_a_sequence() -> None:
    cases = Cases([5, 7])
    assert (7 in cases, 6 in cases, cases.index(7), cases.count(5)) == (True, False, 1, 1)
    assert (hash(cases), repr(cases)) == (hash((5, 7)), "(5, 7)")


def test_cases_are_worked_out_once_and_only_when_read() -> None:
    calls: list[int] = []

    def ids() -> list[int]:
        calls.append(1)
        return [4, 8]

    cases = Cases.later(ids)
    result = rate(2, 4, cases)
    assert (result.numerator, calls) == (2, [])
    assert (len(result.cases), tuple(result.cases), calls) == (2, (4, 8), [1])


def test_cases_pickle_as_their_ids() -> None:
    pickled = pickle.dumps(Cases.of(pl.Series([3, 1])))
    assert pickle.loads(pickled) == (1, 3)  # noqa: S301 - our own bytes


def test_cases_by_group_are_each_groups_ids_and_none_for_an_absent_group() -> None:
    by_team = CasesBy(pl.Series([1, 2, 1, None]), pl.Series([11, 20, 10, 30]))
    assert (by_team(1), by_team(2), by_team(None), by_team(9)) == ((10, 11), (20,), (30,), ())


def test_cases_by_group_can_make_their_columns_when_first_read() -> None:
    made: list[int] = []

    def columns() -> tuple[pl.Series, pl.Series]:
        made.append(1)
        return pl.Series(["a", "b", "a"]), pl.Series([3, 2, 1])

    by_band = CasesBy.later(columns)
    first, second = by_band("a"), by_band("b")
    assert made == []
    assert (first, second, made) == ((1, 3), (2,), [1])


# --- compute: each family once, told which of its measures are wanted --------------------------


def test_a_family_is_told_which_of_its_measures_are_wanted() -> None:
    registry = Registry()
    asked: list[Collection[str] | None] = []

    @registry.family("f", [measure("f.one", "f"), measure("f.two", "f"), measure("f.three", "f")])
    def family(
        data: CaseData, ctx: Context, *, wanted: Collection[str] | None = None
    ) -> dict[str, Result]:
        asked.append(wanted)
        ids = ["f.one", "f.two", "f.three"] if wanted is None else sorted(wanted)
        return {i: count(len(i)) for i in ids}

    assert list(registry.compute(DATA, CONTEXT, ["f.two", "f.one"])) == ["f.two", "f.one"]
    assert list(registry.compute(DATA, CONTEXT)) == ["f.one", "f.two", "f.three"]
    # All of a family's measures: it is told None (compute everything).
    registry.compute(DATA, CONTEXT, ["f.three", "f.two", "f.one"])
    assert asked == [frozenset({"f.one", "f.two"}), None, None]


def test_a_family_without_wanted_still_computes_everything() -> None:
    registry = Registry()

    @registry.family("g", [measure("g.one", "g"), measure("g.two", "g")])
    def family(data: CaseData, ctx: Context) -> dict[str, Result]:
        return {"g.one": count(1), "g.two": count(2)}

    assert registry.compute(DATA, CONTEXT, ["g.two"]) == {"g.two": count(2)}


def test_a_wanted_measure_the_family_leaves_out_is_an_error() -> None:
    registry = Registry()

    @registry.family("h", [measure("h.one", "h"), measure("h.two", "h")])
    def family(
        data: CaseData, ctx: Context, *, wanted: Collection[str] | None = None
    ) -> dict[str, Result]:
        return {"h.one": count(1)}

    assert registry.compute(DATA, CONTEXT, ["h.one"]) == {"h.one": count(1)}
    with pytest.raises(RuntimeError, match=r"family h did not compute h\.two"):
        registry.compute(DATA, CONTEXT, ["h.two"])


def test_an_unknown_measure_is_refused() -> None:
    with pytest.raises(KeyError, match=r"unknown measure nope"):
        Registry().compute(DATA, CONTEXT, ["nope"])
