"""Evidence that measures itself (issue 8, part 2): each action's linked measures, computed by
the engine month by month since the plan began, rated against the action's target.

RAG: green when the target is met; amber when it is missed by no more than the link's margin;
red beyond that; grey ("no data") when the measure has nothing to count that month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from oversight.actionplan.models import Action, EvidenceMeasure
from oversight.cases.engine_data import load_case_data
from oversight.cases.models import Child
from oversight.engine.measures import REGISTRY
from oversight.engine.periods import add_months
from oversight.engine.registry import Context, Period, Result
from oversight.people.models import LocalAuthority, Worker
from oversight.policy.queries import calendar_for, current_policy

GREEN, AMBER, RED, NONE = "green", "amber", "red", "none"
RAG_LABELS = {GREEN: "On target", AMBER: "Close to target", RED: "Off target", NONE: "No data"}


def rag(value: float | None, comparison: str, target: Decimal, margin: Decimal) -> str:
    if value is None:
        return NONE
    number = Decimal(str(round(value, 6)))
    if comparison == EvidenceMeasure.Comparison.AT_LEAST:
        short = target - number
    elif comparison == EvidenceMeasure.Comparison.AT_MOST:
        short = number - target
    else:
        short = abs(number - target)
    if short <= 0:
        return GREEN
    return AMBER if short <= margin else RED


@dataclass(frozen=True)
class Reading:
    month_end: dt.date
    value: float | None
    rag: str


@dataclass(frozen=True)
class Evidence:
    link: EvidenceMeasure
    title: str
    unit: str
    readings: tuple[Reading, ...]

    @property
    def latest(self) -> Reading | None:
        return self.readings[-1] if self.readings else None

    @property
    def trend(self) -> str:
        """Better, worse or the same since the first month with data, judged by the target's
        direction ("" when there is too little data)."""
        values = [r.value for r in self.readings if r.value is not None]
        if len(values) < 2 or values[0] == values[-1]:
            return "" if len(values) < 2 else "the same"
        rising = values[-1] > values[0]
        if self.link.comparison == EvidenceMeasure.Comparison.AT_LEAST:
            return "better" if rising else "worse"
        if self.link.comparison == EvidenceMeasure.Comparison.AT_MOST:
            return "worse" if rising else "better"
        target = float(self.link.target)
        return "better" if abs(values[-1] - target) < abs(values[0] - target) else "worse"


def month_ends(since: dt.date, as_at: dt.date, most: int = 12) -> list[dt.date]:
    """as_at, then the last day of each month before it back to `since`'s month: at most
    `most` of them, oldest first."""
    ends = [as_at]
    end = as_at.replace(day=1) - dt.timedelta(days=1)
    while end >= since.replace(day=1) and len(ends) < most:
        ends.append(end)
        end = end.replace(day=1) - dt.timedelta(days=1)
    return sorted(ends)


def evidence_for(
    actions: Iterable[Action], la: LocalAuthority, as_at: dt.date, *, months: int = 12
) -> dict[int, list[Evidence]]:
    """Every linked measure of these actions, monthly to as_at. The data is loaded once and
    the engine runs once per month for all the measures needed."""
    links = list(EvidenceMeasure.objects.filter(action__in=list(actions)).order_by("id"))
    if not links:
        return {}
    ids = sorted({link.measure_id for link in links if link.measure_id in REGISTRY.measures})
    data = load_case_data(
        Child.objects.filter(local_authority=la),
        Worker.objects.filter(team__locality__local_authority=la)
        | Worker.objects.filter(locality__local_authority=la),
    )
    policy, _version = current_policy()
    calendar = calendar_for(policy)
    since = add_months(as_at, -(months - 1)).replace(day=1)
    by_month: dict[dt.date, dict[str, Result]] = {}
    for end in month_ends(since, as_at, months):
        ctx = Context(end, Period(end.replace(day=1), end), policy, calendar)
        by_month[end] = REGISTRY.compute(data, ctx, ids)
    found: dict[int, list[Evidence]] = {}
    for link in links:
        found.setdefault(link.action_id, []).append(_evidence(link, by_month))
    return found


def _evidence(link: EvidenceMeasure, by_month: dict[dt.date, dict[str, Result]]) -> Evidence:
    measure = REGISTRY.measures.get(link.measure_id)
    if measure is None:
        return Evidence(link, f"Unknown measure {link.measure_id}", "", ())
    readings = []
    for end, results in sorted(by_month.items()):
        value = _value(results[link.measure_id], link.breakdown)
        readings.append(
            Reading(end, value, rag(value, link.comparison, link.target, link.amber_margin))
        )
    return Evidence(link, measure.title, measure.unit.value, tuple(readings))


def _value(result: Result, breakdown: str) -> float | None:
    chosen = result.breakdown.get(breakdown) if breakdown else result
    if chosen is None or chosen.value is None:
        return None
    return float(chosen.value)


def overall(evidence: Sequence[Evidence]) -> str:
    """An action's RAG: its worst current measure (no data only when none has data)."""
    current = [e.latest.rag for e in evidence if e.latest and e.latest.rag != NONE]
    for colour in (RED, AMBER, GREEN):
        if colour in current:
            return colour
    return NONE
