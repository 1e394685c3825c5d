"""The whole plan with its current evidence, as a workbook (XlsxWriter) and as rows for the PDF.

Both read one `PlanOverview` (queries.plan_overview), so the page, the workbook and the PDF
show the same RAG, due dates and values. In the workbook every text cell is written as text,
so a finding or an update beginning `=`, `+`, `-` or `@` can never become a formula; dates are
real dates; the RAG column is coloured by conditional formatting, with its words in the cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, BinaryIO

import xlsxwriter

from oversight.actionplan.evidence import AMBER, GREEN, NONE, RED
from oversight.actionplan.models import Finding
from oversight.actionplan.queries import ActionRow, PlanOverview
from oversight.actionplan.wording import rag_label, target_text
from oversight.actionplan.workbook import COLUMNS, SHEET

# Column widths in characters, by key (others 14).
WIDTHS = {"finding": 50, "action": 50, "evidence": 40, "last_update_text": 40, "comments": 30}
WIDTHS |= {"lead": 22, "timescale": 18, "measure": 30, "target": 16}
# Fill and text colours of the RAG cells: GOV.UK tag colours (text on fill 4.5:1 or more).
RAG_COLOURS = {
    GREEN: ("#cce2d8", "#005a30"),
    AMBER: ("#fff7bf", "#594d00"),
    RED: ("#f4cdc6", "#2a0b06"),
    NONE: ("#e5e6e7", "#0c0c0c"),
}


@dataclass(frozen=True)
class ExportRow:
    number: str
    finding: str
    action: str
    lead: str  # as written
    lead_in_full: str
    timescale: str
    evidence: str
    due: dt.date | None
    status: str
    completed_on: dt.date | None
    rag: str
    measure: str
    latest: float | None
    unit: str
    target: str
    trend: str
    last_update: dt.date | None
    last_update_text: str
    comments: str
    overdue: bool
    review_missed: bool

    def cells(self) -> dict[str, Any]:
        """The workbook's cells by column key (workbook.COLUMNS)."""
        return {
            "finding": self.finding,
            "action": self.action,
            "lead": self.lead,
            "timescale": self.timescale,
            "evidence": self.evidence,
            "due": self.due,
            "status": self.status,
            "completed_on": self.completed_on,
            "rag": rag_label(self.rag),
            "measure": self.measure,
            "latest": self.latest,
            "target": self.target,
            "trend": self.trend,
            "last_update": self.last_update,
            "last_update_text": self.last_update_text,
            "comments": self.comments,
        }


def export_rows(overview: PlanOverview) -> list[ExportRow]:
    return [row for _finding, rows in export_blocks(overview) for row in rows]


def export_blocks(overview: PlanOverview) -> list[tuple[Finding, list[ExportRow]]]:
    """Each finding with its actions' rows (a finding with none is kept: the PDF shows it)."""
    return [
        (block.finding, [_row(block.finding.text, row) for row in block.rows])
        for block in overview.findings
    ]


def _row(finding: str, row: ActionRow) -> ExportRow:
    action, headline, standing = row.action, row.headline, row.standing
    latest = headline.latest if headline else None
    return ExportRow(
        number=row.number,
        finding=finding,
        action=action.text,
        lead=action.lead,
        lead_in_full=row.lead,
        timescale=action.timescale,
        evidence=action.evidence,
        # A one-off action's due date; a recurring one's next progress update.
        due=action.due_on or standing.next_review,
        status=action.get_status_display(),
        completed_on=action.completed_on,
        rag=row.rag,
        measure=headline.title if headline else "",
        latest=latest.value if latest else None,
        unit=headline.unit if headline else "",
        target=target_text(headline.link, headline.unit) if headline else "",
        trend=headline.trend if headline else "",
        last_update=standing.last_update,
        last_update_text=row.last_update.text if row.last_update else "",
        comments=action.comments,
        overdue=standing.overdue,
        review_missed=standing.review_missed,
    )


def write_plan_workbook(target: BinaryIO, overview: PlanOverview) -> int:
    """Write the workbook; returns the number of actions written."""
    rows = export_rows(overview)
    book = xlsxwriter.Workbook(
        target, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    book.set_properties(
        {
            "title": f"Action plan: {overview.inspection}",
            "subject": f"As at {overview.as_at:%d/%m/%Y}",
            "comments": "Exported from Oversight; RAG, latest value and trend are as at that date",
        }
    )
    sheet = book.add_worksheet(SHEET)
    formats = _Formats(book)
    for column, (key, heading) in enumerate(COLUMNS):
        sheet.write_string(0, column, heading, formats.heading)
        sheet.set_column(column, column, WIDTHS.get(key, 14))
    for number, row in enumerate(rows, start=1):
        for column, (key, _heading) in enumerate(COLUMNS):
            _write(sheet, number, column, row.cells()[key], formats)
    last = max(len(rows), 1)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(COLUMNS) - 1)
    rag_column = [key for key, _ in COLUMNS].index("rag")
    for rag, colour in formats.rag.items():
        sheet.conditional_format(
            1,
            rag_column,
            last,
            rag_column,
            {"type": "cell", "criteria": "==", "value": f'"{rag_label(rag)}"', "format": colour},
        )
    book.close()
    return len(rows)


class _Formats:
    def __init__(self, book: Any):
        self.heading = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.text = book.add_format({"text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
        self.number = book.add_format({"num_format": "0.0", "valign": "top"})
        self.rag = {
            rag: book.add_format({"bg_color": fill, "font_color": text})
            for rag, (fill, text) in RAG_COLOURS.items()
        }


def _write(sheet: Any, row: int, column: int, value: Any, formats: _Formats) -> None:
    if isinstance(value, dt.date):
        sheet.write_datetime(row, column, dt.datetime.combine(value, dt.time()), formats.date)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(row, column, value, formats.number)
    elif value:
        sheet.write_string(row, column, str(value), formats.text)  # never a formula
