"""A measure's fortnightly values as a small line chart, drawn on the server as inline SVG.

Geometry only: the template (reports/_trend_chart.html) draws it with SVG presentation
attributes, never style attributes, so the Content-Security-Policy holds and WeasyPrint prints
it. The chart is an image with a label; the same numbers are always in a table beside it. The
England benchmark and the target, when there are, are drawn as labelled dashed lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from oversight.actionplan.charts import line_runs, nice_scale

LEFT, RIGHT, TOP, BOTTOM = 48, 56, 12, 30


@dataclass(frozen=True)
class Guide:
    y: float
    label: str
    label_y: float  # moved clear of the other guide's label when the two lines are close


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    lines: tuple[str, ...]  # polyline points, one per unbroken run of fortnights with a value
    points: tuple[tuple[float, float], ...]
    guides: tuple[Guide, ...]  # benchmark and target lines
    y_ticks: tuple[tuple[float, str], ...]
    x_ticks: tuple[tuple[float, str], ...]
    label: str


def trend_chart(
    ends: Sequence[dt.date],
    values: Sequence[float | None],
    *,
    label: str,
    guides: Sequence[tuple[float, str]] = (),
    width: int = 560,
    height: int = 170,
) -> TrendChart:
    low, high, step = nice_scale([v for v in values if v is not None] + [g for g, _ in guides])
    right, bottom = width - RIGHT, height - BOTTOM

    def x(index: int) -> float:
        if len(ends) < 2:
            return (LEFT + right) / 2
        return round(LEFT + index * (right - LEFT) / (len(ends) - 1), 1)

    def y(value: float) -> float:
        return round(bottom - (value - low) * (bottom - TOP) / (high - low), 1)

    return TrendChart(
        width=width,
        height=height,
        left=LEFT,
        right=right,
        top=TOP,
        bottom=bottom,
        lines=line_runs(values, x, y),
        points=tuple((x(i), y(v)) for i, v in enumerate(values) if v is not None),
        guides=_guides([(y(value), text) for value, text in guides]),
        y_ticks=tuple(
            (y(low + i * step), _tick(low + i * step))
            for i in range(round((high - low) / step) + 1)
        ),
        # Every other fortnight is labelled, so the dates never overlap.
        x_ticks=tuple(
            (x(i), f"{end.day} {end:%b}")
            for i, end in enumerate(ends)
            if (len(ends) - 1 - i) % 2 == 0
        ),
        label=label,
    )


def _guides(lines: list[tuple[float, str]]) -> tuple[Guide, ...]:
    placed: list[Guide] = []
    for y, label in lines:
        label_y = y
        for other in placed:
            if abs(other.label_y - label_y) < 12:
                label_y = other.label_y + (12 if label_y >= other.label_y else -12)
        placed.append(Guide(y, label, label_y))
    return tuple(placed)


def _tick(value: float) -> str:
    return f"{value:g}"
