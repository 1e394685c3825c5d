"""The report archive: the reports a token's user may have, and each one's file exactly as
generated (reports.archive: the units their role covers; the file checked against the SHA-256
recorded when it was made). A download is audited as an export, as on the Reports page."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.params import functions as param

from oversight.api.audit import record_call, user_of
from oversight.api.params import MAX_ID, Paging, page_of
from oversight.api.problems import documented
from oversight.audit.models import AuditEvent
from oversight.reports.archive import (
    ReportDamaged,
    download_name,
    get_report_for_user,
    report_content,
    reports_visible_to,
)
from oversight.reports.models import Report

router = Router(tags=["Report archive"])
# What an archived report's file may be (reports.generate, reports.monthly).
FILE_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf",
    "text/html",
)


class ReportOut(Schema):
    id: int
    kind: str = Field(description="audit_workbook, mi_pack_pdf or mi_pack_html")
    scope: str = Field(description="council, locality or team")
    scope_id: int
    scope_name: str
    as_at: dt.date
    period_start: dt.date
    period_end: dt.date
    policy_version: int
    content_type: str
    size: int = Field(description="Bytes")
    sha256: str
    created_at: dt.datetime
    scheduled: bool
    figures: dict[str, Any] = Field(description="The headline numbers, by measure id")


class ReportPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ReportOut]


class ReportKind(StrEnum):
    AUDIT_WORKBOOK = "audit_workbook"
    MI_PACK_PDF = "mi_pack_pdf"
    MI_PACK_HTML = "mi_pack_html"


class ReportFilter(Schema):
    kind: ReportKind | None = None
    as_at: dt.date | None = Field(None, description="Only reports as at this date")


@router.get(
    "/reports",
    response={200: ReportPage, **documented(401, 422, 429)},
    operation_id="list_reports",
    summary="The archived reports this token may have, newest first",
)
def list_reports(
    request: HttpRequest, filters: Query[ReportFilter], paging: Query[Paging]
) -> dict[str, Any]:
    reports = reports_visible_to(user_of(request))
    if filters.kind is not None:
        reports = reports.filter(kind=str(filters.kind))
    if filters.as_at is not None:
        reports = reports.filter(as_at=filters.as_at)
    record_call(request, "report archive", object_type="report")
    page = page_of(list(reports), paging)
    page["items"] = [_report(r) for r in page["items"]]
    return page


@router.get(
    "/reports/{report_id}/file",
    response={200: None, **documented(401, 404, 422, 429)},
    operation_id="download_report",
    summary="An archived report's file, exactly as generated",
    openapi_extra={
        # Keyed by number, as ninja keys its own responses, so the two merge into one.
        "responses": {
            200: {
                "description": "The file (xlsx, PDF or HTML)",
                "content": {
                    t: {"schema": {"type": "string", "format": "binary"}} for t in FILE_TYPES
                },
            }
        }
    },
)
def download_report(
    request: HttpRequest, report_id: int = param.Path(..., ge=1, le=MAX_ID)
) -> HttpResponse:
    report = get_report_for_user(user_of(request), report_id)
    try:
        content = report_content(report)
    except ReportDamaged:
        # As on the Reports page: a file changed or lost since it was made is never served.
        raise Http404("The report's file cannot be used") from None
    record_call(
        request,
        f"report downloaded: {report}",
        kind=AuditEvent.Kind.EXPORT,
        object_type="report",
        object_id=report.pk,
        detail={"sha256": report.sha256},
    )
    response = HttpResponse(content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download_name(report)}"'
    return response


def _report(report: Report) -> dict[str, Any]:
    return {
        "id": report.pk,
        "kind": report.kind,
        "scope": report.scope,
        "scope_id": report.scope_id,
        "scope_name": report.scope_name,
        "as_at": report.as_at,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "policy_version": report.policy_version,
        "content_type": report.content_type,
        "size": report.size,
        "sha256": report.sha256,
        "created_at": report.created_at,
        "scheduled": report.scheduled,
        "figures": report.figures,
    }
