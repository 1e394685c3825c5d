"""Measures as output: the JSON/CSV/table the CLI prints and the reference page docs/measures.md.

Rounding happens here, once: percentages to one decimal place, counts as whole numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from oversight.engine.registry import Context, Measure, Registry, Result, Unit


def rounded(value: float | int | None, unit: Unit) -> float | int | None:
    if value is None:
        return None
    if unit == Unit.COUNT:
        return int(value)
    return round(float(value), 1)


def _number(value: float | int | None) -> float | int | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None if value is None else round(value, 3) if isinstance(value, float) else value


def result_json(measure: Measure, result: Result) -> dict[str, Any]:
    return {
        "title": measure.title,
        "value": rounded(result.value, measure.unit),
        "numerator": _number(result.numerator),
        "denominator": _number(result.denominator),
        "unit": measure.unit.value,
        "direction": measure.direction.value,
        "rule": measure.rule,
        "cases": len(result.cases),
        "breakdown": {
            key: {
                "value": rounded(sub.value, measure.unit if sub.denominator else Unit.NUMBER),
                "numerator": _number(sub.numerator),
                "denominator": _number(sub.denominator),
            }
            for key, sub in sorted(result.breakdown.items())
        },
    }


def measures_json(
    registry: Registry,
    results: Mapping[str, Result],
    context: Context,
    *,
    policy_version: int | None,
    scope: str,
) -> str:
    document = measures_document(
        registry, results, context, policy_version=policy_version, scope=scope
    )
    return json.dumps(document, indent=2)


def measures_document(
    registry: Registry,
    results: Mapping[str, Result],
    context: Context,
    *,
    policy_version: int | None,
    scope: str,
) -> dict[str, Any]:
    return {
        "as_at": context.as_at.isoformat(),
        "period": {
            "start": context.period.start.isoformat(),
            "end": context.period.end.isoformat(),
        },
        "scope": scope,
        "policy": {"version": policy_version},
        "measures": {
            measure_id: result_json(registry.measures[measure_id], result)
            for measure_id, result in results.items()
        },
    }


def measures_csv(registry: Registry, results: Mapping[str, Result]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title", "value", "numerator", "denominator", "unit", "cases"])
    for measure_id, result in results.items():
        measure = registry.measures[measure_id]
        writer.writerow(
            [
                measure_id,
                measure.title,
                rounded(result.value, measure.unit),
                _number(result.numerator),
                _number(result.denominator),
                measure.unit.value,
                len(result.cases),
            ]
        )
    return out.getvalue()


def measures_table(registry: Registry, results: Mapping[str, Result]) -> str:
    rows = [("Measure", "Value", "Of", "Title")]
    for measure_id, result in results.items():
        measure = registry.measures[measure_id]
        value = rounded(result.value, measure.unit)
        shown = (
            "–" if value is None else f"{value}%" if measure.unit == Unit.PERCENT else str(value)
        )
        of = (
            ""
            if result.denominator is None
            else f"{_number(result.numerator)} / {_number(result.denominator)}"
        )
        rows.append((measure_id, shown, of, measure.title))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}  {d}" for a, b, c, d in rows
    )


def measures_markdown(registry: Registry) -> str:
    """docs/measures.md, generated from the registry (a test fails when the file is stale)."""
    lines = [
        "# Measures",
        "",
        "Every number Oversight shows, as registered in the engine (`oversight.engine.registry`).",
        "This page is generated: run `oversight measures --write-docs docs/measures.md` after",
        "changing a measure. Ids are stable: the CLI's JSON, the API and reports use them.",
        "",
        "Percentages are given to one decimal place and counts as whole numbers; every result",
        "also gives its numerator and denominator, and the cases behind it.",
        "",
    ]
    families: dict[str, list[Measure]] = {}
    for measure in registry.measures.values():
        families.setdefault(measure.family, []).append(measure)
    for family, measures in families.items():
        lines += [
            f"## {family.capitalize()}",
            "",
            "| id | measure | unit | better | rule |",
            "|---|---|---|---|---|",
        ]
        for m in measures:
            cells = [f"`{m.id}`", f"**{m.title}** — {m.definition}", m.unit.value]
            lines.append("| " + " | ".join([*cells, m.direction.value, m.rule]) + " |")
        lines.append("")
    return "\n".join(lines)
