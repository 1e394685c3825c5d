"""The reports page: the archive of the reports a user may have, generating one, downloading.

Generating is a POST (it writes the archive); downloads and the MI pack's web page are GETs
that only read, each recorded in the audit trail. A report outside the user's units is a 404,
like one that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from oversight.audit.actions import record_event
from oversight.audit.models import AuditEvent
from oversight.reports.archive import (
    ReportDamaged,
    download_name,
    get_report_for_user,
    record_download,
    report_content,
    reports_visible_to,
)
from oversight.reports.forms import AUDIT, KINDS, ReportRequest, read_request
from oversight.reports.generate import PdfUnavailable, generate_audit_workbook, generate_mi_pack
from oversight.reports.models import Report
from oversight.reports.units import units_for
from oversight.supervision.forms import DateValue

ARCHIVE_ROWS = 100


def _page(request: HttpRequest, form: ReportRequest, *, status: int = 200) -> HttpResponse:
    units = units_for(request.user)
    if not units:
        raise Http404("No reports")
    archive = list(reports_visible_to(request.user).select_related("created_by")[:ARCHIVE_ROWS])
    return render(
        request,
        "reports/reports.html",
        {"units": units, "kinds": KINDS, "form": form, "archive": archive},
        status=status,
    )


@login_required
@require_GET
def reports(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return _page(request, ReportRequest(kind=AUDIT, date=DateValue.of(today)))


@login_required
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    units = units_for(request.user)
    if not units:
        raise Http404("No reports")
    form = read_request(request.POST, units, timezone.localdate())
    if form.errors or form.unit is None or form.as_at is None:
        return _page(request, form, status=400)
    try:
        if form.kind == AUDIT:
            made = [
                generate_audit_workbook(
                    unit=form.unit, as_at=form.as_at, by=request.user, request=request
                )
            ]
        else:
            made = generate_mi_pack(
                unit=form.unit, as_at=form.as_at, by=request.user, request=request
            )
    except PdfUnavailable as problem:
        form.errors.append(("kind", f"The PDF cannot be made on this server: {problem}"))
        return _page(request, form, status=503)
    messages.success(request, f"{made[0]} is ready to download below.")
    return redirect(f"{reverse('reports')}#report-{made[0].pk}")


def _content(report: Report) -> bytes:
    try:
        return report_content(report)
    except ReportDamaged as damaged:
        raise Http404(f"The report's file cannot be used: {damaged}") from None


@login_required
@require_GET
def download(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_report_for_user(request.user, report_id)
    content = _content(report)
    record_download(request.user, report, request)
    response = HttpResponse(content, content_type=report.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download_name(report)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def view(request: HttpRequest, report_id: int) -> HttpResponse:
    """The MI pack's web page, exactly as archived."""
    report = get_report_for_user(request.user, report_id)
    if report.kind != Report.Kind.MI_PACK_HTML:
        raise Http404("Not a web page")
    content = _content(report)
    record_event(
        user=request.user,
        kind=AuditEvent.Kind.VIEW,
        what=f"Report viewed: {report}",
        object_type="report",
        object_id=report.pk,
        detail={"as_at": report.as_at.isoformat(), "scope": f"{report.scope}:{report.scope_id}"},
        request=request,
    )
    response = HttpResponse(content, content_type=report.content_type)
    response["Cache-Control"] = "no-store"
    return response
