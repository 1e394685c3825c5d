"""An action plan as a workbook: the export's columns, and reading a plan back from a workbook
in that layout (or any sheet with Finding/Inspection outcome and Action headings).

Reading: the workbook is checked (interchange.safety.check_workbook: a real .xlsx, no macros, no
zip bomb) and read with calamine. The sheet called "Plan" is read, else the first sheet; the
heading row is the first of the top ten naming both a finding and an action column. A blank
finding cell carries on the finding above (merged cells read that way), rows with the same
finding text share one finding, and the Status and Completed on columns, when present, say the
status outright. Computed columns (RAG, latest value, trend …) are ignored: they are worked out
again from the data. Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from oversight.actionplan.document import DraftAction, DraftFinding, DraftPlan, _check
from oversight.interchange import cells
from oversight.interchange.safety import Limits, open_workbook

SHEET = "Plan"
# The export's columns, in order: (key, heading).
COLUMNS = (
    ("finding", "Finding"),
    ("action", "Action"),
    ("lead", "Lead"),
    ("timescale", "Timescale"),
    ("evidence", "How do we know it has happened?"),
    ("due", "Due"),
    ("status", "Status"),
    ("completed_on", "Completed on"),
    ("rag", "RAG"),
    ("measure", "Measure"),
    ("latest", "Latest value"),
    ("target", "Target"),
    ("trend", "Trend"),
    ("last_update", "Last update"),
    ("last_update_text", "Last update text"),
    ("comments", "Comments"),
)
# What each column read back may be headed, in the export or in a council's own sheet.
READ_HEADINGS = {
    "finding": ("finding", "inspection outcome", "recommendation", "area for improvement"),
    "action": ("action",),
    "lead": ("lead", "responsible", "owner"),
    "timescale": ("timescale", "by when", "deadline"),
    "evidence": ("how do we know", "evidence", "measure of success", "outcome measure"),
    "status": ("status",),
    "completed_on": ("completed on", "date completed"),
    "comments": ("comment", "progress"),
}
STATUSES = {
    "not started": "not_started",
    "in progress": "in_progress",
    "completed": "completed",
    "superseded": "superseded",
}
HEADING_SEARCH_ROWS = 10
MAX_BYTES = 5 * 1024 * 1024


def read_workbook(path: Path) -> DraftPlan:
    """Raises interchange.safety.FileRefused for a file that is not a safe .xlsx."""
    workbook = open_workbook(path, Limits(max_file_bytes=MAX_BYTES))
    names = workbook.sheet_names
    name = next((n for n in names if n.strip().lower() == SHEET.lower()), names[0])
    rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    plan = DraftPlan(title=Path(path).stem)
    found = _headings(rows)
    if found is None:
        plan.flags.append(f"no heading row naming a Finding and an Action column on “{name}”")
        return plan
    heading_row, positions = found
    _Rows(plan, positions).read(rows[heading_row + 1 :], first_number=heading_row + 2)
    for action in plan.actions:
        _check(action, plan)
    return plan


def _headings(rows: list[list[Any]]) -> tuple[int, dict[str, int]] | None:
    for number, row in enumerate(rows[:HEADING_SEARCH_ROWS]):
        headings = [" ".join(cells.text(value).lower().split()) for value in row]
        positions: dict[str, int] = {}
        for key, words in READ_HEADINGS.items():
            for index, heading in enumerate(headings):
                if index not in positions.values() and heading.startswith(words):
                    positions[key] = index
                    break
        if "finding" in positions and "action" in positions:
            return number, positions
    return None


def _text(value: Any) -> str:
    """A cell's text with its line breaks kept (long answers are written over several lines)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\xa0", " ").strip()


class _Rows:
    def __init__(self, plan: DraftPlan, positions: dict[str, int]):
        self.plan = plan
        self.positions = positions
        self.findings: dict[str, DraftFinding] = {}
        self.current: DraftFinding | None = None

    def cell(self, row: list[Any], key: str) -> Any:
        index = self.positions.get(key)
        return row[index] if index is not None and index < len(row) else None

    def read(self, rows: list[list[Any]], *, first_number: int) -> None:
        """`first_number` is the spreadsheet's number of the first row, for messages."""
        for offset, row in enumerate(rows, start=first_number):
            if all(cells.is_blank(value) for value in row):
                continue
            finding = self._finding(_text(self.cell(row, "finding")))
            action = _text(self.cell(row, "action"))
            if finding is None:
                self.plan.flags.append(f"row {offset}: an action before any finding")
                finding = self._finding("(no finding given)")
            if action:
                assert finding is not None
                finding.actions.append(self._action(row, action, offset))

    def _finding(self, text: str) -> DraftFinding | None:
        if not text:
            return self.current  # a merged cell: the finding above carries on
        key = " ".join(text.split()).casefold()
        if key not in self.findings:
            self.findings[key] = DraftFinding(text)
            self.plan.findings.append(self.findings[key])
        self.current = self.findings[key]
        return self.current

    def _action(self, row: list[Any], text: str, number: int) -> DraftAction:
        action = DraftAction(
            text,
            cells.text(self.cell(row, "lead")),
            cells.text(self.cell(row, "timescale")),
            _text(self.cell(row, "evidence")),
            _text(self.cell(row, "comments")),
        )
        status = cells.text(self.cell(row, "status"))
        if status:
            action.status = STATUSES.get(status.lower(), "")
            if not action.status:
                action.flags.append(f"status “{status}” not understood: read from the comments")
        action.completed_on = self._date(row, action, number)
        return action

    def _date(self, row: list[Any], action: DraftAction, number: int) -> dt.date | None:
        try:
            return cells.date(self.cell(row, "completed_on"))
        except cells.CellError as error:
            action.flags.append(f"row {number}: completed on: {error}")
            return None
