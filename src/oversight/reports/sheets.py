"""An audit as plain rows (`AuditSheet`): what the workbook writes, one sheet per audit.

Sheet builders (`audit_workforce.py`, `audit_casework.py`) pick columns from the engine's
answers and look up names here; the workbook (`workbook.py`) only writes what they give it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from oversight.engine.frames import CaseData
from oversight.engine.workforce import GRADE_LABELS, Grade


class Cell(StrEnum):
    """How a column's values are written (and so read back)."""

    TEXT = "text"
    DATE = "date"
    WHOLE = "whole"  # a count: a whole number
    NUMBER = "number"  # one decimal place
    PERCENT = "percent"  # a fraction, shown as a percentage
    RAG = "rag"  # Red / Amber / Green (or another status word), coloured


@dataclass(frozen=True)
class Column:
    heading: str
    cell: Cell
    width: int = 14


@dataclass(frozen=True)
class AuditSheet:
    name: str  # the sheet's tab (at most 31 characters)
    title: str
    rules: str  # the domain.md rules it checks
    about: str  # what a row is, in a sentence
    headline: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]]


def text(heading: str, width: int = 24) -> Column:
    return Column(heading, Cell.TEXT, width)


def date(heading: str) -> Column:
    return Column(heading, Cell.DATE, 13)


def whole(heading: str, width: int = 12) -> Column:
    return Column(heading, Cell.WHOLE, width)


def number(heading: str, width: int = 12) -> Column:
    return Column(heading, Cell.NUMBER, width)


def percent(heading: str, width: int = 12) -> Column:
    return Column(heading, Cell.PERCENT, width)


def rag(heading: str, width: int = 12) -> Column:
    return Column(heading, Cell.RAG, width)


RED, AMBER, GREEN = "Red", "Amber", "Green"
YES, NO = "Yes", "No"


def yes_no(flag: bool | None) -> str:
    return YES if flag else NO


@dataclass(frozen=True)
class Names:
    """Child, worker and team names from the frames (ids never appear in a sheet)."""

    children: Mapping[int, str]
    workers: Mapping[int, str]
    worker_team: Mapping[int, int | None]
    teams: Mapping[int, str]
    responsible_team: Mapping[int, int | None]

    @classmethod
    def of(cls, data: CaseData) -> Names:
        children = data.children.select("child_id", "la_child_id", "responsible_team_id")
        workers = data.workers.select("worker_id", "name", "team_id")
        return cls(
            children=dict(children.select("child_id", "la_child_id").iter_rows()),
            workers=dict(workers.select("worker_id", "name").iter_rows()),
            worker_team=dict(workers.select("worker_id", "team_id").iter_rows()),
            teams=dict(data.teams.select("team_id", "name").iter_rows()),
            responsible_team=dict(children.select("child_id", "responsible_team_id").iter_rows()),
        )

    def child(self, child_id: int) -> str:
        return self.children.get(child_id, "")

    def worker(self, worker_id: int | None) -> str:
        return self.workers.get(worker_id, "") if worker_id is not None else ""

    def team_of_worker(self, worker_id: int | None) -> str:
        team = self.worker_team.get(worker_id) if worker_id is not None else None
        return self.teams.get(team, "") if team is not None else ""

    def team_of_child(self, child_id: int) -> str:
        team = self.responsible_team.get(child_id)
        return self.teams.get(team, "") if team is not None else ""


def shown(value: float | int | None, *, percent: bool = False) -> str:
    if value is None:
        return "none to measure"
    return (
        f"{value:.1f}%" if percent else (f"{value:g}" if isinstance(value, int) else f"{value:.1f}")
    )


def grade_label(code: str | None) -> str:
    return GRADE_LABELS.get(Grade(code), code) if code else ""
