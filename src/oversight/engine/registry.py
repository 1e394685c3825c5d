"""The measures registry: every number Oversight shows, registered once.

A *measure* has a stable id (`referrals.rereferral_rate`), a title, a definition naming its rule
in domain.md, a unit, the direction of good, and the *family* that computes it. A family computes
several related measures in one pass over the frames (the re-referral flags serve five
measures), so `compute` runs each needed family once. Pages, workbooks, the API and the CLI all
read this registry; none computes a number itself.

`compute` tells a family which of its measures are wanted, and a family skips the work only
the others need (a page asking for two measures pays for two). The child ids behind a result
(`Result.cases`) are worked out when first read: a national figure has hundreds of thousands of
them, and most callers only read the numbers.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar, cast, overload

import polars as pl

from oversight.engine.calendar import WorkingDayCalendar
from oversight.engine.frames import CaseData
from oversight.engine.policy import Policy


class Unit(StrEnum):
    PERCENT = "percent"
    COUNT = "count"
    NUMBER = "number"  # a ratio such as cases per FTE
    WORKING_DAYS = "working_days"


class Direction(StrEnum):
    """Which way is better, for RAG and trend arrows."""

    UP = "up"
    DOWN = "down"
    NEUTRAL = "neutral"


@dataclass(frozen=True)
class Period:
    """A reporting period, both ends inclusive."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Context:
    """What every measure is computed against. `as_at` is the last day facts are known."""

    as_at: dt.date
    period: Period
    policy: Policy
    calendar: WorkingDayCalendar


class Cases(Sequence[int]):
    """The child ids behind a result, ascending, worked out when first read.

    It behaves as the tuple of those ids (length, indexing, iteration, and equal to an equal
    tuple), but a family hands over only how to find them: a column of child ids to take the
    distinct values of, or a group of one (`CasesBy`). Once read, the ids are kept and the column
    let go.
    """

    __slots__ = ("_ids", "_key", "_source")

    def __init__(self, ids: Iterable[int] = ()) -> None:
        self._ids: tuple[int, ...] | None = tuple(ids)
        self._source: Callable[[], Iterable[int]] | CasesBy | None = None
        self._key: object = None

    @classmethod
    def later(cls, source: Callable[[], Iterable[int]]) -> Cases:
        """Cases that call `source` (once) when first read; it returns the ids in order."""
        return cls._pending(source, None)

    @classmethod
    def of(cls, child_ids: pl.Series) -> Cases:
        """The distinct values of a column of child ids, in order, when first read."""
        return cls.later(lambda: child_ids.unique().sort().to_list())

    @classmethod
    def _pending(cls, source: Callable[[], Iterable[int]] | CasesBy, key: object) -> Cases:
        # Breakdowns make thousands of these: no __init__, no closure.
        cases = object.__new__(cls)
        cases._ids, cases._source, cases._key = None, source, key
        return cases

    @property
    def ids(self) -> tuple[int, ...]:
        if self._ids is None:
            source = self._source
            if isinstance(source, CasesBy):
                self._ids = source.ids_of(self._key)
            else:
                assert source is not None
                self._ids = tuple(source())
            self._source = self._key = None
        return self._ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[int, ...]: ...

    def __getitem__(self, index: int | slice) -> int | tuple[int, ...]:
        return self.ids[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids)

    def __contains__(self, value: object) -> bool:
        return value in self.ids

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Cases):
            return self.ids == other.ids
        if isinstance(other, tuple):
            return self.ids == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.ids)

    def __repr__(self) -> str:
        return repr(self.ids)

    def __reduce__(self) -> tuple[type[Cases], tuple[tuple[int, ...]]]:
        return (Cases, (self.ids,))


class CasesBy:
    """The cases of each group of a column (a team, a worker, a source), found for every group
    at once when the first of them is read."""

    __slots__ = ("_found", "_source")

    def __init__(self, keys: pl.Series, child_ids: pl.Series) -> None:
        self._source: Callable[[], tuple[pl.Series, pl.Series]] | None = lambda: (
            keys,
            child_ids,
        )
        self._found: dict[Any, tuple[int, ...]] | None = None

    @classmethod
    def later(cls, source: Callable[[], tuple[pl.Series, pl.Series]]) -> CasesBy:
        """Groups whose (keys, child_ids) columns `source` makes when the first is read."""
        groups = cls(pl.Series(), pl.Series())
        groups._source = source
        return groups

    def __call__(self, key: object) -> Cases:
        """The cases of the group `key` (none if there is no such group)."""
        return Cases._pending(self, key)

    def ids_of(self, key: object) -> tuple[int, ...]:
        if self._found is None:
            assert self._source is not None
            keys, child_ids = self._source()
            grouped = (
                pl.DataFrame([keys.alias("key"), child_ids.alias("child_id")])
                .group_by("key")
                .agg(pl.col("child_id").unique().sort())
            )
            self._found = {k: tuple(ids) for k, ids in grouped.iter_rows()}
            self._source = None
        return self._found.get(key, ())


def _cases(cases: Iterable[int]) -> Sequence[int]:
    # By class, not isinstance: an ABC's isinstance is slow, and breakdowns make many Results.
    if cases.__class__ is tuple or cases.__class__ is Cases:
        return cast(Sequence[int], cases)
    return tuple(cases)


@dataclass(frozen=True)
class Result:
    """One measure's value, with what it is made of and the cases behind it.

    `value` is the headline (a percentage as 0–100, a count, a ratio); `numerator` and
    `denominator` are always given (a count has denominator None). `cases` are the child ids
    behind the number, ascending, for the drill-down (a tuple, or `Cases` worked out when
    read); `breakdown` holds named sub-values (by team, by source, by band) as further Results.
    """

    value: float | int | None
    numerator: float | int | None
    denominator: float | int | None = None
    cases: Sequence[int] = ()
    breakdown: Mapping[str, Result] = field(default_factory=dict)


def rate(numerator: int, denominator: int, cases: Iterable[int] = ()) -> Result:
    """A percentage; None (not 0) when there is nothing to divide by."""
    value = 100.0 * numerator / denominator if denominator else None
    return Result(value, numerator, denominator, _cases(cases))


def count(n: int, cases: Iterable[int] = ()) -> Result:
    return Result(n, n, None, _cases(cases))


FamilyFunction = Callable[[CaseData, Context], Mapping[str, Result]]


F = TypeVar("F", bound=FamilyFunction)


class SelectiveFamily(Protocol):
    """A family that can be told which of its measures are wanted (None: all of them); it
    returns at least those."""

    def __call__(
        self, data: CaseData, ctx: Context, /, *, wanted: Collection[str] | None = None
    ) -> Mapping[str, Result]: ...


@dataclass(frozen=True)
class Measure:
    id: str
    title: str
    definition: str
    rule: str  # the domain.md rule id(s), e.g. "R-RR-1, R-RR-2"
    unit: Unit
    direction: Direction
    family: str


@dataclass
class Registry:
    measures: dict[str, Measure] = field(default_factory=dict)
    families: dict[str, FamilyFunction] = field(default_factory=dict)
    # Families whose function takes `wanted` (the others always compute every measure).
    selective: set[str] = field(default_factory=set)

    def family(self, name: str, measures: Iterable[Measure]) -> Callable[[F], F]:
        """Register a family function and the measures it returns (decorator). A function
        with a keyword `wanted` is told which of its measures are wanted (`SelectiveFamily`)."""

        def register(function: F) -> F:
            if name in self.families:
                raise ValueError(f"family {name} registered twice")
            self.families[name] = function
            if "wanted" in inspect.signature(function).parameters:
                self.selective.add(name)
            for measure in measures:
                if measure.id in self.measures:
                    raise ValueError(f"measure {measure.id} registered twice")
                if measure.family != name:
                    raise ValueError(f"measure {measure.id} names family {measure.family}")
                self.measures[measure.id] = measure
            return function

        return register

    def compute(
        self, data: CaseData, context: Context, ids: Iterable[str] | None = None
    ) -> dict[str, Result]:
        """The chosen measures (all by default), in the order asked, each family run once and
        told which of its measures are wanted."""
        wanted = list(self.measures) if ids is None else list(ids)
        unknown = [i for i in wanted if i not in self.measures]
        if unknown:
            raise KeyError(f"unknown measure {unknown[0]}")
        results: dict[str, Result] = {}
        for family in dict.fromkeys(self.measures[i].family for i in wanted):
            function = self.families[family]
            members = [m.id for m in self.measures.values() if m.family == family]
            if family in self.selective:
                asked = frozenset(i for i in wanted if self.measures[i].family == family)
                everything = asked == frozenset(members)
                selective = cast(SelectiveFamily, function)
                computed = selective(data, context, wanted=None if everything else asked)
                expected = members if everything else sorted(asked)
            else:
                computed, expected = function(data, context), members
            missing = [i for i in expected if i not in computed]
            if missing:
                raise RuntimeError(f"family {family} did not compute {missing[0]}")
            results.update(computed)
        return {i: results[i] for i in wanted}


REGISTRY = Registry()


def describe(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.id,
        "title": measure.title,
        "definition": measure.definition,
        "rule": measure.rule,
        "unit": measure.unit.value,
        "direction": measure.direction.value,
    }
