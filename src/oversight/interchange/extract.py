"""What a reader makes of a file: rows per table in natural keys, and the problems it found.

Readers (Annex A, CIN census, CSV) never touch the database. They produce an `Extract` whose
tables are keyed the way the council knows its records: children by LA child ID, referrals by
child and date, workers by name. The store (`store.py`) matches those keys against what is
already held, so importing the same file twice changes nothing and a later extract updates.

A value of None means "this file does not say": it never erases what is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from oversight.interchange.report import Problem, Severity

# The tables an import can write, in the order they are stored (the JSON report's names).
TABLES = (
    "teams",
    "workers",
    "absences",
    "children",
    "contacts",
    "referrals",
    "assessments",
    "s47",
    "cp_plans",
    "cp_reviews",
    "complexity",
    "allocations",
    "supervision_sessions",
    "case_discussions",
)

# The fields that identify a row of each table within one council.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "teams": ("name",),
    "workers": ("name",),
    "absences": ("worker", "start_date"),
    "children": ("la_child_id",),
    "contacts": ("la_child_id", "date", "source"),
    "referrals": ("la_child_id", "date"),
    "assessments": ("la_child_id", "kind", "start_date"),
    "s47": ("la_child_id", "strategy_date"),
    "cp_plans": ("la_child_id", "start_date"),
    "cp_reviews": ("la_child_id", "plan_start_date", "date"),
    "complexity": ("la_child_id", "assessed_on"),
    "allocations": ("la_child_id", "worker", "start_date"),
    "supervision_sessions": ("supervisee", "held_on", "supervisor"),
    "case_discussions": ("supervisee", "held_on", "supervisor", "la_child_id"),
}


# domain.md §2 / CIN census: an NFA referral is closed on the day it was made. Annex A has no
# closure for it (List 6 lists children in need), so it is recorded closed on its date with
# reason RC8 unless the file gives a closure. See docs/importing.md.
NFA_CLOSURE_REASON = "RC8"


def normalise_name(name: str) -> str:
    """Names match whatever their case or spacing (non-breaking spaces included)."""
    return " ".join(name.replace("\xa0", " ").split()).casefold()


class Progress(Protocol):
    """Told how many rows a reader has read, and the total when the reader knows it."""

    def __call__(self, done: int, total: int | None = None, /) -> None: ...


@dataclass
class Row:
    """One record as read, with where it came from (for problems)."""

    where: str
    number: int | None
    values: dict[str, Any]

    def key(self, table: str) -> tuple[Any, ...]:
        return tuple(self.values[name] for name in NATURAL_KEYS[table])

    @property
    def event_date(self) -> dt.date | None:
        """The row's main date, to tell which of a child's rows is the latest."""
        for name in ("date", "start_date", "strategy_date", "held_on"):
            if isinstance(self.values.get(name), dt.date):
                return self.values[name]  # type: ignore[no-any-return]
        return None


@dataclass
class Extract:
    source: str  # what kind of file: annex-a, cin, csv:<template>
    la_code: str | None = None  # the council, when the file says (the CIN census does)
    tables: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    rows_read: int = 0

    def add(self, table: str, where: str, number: int | None, **values: Any) -> Row:
        row = Row(where, number, values)
        self.tables.setdefault(table, []).append(row)
        return row

    def problem(
        self,
        where: str,
        row: int | None,
        column: str | None,
        value: object,
        reason: str,
        severity: Severity = "error",
    ) -> None:
        shown = None if value is None else str(value)[:200]
        self.problems.append(Problem(where, row, column, shown, reason, severity))

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])
