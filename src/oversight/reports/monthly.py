"""The monthly audit workbook for a unit as at a date: the month to date, from the engine.

The period is the calendar month of the as-at date up to that date (a scheduled run on the
first working day of a month reports on the month before, as at its last day). Everything is
measured from what was known at the as-at date (docs/reports.md, "Past dates").
"""

from __future__ import annotations

import datetime as dt
import io

from django.db.models import QuerySet

from oversight.engine.frames import CaseData
from oversight.engine.measures import REGISTRY
from oversight.engine.policy import Policy
from oversight.engine.registry import Context, Period
from oversight.people.models import Worker
from oversight.policy.queries import calendar_for
from oversight.reports.archive import Built
from oversight.reports.audit_casework import assessments_sheet, rereferrals_sheet
from oversight.reports.audit_workforce import (
    caseload_sheets,
    eligibility_sheet,
    oversight_sheet,
    supervision_sheet,
)
from oversight.reports.measures_output import rounded
from oversight.reports.models import Report
from oversight.reports.sheets import AuditSheet, Names
from oversight.reports.units import Unit, unit_data, unit_workers
from oversight.reports.workbook import Cover, write_workbook
from oversight.supervision.audit import supervision_audit_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The registry's measures the sheets' headlines (and the archive's figures) come from.
AUDIT_MEASURES = (
    "caseload.utilisation",
    "caseload.workers_over_capacity",
    "caseload.average_per_fte",
    "caseload.s47_pressure_flags",
    "allocation.eligibility_breaches",
    "allocation.fsw_policy_breaches",
    "allocation.unallocated_child_protection",
    "supervision.compliance_rate",
    "supervision.overdue_workers",
    "supervision.not_written_up",
    "supervision.case_oversight_gaps",
    "assessments.open_overdue",
    "assessments.open_due_soon",
    "referrals.rereferral_rate",
    "referrals.rereferral_rate_excluding_misclassified",
)


def month_to_date(as_at: dt.date) -> Period:
    return Period(as_at.replace(day=1), as_at)


def audit_sheets(
    data: CaseData, workers: QuerySet[Worker], ctx: Context
) -> tuple[list[AuditSheet], dict[str, float | int | None]]:
    """The sheets in the order the audits are done, and the headline figures. `workers` are
    the unit's staff (for the supervision audit), `data` its frames."""
    results = REGISTRY.compute(data, ctx, AUDIT_MEASURES)
    names = Names.of(data)
    supervision_rows = supervision_audit_rows(
        workers.select_related("team", "supervisor"),
        ctx.as_at.replace(day=1),
        ctx.as_at,
    )
    sheets = [
        *caseload_sheets(data, ctx, results, names),
        eligibility_sheet(data, ctx, results, names),
        supervision_sheet(supervision_rows, results),
        oversight_sheet(data, ctx, results, names),
        assessments_sheet(data, ctx, results, names),
        rereferrals_sheet(data, ctx, results, names),
    ]
    figures = {
        measure_id: rounded(result.value, REGISTRY.measures[measure_id].unit)
        for measure_id, result in results.items()
    }
    return sheets, figures


def build_audit_workbook(
    unit: Unit,
    as_at: dt.date,
    *,
    policy: Policy,
    policy_version: int,
    generated_by: str,
    generated_at: dt.datetime,
    data: tuple[CaseData, QuerySet[Worker]] | None = None,
) -> Built:
    """The workbook's bytes, with its figures. `data` (frames and staff) may be given instead
    of the unit's own (the benchmark does, to treat ten councils as one)."""
    period = month_to_date(as_at)
    ctx = Context(as_at, period, policy, calendar_for(policy))
    frames, workers = data or (unit_data(unit, as_at), unit_workers(unit))
    sheets, figures = audit_sheets(frames, workers, ctx)
    cover = Cover(
        scope=unit.title,
        as_at=as_at,
        period_start=period.start,
        period_end=period.end,
        policy_version=policy_version,
        generated_by=generated_by,
        generated_at=generated_at,
    )
    buffer = io.BytesIO()
    write_workbook(buffer, cover, sheets)
    return Built(
        kind=Report.Kind.AUDIT_WORKBOOK,
        content=buffer.getvalue(),
        extension="xlsx",
        content_type=XLSX,
        period=period,
        figures=figures,
        parameters={"scope": unit.key, "as_at": as_at.isoformat(), "sheets": len(sheets)},
    )
