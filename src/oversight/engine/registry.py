"""The measures registry: every number Oversight shows, registered once.

A *measure* has a stable id (`referrals.rereferral_rate`), a title, a definition naming its rule
in domain.md, a unit, the direction of good, and the *family* that computes it. A family computes
several related measures in one pass over the frames (the re-referral flags serve five
measures), so `compute` runs each needed family once. Pages, workbooks, the API and the CLI all
read this registry; none computes a number itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

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


@dataclass(frozen=True)
class Result:
    """One measure's value, with what it is made of and the cases behind it.

    `value` is the headline (a percentage as 0–100, a count, a ratio); `numerator` and
    `denominator` are always given (a count has denominator None). `cases` are the child ids
    behind the number, for the drill-down; `breakdown` holds named sub-values (by team, by
    source, by band) as further Results.
    """

    value: float | int | None
    numerator: float | int | None
    denominator: float | int | None = None
    cases: tuple[int, ...] = ()
    breakdown: Mapping[str, Result] = field(default_factory=dict)


def rate(numerator: int, denominator: int, cases: Iterable[int] = ()) -> Result:
    """A percentage; None (not 0) when there is nothing to divide by."""
    value = 100.0 * numerator / denominator if denominator else None
    return Result(value, numerator, denominator, tuple(cases))


def count(n: int, cases: Iterable[int] = ()) -> Result:
    return Result(n, n, None, tuple(cases))


FamilyFunction = Callable[[CaseData, Context], Mapping[str, Result]]


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

    def family(
        self, name: str, measures: Iterable[Measure]
    ) -> Callable[[FamilyFunction], FamilyFunction]:
        """Register a family function and the measures it returns (decorator)."""

        def register(function: FamilyFunction) -> FamilyFunction:
            if name in self.families:
                raise ValueError(f"family {name} registered twice")
            self.families[name] = function
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
        """The chosen measures (all by default), in registry order, each family run once."""
        wanted = list(self.measures) if ids is None else list(ids)
        unknown = [i for i in wanted if i not in self.measures]
        if unknown:
            raise KeyError(f"unknown measure {unknown[0]}")
        results: dict[str, Result] = {}
        for family in dict.fromkeys(self.measures[i].family for i in wanted):
            computed = self.families[family](data, context)
            missing = [
                m for m in self.measures.values() if m.family == family and m.id not in computed
            ]
            if missing:
                raise RuntimeError(f"family {family} did not compute {missing[0].id}")
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
