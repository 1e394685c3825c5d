"""How numbers read on a page: percentages, points, grades. Formatting only, never computing."""

from __future__ import annotations

import datetime as dt

from django import template

from oversight.engine.workforce import GRADE_LABELS, Grade

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.912 → "91%"; no value → an en dash."""
    return "–" if value is None else f"{value * 100:.0f}%"


@register.filter
def points(value: float | None) -> str:
    """Weighted-load points: whole numbers without decimals, halves kept (co-worked cases)."""
    if value is None:
        return "–"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


@register.filter
def fte(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@register.filter
def grade_label(grade: str) -> str:
    return GRADE_LABELS.get(Grade(grade), grade)


@register.filter
def rag_label(rag: str) -> str:
    return {"red": "Over capacity", "amber": "Near capacity", "green": "Within capacity"}.get(
        rag, rag
    )


@register.filter
def plural(count: int, words: str) -> str:
    """`n|plural:"case,cases"` → "1 case" / "3 cases"."""
    one, many = words.split(",")
    return f"{count} {one if count == 1 else many}"


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """A length of time in whole minutes (the sign-in lock-out's cool-off)."""
    return int(value.total_seconds() // 60) if value else 0
