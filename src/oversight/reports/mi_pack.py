"""The fortnightly management-information pack: the key measures for the fortnight ending on a
date, with the change since the fortnight before, the trend over the last 12 fortnights, the
England benchmark (benchmarks.py, domain.md §9), a RAG rating against the council's target and
the action plan's status.

Each fortnight is measured as at its own last day, from what was known then, so the trend's
points are the numbers the packs for those fortnights showed. Targets are the ones the council
set when it linked a measure to an action of its current inspection action plan (the whole
measure, not a breakdown of it): a measure with no such link shows its benchmark and no RAG.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from oversight.actionplan.evidence import NONE, RAG_LABELS
from oversight.actionplan.evidence import rag as rag_for
from oversight.actionplan.models import EvidenceMeasure
from oversight.actionplan.queries import Counts, inspections_of, plan_overview
from oversight.engine.frames import CaseData
from oversight.engine.measures import REGISTRY
from oversight.engine.policy import Policy
from oversight.engine.registry import Context, Direction, Measure, Period, Result, Unit
from oversight.people.models import LocalAuthority
from oversight.policy.queries import calendar_for
from oversight.reports.benchmarks import Benchmark, benchmark_for
from oversight.reports.charts import TrendChart, trend_chart
from oversight.reports.measures_output import rounded
from oversight.reports.units import Unit as ReportUnit
from oversight.reports.units import UnitKind, unit_data

FORTNIGHT_DAYS = 14
TREND_FORTNIGHTS = 12
NO_TARGET = "No target set"

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Referrals and re-referrals",
        (
            "referrals.count",
            "referrals.rereferral_rate",
            "referrals.rereferral_rate_excluding_misclassified",
            "referrals.nfa_rate",
            "referrals.possible_misclassification",
        ),
    ),
    (
        "Assessments",
        (
            "assessments.within_timescale_rate",
            "assessments.median_duration",
            "assessments.open_overdue",
            "assessments.overdue_missing_reason",
        ),
    ),
    (
        "Section 47 enquiries and child protection conferences",
        (
            "icpc.within_15wd_rate",
            "cp_reviews.on_time_rate",
            "caseload.s47_pressure_flags",
            "allocation.unallocated_child_protection",
        ),
    ),
    (
        "Caseloads",
        (
            "caseload.average_per_fte",
            "caseload.utilisation",
            "caseload.workers_over_capacity",
            "allocation.fsw_policy_breaches",
        ),
    ),
    (
        "Supervision",
        (
            "supervision.compliance_rate",
            "supervision.overdue_workers",
            "supervision.write_up_on_time_rate",
            "supervision.case_oversight_gaps",
        ),
    ),
)
PACK_MEASURES = tuple(m for _title, ids in SECTIONS for m in ids)


@dataclass(frozen=True)
class Target:
    comparison: str  # EvidenceMeasure.Comparison
    value: Decimal
    amber_margin: Decimal

    def text(self, unit: Unit) -> str:
        words = EvidenceMeasure.Comparison(self.comparison).label
        return f"{words} {value_text(float(self.value), unit)}"


@dataclass(frozen=True)
class Point:
    end: dt.date
    value: float | int | None
    shown: str


@dataclass(frozen=True)
class KeyMeasure:
    measure: Measure
    points: tuple[Point, ...]  # oldest first; the last is this fortnight
    numerator: float | int | None
    denominator: float | int | None
    benchmark: Benchmark | None
    target: Target | None
    rag: str
    chart: TrendChart

    @property
    def value(self) -> float | int | None:
        return self.points[-1].value

    @property
    def shown(self) -> str:
        if self.points[-1].shown == SUPPRESSED:
            return SUPPRESSED
        return value_text(self.value, self.measure.unit)

    @property
    def is_rate(self) -> bool:
        """Whether "n of d" reads naturally (a percentage of a count)."""
        return self.measure.unit == Unit.PERCENT and bool(self.denominator)

    @property
    def change(self) -> float | None:
        if len(self.points) < 2 or self.value is None or self.points[-2].value is None:
            return None
        return round(float(self.value) - float(self.points[-2].value), 1)

    @property
    def change_shown(self) -> str:
        return change_text(self.change, self.measure)

    @property
    def rag_label(self) -> str:
        return RAG_LABELS[self.rag] if self.target else NO_TARGET

    @property
    def benchmark_shown(self) -> str:
        if self.benchmark is None:
            return "–"
        return f"{value_text(self.benchmark.value, self.measure.unit)} ({self.benchmark.year})"

    @property
    def target_shown(self) -> str:
        return self.target.text(self.measure.unit) if self.target else "–"


@dataclass(frozen=True)
class Section:
    title: str
    measures: tuple[KeyMeasure, ...]


@dataclass(frozen=True)
class PlanStatus:
    title: str
    counts: Counts


@dataclass(frozen=True)
class MiPack:
    unit: ReportUnit
    as_at: dt.date
    period: Period
    policy_version: int
    sections: tuple[Section, ...]
    plan: PlanStatus | None
    generated_by: str
    generated_at: dt.datetime
    small_numbers: int = 0  # counts from 1 to this are shown as [c]; 0: none hidden

    @property
    def measures(self) -> list[KeyMeasure]:
        return [m for section in self.sections for m in section.measures]

    def figures(self) -> dict[str, float | int | None]:
        return {m.measure.id: m.value for m in self.measures}


def fortnight(end: dt.date) -> Period:
    return Period(end - dt.timedelta(days=FORTNIGHT_DAYS - 1), end)


def fortnight_ends(as_at: dt.date, count: int = TREND_FORTNIGHTS) -> list[dt.date]:
    return [as_at - dt.timedelta(days=FORTNIGHT_DAYS * k) for k in reversed(range(count))]


def build_mi_pack(
    unit: ReportUnit,
    as_at: dt.date,
    *,
    policy: Policy,
    policy_version: int,
    generated_by: str,
    generated_at: dt.datetime,
    data_at: Callable[[dt.date], CaseData] | None = None,
) -> MiPack:
    """The pack for the fortnight ending `as_at`. `data_at(day)` gives the unit's frames as known
    on a day (by default `unit_data`; a council's children do not depend on the day, so its
    frames are loaded once)."""
    ends = fortnight_ends(as_at)
    loader = data_at or _loader(unit)
    calendar = calendar_for(policy)
    by_end = {
        end: REGISTRY.compute(
            loader(end), Context(end, fortnight(end), policy, calendar), PACK_MEASURES
        )
        for end in ends
    }
    la = LocalAuthority.objects.get(pk=unit.local_authority_id)
    targets, plan = _plan(la, as_at)
    small = small_numbers_for(unit)
    sections = tuple(
        Section(title, tuple(_key_measure(m, ends, by_end, targets.get(m), small) for m in ids))
        for title, ids in SECTIONS
    )
    return MiPack(
        unit,
        as_at,
        fortnight(as_at),
        policy_version,
        sections,
        plan,
        generated_by,
        generated_at,
        small,
    )


SUPPRESSED = "[c]"


def small_numbers_for(unit: ReportUnit) -> int:
    """Counts from 1 to this many are hidden in the pack (issue 9, data minimisation): a pack
    for a locality or the council leaves the team's scope, so a handful of children could be
    recognised. 0 for a team's own pack, or when the council switches it off."""
    limit: int = settings.OVERSIGHT_SMALL_NUMBERS
    return 0 if unit.kind == UnitKind.TEAM else max(limit, 0)


def _is_small(result: Result, unit: Unit, limit: int) -> bool:
    """A count of 1 to `limit`, or a rate made from one (numerator or denominator)."""
    if limit <= 0:
        return False
    counts = [result.value] if unit == Unit.COUNT else [result.numerator, result.denominator]
    return any(c is not None and 1 <= c <= limit for c in counts)


def _loader(unit: ReportUnit) -> Callable[[dt.date], CaseData]:
    if unit.kind == UnitKind.COUNCIL:
        loaded: list[CaseData] = []

        def once(day: dt.date) -> CaseData:
            if not loaded:
                loaded.append(unit_data(unit, day))
            return loaded[0]

        return once
    return lambda day: unit_data(unit, day)


def _plan(la: LocalAuthority, as_at: dt.date) -> tuple[dict[str, Target], PlanStatus | None]:
    """The targets of the council's current action plan, and where the plan stands."""
    inspections = [i for i in inspections_of(la) if i.start_date <= as_at]
    if not inspections:
        return {}, None
    inspection = inspections[0]
    targets: dict[str, Target] = {}
    links = EvidenceMeasure.objects.filter(
        action__finding__inspection=inspection, breakdown=""
    ).order_by("id")
    for link in links:
        targets.setdefault(link.measure_id, Target(link.comparison, link.target, link.amber_margin))
    overview = plan_overview(inspection, as_at)
    return targets, PlanStatus(str(inspection), overview.counts)


def _key_measure(
    measure_id: str,
    ends: Sequence[dt.date],
    by_end: Mapping[dt.date, Mapping[str, Result]],
    target: Target | None,
    small: int = 0,
) -> KeyMeasure:
    measure = REGISTRY.measures[measure_id]
    hidden = [_is_small(by_end[end][measure_id], measure.unit, small) for end in ends]
    values = [
        None if hide else rounded(by_end[end][measure_id].value, measure.unit)
        for end, hide in zip(ends, hidden, strict=True)
    ]
    points = tuple(
        Point(end, value, SUPPRESSED if hide else value_text(value, measure.unit, short=True))
        for end, value, hide in zip(ends, values, hidden, strict=True)
    )
    latest = by_end[ends[-1]][measure_id]
    if hidden[-1]:
        latest = Result(None, None, None)
    benchmark = benchmark_for(measure_id)
    rating = NONE
    if target is not None:
        rating = rag_for(points[-1].value, target.comparison, target.value, target.amber_margin)
    guides = []
    if benchmark is not None:
        guides.append((benchmark.value, benchmark.label))
    if target is not None:
        guides.append((float(target.value), "Target"))
    return KeyMeasure(
        measure=measure,
        points=points,
        numerator=latest.numerator,
        denominator=latest.denominator,
        benchmark=benchmark,
        target=target,
        rag=rating,
        chart=trend_chart(
            ends,
            [None if v is None else float(v) for v in values],
            label=_chart_label(measure, points, benchmark, target),
            guides=guides,
        ),
    )


def _chart_label(
    measure: Measure, points: Sequence[Point], benchmark: Benchmark | None, target: Target | None
) -> str:
    first, last = points[0], points[-1]
    parts = [
        f"Line chart of {measure.title} for the {len(points)} fortnights ending "
        f"{first.end:%-d %B %Y} to {last.end:%-d %B %Y}: this fortnight {last.shown}"
    ]
    if benchmark is not None:
        parts.append(f"England {value_text(benchmark.value, measure.unit)} ({benchmark.year})")
    if target is not None:
        parts.append(f"target {target.text(measure.unit)}")
    return "; ".join(parts) + ". The values are in the table below."


def value_text(value: float | int | None, unit: Unit, *, short: bool = False) -> str:
    """A value as printed; `short` leaves out a unit in words (the trend tables name it)."""
    if value is None:
        return "–"
    if unit == Unit.PERCENT:
        return f"{value:.1f}%"
    if unit == Unit.COUNT:
        return f"{int(value)}"
    if unit == Unit.WORKING_DAYS:
        return f"{value:g}" if short else f"{value:g} working days"
    return f"{value:.1f}"


def change_text(change: float | None, measure: Measure) -> str:
    if change is None:
        return "–"
    if change == 0:
        return "No change"
    size = f"{abs(change):g}" + (" points" if measure.unit == Unit.PERCENT else "")
    word = "Up" if change > 0 else "Down"
    if measure.direction == Direction.NEUTRAL:
        return f"{word} {size}"
    better = (change > 0) == (measure.direction == Direction.UP)
    return f"{word} {size} ({'better' if better else 'worse'})"
