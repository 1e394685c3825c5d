"""The "generate a report" form: which unit, which report, as at which date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from oversight.reports.units import Unit
from oversight.supervision.forms import DateValue

AUDIT, MI_PACK = "audit_workbook", "mi_pack"
KINDS = (
    (AUDIT, "Monthly audit workbook (spreadsheet)", "The month to date, one sheet per audit"),
    (
        MI_PACK,
        "Fortnightly management information pack (web page and PDF)",
        "The fortnight ending on the date, with 12 fortnights of trend",
    ),
)


@dataclass
class ReportRequest:
    """What was asked for, read from the form; `errors` are (field id, message) pairs."""

    unit: Unit | None = None
    kind: str = ""
    as_at: dt.date | None = None
    date: DateValue = field(default_factory=lambda: DateValue("", "", ""))
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def field_errors(self) -> dict[str, str]:
        """Each field's message, by field name (the date's anchor is its day input)."""
        return {anchor.removesuffix("-day"): message for anchor, message in self.errors}


def read_request(data: Mapping[str, str], units: Sequence[Unit], today: dt.date) -> ReportRequest:
    request = ReportRequest(date=DateValue.from_data(data, "as_at"))
    request.unit = next((u for u in units if u.key == data.get("unit", "")), None)
    if request.unit is None:
        request.errors.append(("unit", "Choose what the report covers"))
    request.kind = data.get("kind", "")
    if request.kind not in {AUDIT, MI_PACK}:
        request.errors.append(("kind", "Choose a report"))
    if request.date.blank:
        request.errors.append(("as_at-day", "Enter the date the report is as at"))
        return request
    request.as_at = request.date.parse()
    if request.as_at is None:
        request.errors.append(("as_at-day", "The as-at date must be a real date"))
    elif request.as_at > today:
        request.errors.append(("as_at-day", "The as-at date must be today or in the past"))
        request.as_at = None
    return request
