"""A small line chart of a measure's monthly readings, drawn on the server as inline SVG.

Geometry only: the template (actionplan/_chart.html) draws it with SVG presentation attributes,
never style attributes, so the Content-Security-Policy holds. The chart is an image with a
label; the same numbers are always in a table beneath it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from oversight.actionplan.evidence import AMBER, GREEN, NONE, RED, Evidence
from oversight.actionplan.wording import number_text, rag_label, target_text, value_text

LEFT, RIGHT, TOP, BOTTOM = 56, 28, 16, 36
# Point fills, each drawn with a dark outline so it stands out from white at 3:1 or more.
FILLS = {GREEN: "#00703c", AMBER: "#ffdd00", RED: "#d4351c", NONE: "#ffffff"}


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    fill: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    lines: tuple[str, ...]  # SVG polyline points, one per unbroken run of months with data
    points: tuple[ChartPoint, ...]
    target_y: float | None
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    label: str


def line_chart(evidence: Evidence, *, width: int = 640, height: int = 240) -> LineChart:
    readings = evidence.readings
    values = [r.value for r in readings if r.value is not None]
    target = float(evidence.link.target)
    low, high, step = nice_scale([*values, target])
    right, bottom = width - RIGHT, height - BOTTOM

    def x(index: int) -> float:
        if len(readings) < 2:
            return (LEFT + right) / 2
        return round(LEFT + index * (right - LEFT) / (len(readings) - 1), 1)

    def y(value: float) -> float:
        return round(bottom - (value - low) * (bottom - TOP) / (high - low), 1)

    ticks = tuple(
        (y(low + i * step), number_text(low + i * step))
        for i in range(round((high - low) / step) + 1)
    )
    return LineChart(
        width=width,
        height=height,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        lines=line_runs([r.value for r in readings], x, y),
        points=tuple(
            ChartPoint(x(i), y(r.value), FILLS[r.rag])
            for i, r in enumerate(readings)
            if r.value is not None
        ),
        target_y=y(target),
        y_ticks=ticks,
        x_ticks=tuple((x(i), f"{r.month_end:%b %y}") for i, r in enumerate(readings)),
        label=_label(evidence),
    )


def line_runs(
    values: Sequence[float | None], x: Callable[[int], float], y: Callable[[float], float]
) -> tuple[str, ...]:
    """SVG polyline points for each unbroken run of values: a gap (None) breaks the line
    rather than join across it."""
    runs: list[list[str]] = [[]]
    for index, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append(f"{x(index)},{y(value)}")
    return tuple(" ".join(run) for run in runs if len(run) > 1)


def nice_scale(values: list[float]) -> tuple[float, float, float]:
    """A range from zero (or below) to a round number above the highest value, in 3–6 steps."""
    low, high = min([0.0, *values]), max([0.0, *values])
    if high == low:
        high = low + 1
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _label(evidence: Evidence) -> str:
    readings = evidence.readings
    if not readings:
        return f"{evidence.title}: no readings"
    latest = readings[-1]
    return (
        f"Line chart of {evidence.title}, month by month from {readings[0].month_end:%B %Y} "
        f"to {latest.month_end.day} {latest.month_end:%B %Y}: latest "
        f"{value_text(latest.value, evidence.unit)} ({rag_label(latest.rag)}) against a target "
        f"of {target_text(evidence.link, evidence.unit)}. The values are in the table below."
    )
