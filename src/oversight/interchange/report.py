"""What an import found and what it would change: the report every import returns.

Pure Python (no Django), so the file readers can be tested and fuzzed without a database. A
problem names where it is (sheet or file), the row, the column, the value and the reason; an
`error` stops the import (nothing is written), a `warning` is a data-quality finding that is
imported and listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    where: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    severity: Severity = "error"

    def as_text(self) -> str:
        place = self.where
        if self.row is not None:
            place += f" row {self.row}"
        if self.column:
            place += f", column “{self.column}”"
        value = f" (value “{self.value}”)" if self.value not in (None, "") else ""
        return f"{self.severity.upper()}: {place}{value}: {self.reason}"


@dataclass
class TableCount:
    new: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    tables: dict[str, TableCount] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    committed: bool = False

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def count(self, table: str) -> TableCount:
        return self.tables.setdefault(table, TableCount())

    def as_json(self) -> dict[str, Any]:
        """The documented JSON shape (docs/importing.md)."""
        return {
            "tables": {name: asdict(count) for name, count in self.tables.items()},
            "problems": [asdict(p) for p in self.problems],
            "committed": self.committed,
        }

    def as_text(self, max_problems: int = 50) -> str:
        lines = []
        for name, count in self.tables.items():
            lines.append(
                f"{name:<22} {count.new:>7} new {count.updated:>7} updated "
                f"{count.unchanged:>7} unchanged"
            )
        if self.problems:
            lines.append("")
            lines.append(f"{len(self.errors)} errors, {len(self.warnings)} warnings")
            reasons = Counter((p.severity, p.reason) for p in self.problems)
            if len(self.problems) > max_problems:
                lines.append("Most common:")
                for (severity, reason), n in reasons.most_common(10):
                    lines.append(f"  {n:>6} × {severity}: {reason}")
                lines.append(f"First {max_problems}:")
            lines.extend(p.as_text() for p in self.problems[:max_problems])
        lines.append("")
        if self.committed:
            lines.append("Imported: the changes above are saved.")
        elif self.errors:
            lines.append("Nothing was imported: fix the errors above and import again.")
        else:
            lines.append("Dry run: nothing was saved.")
        return "\n".join(lines)


def progress_line(name: str, rows: int, total: int | None, width: int = 30) -> str:
    """`annex-a.xlsx [#########.....................]  30% 30,000 of 100,000 rows`."""
    if not total:
        return f"{name}: {rows:,} rows read"
    share = min(rows / total, 1.0)
    filled = round(width * share)
    return (
        f"{name} [{'#' * filled}{'.' * (width - filled)}] {share:4.0%} {rows:,} of {total:,} rows"
    )
